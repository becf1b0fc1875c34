import type { IDataObject } from 'n8n-workflow';

import { sendRequest } from '../../../../nodes/Midjourney/execution/submitBatch';
import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { SUBMIT_CODE } from '../../../../nodes/Midjourney/model/submitCodes';
import type { SubmittedTask } from '../../../../nodes/Midjourney/model/task';
import type { SubmitRequest } from '../../../../nodes/Midjourney/operations/types';

/** A send that answers each submit in turn and records what was sent. */
function sender(...answers: Array<SubmittedTask | Error>) {
	const sent: Array<[string, IDataObject]> = [];
	const send = async (endpoint: string, body: IDataObject): Promise<SubmittedTask> => {
		sent.push([endpoint, body]);
		const answer = answers.shift();
		if (!answer) throw new Error('no more answers');
		if (answer instanceof Error) throw answer;
		return answer;
	};
	return { send, sent };
}

const PRESS: SubmitRequest = {
	endpoint: 'action',
	body: { taskId: '100', customId: 'MJ::Inpaint::1::abc::SOLO' },
	answerDialog: { endpoint: 'modal', body: { prompt: 'a hat', maskBase64: 'data:image/png;base64,AAAA' } },
};

describe('submitBatch: sendRequest, the one place a request is sent', () => {
	it('sends a plain request once and gives its task', async () => {
		const { send, sent } = sender({ taskId: '1', code: SUBMIT_CODE.accepted });
		expect(await sendRequest({ endpoint: 'imagine', body: { prompt: 'p' } }, send)).toEqual({ taskId: '1', code: 1 });
		expect(sent).toEqual([['imagine', { prompt: 'p' }]]);
	});

	it('answers a dialog at once: the modal submit carries the MODAL task id first, and its task is the result', async () => {
		const { send, sent } = sender({ taskId: '200', code: SUBMIT_CODE.modal }, { taskId: '201', code: SUBMIT_CODE.queued, queuePosition: 2 });
		expect(await sendRequest(PRESS, send)).toEqual({ taskId: '201', code: SUBMIT_CODE.queued, queuePosition: 2 });
		expect(sent).toEqual([
			['action', PRESS.body],
			['modal', { taskId: '200', prompt: 'a hat', maskBase64: 'data:image/png;base64,AAAA' }],
		]);
		expect(Object.keys(sent[1][1])[0]).toBe('taskId');
	});

	it('answers nothing when the press opened no dialog', async () => {
		const { send, sent } = sender({ taskId: '300', code: SUBMIT_CODE.accepted });
		expect((await sendRequest(PRESS, send)).taskId).toBe('300');
		expect(sent).toHaveLength(1);
	});

	it('keeps the MODAL task id with an answer that fails (the task exists), and a missing answer id', async () => {
		const refused = sender({ taskId: '200', code: SUBMIT_CODE.modal }, new MidjourneyError('validation', 'prompt refused'));
		const error = await sendRequest(PRESS, refused.send).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(MidjourneyError);
		expect((error as MidjourneyError).details).toMatchObject({ taskId: '200', status: 'MODAL' });
		expect((error as MidjourneyError).message).toBe('prompt refused (task 200)');
		const idless = sender({ taskId: '200', code: SUBMIT_CODE.modal }, { taskId: '', code: SUBMIT_CODE.accepted });
		expect((await sendRequest(PRESS, idless.send)).taskId).toBe('200');
	});
});
