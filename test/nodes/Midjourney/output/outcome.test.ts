import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { SUBMIT_CODE } from '../../../../nodes/Midjourney/model/submitCodes';
import type { MjTask } from '../../../../nodes/Midjourney/model/task';
import { outcomeToResult, waitingTaskItem } from '../../../../nodes/Midjourney/output/outcome';
import type { ItemSettings } from '../../../../nodes/Midjourney/parameters/settings';
import type { JobOutcome } from '../../../../nodes/Midjourney/waiting/runner';

/** No download is asked for, so the context is never used: any use fails the test. */
const ctx = new Proxy({}, { get: (_, key) => { throw new Error(`context used: ${String(key)}`); } }) as IExecuteFunctions;

function settings(onTimeout: 'fail' | 'returnTask' = 'fail'): Pick<ItemSettings, 'wait' | 'output'> {
	return {
		wait: { waitForCompletion: true, waitMode: 'poll', pollIntervalMs: 1000, timeoutMs: 90_000, callbackWaitLimitMs: 90_000, initialDelayMs: 0, onTimeout },
		output: { downloadImage: false, downloadVideo: false, binaryPropertyName: 'data', output: 'task', simplify: true },
	};
}

const submitted = { taskId: '1730000000000042', code: SUBMIT_CODE.queued, queuePosition: 2 };
const outcome = (task: MjTask, extra: Partial<JobOutcome> = {}) =>
	({ itemIndex: 3, ok: true, submitted, task, timedOut: false, ...extra }) as JobOutcome;

describe('output/outcome: a task outcome → the item, one rule for Poll and Callback mode', () => {
	it('a finished task: its item, paired with its input item, with its place in the queue', async () => {
		const result = await outcomeToResult(ctx, outcome({ id: submitted.taskId, status: 'SUCCESS', progress: '100%' }), settings(), 'https://api.example.com');
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ taskId: submitted.taskId, status: 'SUCCESS', queuePosition: 2 }), pairedItem: { item: 3 } },
		]);
	});

	it('a timeout: an error with the task id, its last status and what to do; or the task as is', async () => {
		const stuck = outcome({ id: submitted.taskId, status: 'IN_PROGRESS', progress: '61%' }, { timedOut: true, lastError: 'HTTP 503' } as Partial<JobOutcome>);
		const failed = await outcomeToResult(ctx, stuck, settings('fail'), 'https://api.example.com');
		expect(failed.error).toBeInstanceOf(MidjourneyError);
		expect(failed.error).toMatchObject({
			kind: 'timeout',
			message: `Task ${submitted.taskId} did not finish within 90 s (last status IN_PROGRESS, 61%)`,
			details: { taskId: submitted.taskId, status: 'IN_PROGRESS', progress: '61%', description: expect.stringContaining('Last error while checking: HTTP 503') },
		});
		const returned = await outcomeToResult(ctx, stuck, settings('returnTask'), 'https://api.example.com');
		expect(returned.items?.[0].json).toMatchObject({ taskId: submitted.taskId, status: 'IN_PROGRESS', timedOut: true });
	});

	it('a failed or cancelled task: an error carrying the task; a lost wait keeps the id created', async () => {
		const failure = await outcomeToResult(ctx, outcome({ id: submitted.taskId, status: 'FAILURE', failReason: 'banned prompt' }), settings(), '');
		expect(failure.error).toMatchObject({ kind: 'taskFailed', message: `Midjourney task ${submitted.taskId} failed: banned prompt` });
		const cancel = await outcomeToResult(ctx, outcome({ id: submitted.taskId, status: 'CANCEL' }), settings(), '');
		expect((cancel.error as MidjourneyError).message).toMatch(/failed: cancelled$/);
		const lost = await outcomeToResult(ctx, { itemIndex: 3, ok: false, error: new MidjourneyError('auth', 'key rejected'), submitted }, settings(), '');
		expect(lost.error).toMatchObject({ message: `key rejected (task ${submitted.taskId})`, details: { taskId: submitted.taskId } });
	});

	it('a task a parked execution still waits for: as submitted, marked for a Fetch later', () => {
		expect(waitingTaskItem(5, submitted, true)).toEqual({
			json: expect.objectContaining({ taskId: submitted.taskId, status: 'NOT_START', queuePosition: 2, waitEndedWithoutCallback: true }),
			pairedItem: { item: 5 },
		});
		expect(waitingTaskItem(0, { taskId: '7', code: SUBMIT_CODE.accepted }, true).json).not.toHaveProperty('queuePosition');
	});
});
