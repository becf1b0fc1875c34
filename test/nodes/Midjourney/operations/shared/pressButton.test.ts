import type { MjTask } from '../../../../../nodes/Midjourney/model/task';
import { buttonPress, customIdOn, readParentTask, resolveCustomId } from '../../../../../nodes/Midjourney/operations/shared/pressButton';
import { fakeInput } from '../fakeInput';

const button = (label: string, customId: string) => ({ label, customId, emoji: '', style: 2, type: 2 });
const GRID: MjTask = {
	id: '100',
	status: 'SUCCESS',
	progress: '100%',
	buttons: [
		button('U1', 'MJ::JOB::upsample::1::abc'),
		button('U2', 'MJ::JOB::upsample::2::abc'),
		button('U3', 'MJ::JOB::upsample::3::abc'),
		button('U4', 'MJ::JOB::upsample::4::abc'),
		button('V1', 'MJ::JOB::variation::1::abc'),
	],
};

describe('pressButton: the request of a button press', () => {
	it('presses by label on the parent: /mj/submit/action with the customId, State and Notify Hook, never the Bot', () => {
		const settings = { speed: 'relax' as const, botType: 'NIJI_JOURNEY', state: 's', notifyHook: 'https://h.example.com/x' };
		expect(buttonPress({ settings }, { taskId: '100', customId: customIdOn(GRID, '100', 'u2'), enableRemix: false })).toEqual({
			endpoint: 'action',
			body: { taskId: '100', customId: 'MJ::JOB::upsample::2::abc', state: 's', notifyHook: 'https://h.example.com/x' },
		});
	});

	it('with a modal prompt, asks the batch to answer the dialog at once (prompt and mask to /mj/submit/modal)', () => {
		const request = buttonPress(
			{ settings: { speed: 'default' } },
			{ taskId: '100', customId: 'MJ::Inpaint::1::abc::SOLO', enableRemix: true, modalPrompt: 'a hat', maskBase64: 'data:image/png;base64,AAAA' },
		);
		expect(request).toEqual({
			endpoint: 'action',
			body: { taskId: '100', customId: 'MJ::Inpaint::1::abc::SOLO', enableRemix: true },
			answerDialog: { endpoint: 'modal', body: { prompt: 'a hat', maskBase64: 'data:image/png;base64,AAAA' } },
		});
		// No prompt: the MODAL task is the result, for a Modal operation to answer.
		expect(buttonPress({ settings: { speed: 'default' } }, { taskId: '100', customId: 'x::y', enableRemix: true, modalPrompt: '' }).answerDialog).toBeUndefined();
	});

	it('names what the task offers when the button is not there, and what to press first on a grid', () => {
		expect(() => customIdOn(GRID, '100', 'Vary (Region)')).toThrow('Button "Vary (Region)" is not on task 100');
		expect(() => customIdOn(GRID, '100', 'Vary (Region)')).toThrow(
			expect.objectContaining({ details: expect.objectContaining({ description: expect.stringMatching(/This task offers: .*U1.*press U1-U4 first/) }) }),
		);
		expect(() => customIdOn({ ...GRID, status: 'IN_PROGRESS', buttons: [] }, '100', 'U1')).toThrow('Task 100 is IN_PROGRESS; its buttons are not available yet');
	});

	it('reads the parent once for a label, never for a raw customId; an unknown parent is not found', async () => {
		const { input, fetched } = fakeInput({}, { tasks: { '100': GRID } });
		expect(await resolveCustomId(input, '100', 'V1')).toBe('MJ::JOB::variation::1::abc');
		expect(await resolveCustomId(input, '100', 'MJ::JOB::reroll::0::abc::SOLO')).toBe('MJ::JOB::reroll::0::abc::SOLO');
		expect(fetched).toEqual(['100']);
		await expect(readParentTask(input, '999')).rejects.toThrow('Task 999 was not found (item 0)');
	});
});
