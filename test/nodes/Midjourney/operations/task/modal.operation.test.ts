import { MidjourneyError } from '../../../../../nodes/Midjourney/model/errors';
import { modal } from '../../../../../nodes/Midjourney/operations/task/modal.operation';
import { rgbaPng } from '../../../../emulator/pngWriter';
import { fakeInput } from '../fakeInput';

const MASK = `data:image/png;base64,${rgbaPng({ width: 2, height: 2, data: Buffer.alloc(16, 255) }).toString('base64')}`;

describe('modal.operation: prepare() gives the request, sends nothing', () => {
	it('answers the dialog of a MODAL task: /mj/submit/modal with its id and the prompt', async () => {
		const { input, fetched } = fakeInput({ taskId: '1730000000000001', prompt: ' a red door --zoom 1.5 ' });
		expect(await modal.prepare(input)).toEqual({
			endpoint: 'modal',
			body: { taskId: '1730000000000001', prompt: 'a red door --zoom 1.5' },
		});
		expect(fetched).toEqual([]);
	});

	it('carries State and the Notify Hook, never the Bot (the dialog has none)', async () => {
		const { input } = fakeInput(
			{ taskId: '42' },
			{ settings: { speed: 'fast', botType: 'NIJI_JOURNEY', state: 'post-7', notifyHook: 'https://hooks.example.com/mj' } },
		);
		expect((await modal.prepare(input)).body).toEqual({ taskId: '42', state: 'post-7', notifyHook: 'https://hooks.example.com/mj' });
	});

	it('sends the Vary (Region) mask from a data URI as maskBase64, checked as an image', async () => {
		const { input } = fakeInput({ taskId: '42', prompt: 'a cat', maskSource: 'url', maskUrl: MASK });
		const { body } = await modal.prepare(input);
		expect(body).toMatchObject({ taskId: '42', prompt: 'a cat' });
		expect(String(body.maskBase64)).toMatch(/^data:image\/png;base64,/);
		// Mask Source "None" sends no mask even when a URL is left in the hidden field.
		const none = fakeInput({ taskId: '42', maskSource: 'none', maskUrl: MASK }).input;
		expect((await modal.prepare(none)).body).toEqual({ taskId: '42' });
	});

	it('refuses a bad Task ID, a bad Mask Source and a broken mask before anything is sent', async () => {
		await expect(modal.prepare(fakeInput({ taskId: '' }).input)).rejects.toThrow('Task ID is empty for item 0');
		await expect(modal.prepare(fakeInput({ taskId: '../x' }).input)).rejects.toThrow('is not a task id');
		await expect(modal.prepare(fakeInput({ taskId: '42', maskSource: 'file' }).input)).rejects.toThrow(MidjourneyError);
		await expect(modal.prepare(fakeInput({ taskId: '42', maskSource: 'url', maskUrl: 'data:image/png;base64,@@' }).input)).rejects.toThrow(
			/not valid/,
		);
		await expect(modal.prepare(fakeInput({ taskId: '42', maskSource: 'binary', maskBinaryProperty: 'mask' }).input)).rejects.toThrow(
			'Item 0 has no binary property "mask" for the mask',
		);
	});
});
