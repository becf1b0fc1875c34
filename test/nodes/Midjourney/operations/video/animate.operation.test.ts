import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VIDEO_DURATION_SEC, VIDEO_FRAME_COUNT } from '../../../../emulator';
import { chain, itemWithFiles, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, pngDataUri, useEmulator } from '../../emulatorSetup';
import { finishedGrid, finishedUpscale, requestsOf } from './videoTasks';

const emu = useEmulator();

async function animate(parameters: IDataObject, triggerItems?: INodeExecutionData[]) {
	return await runWorkflow(chain(midjourneyNode('Animate', { operation: 'animate', waitingOptions: FAST, ...parameters })), {
		credentials: emu.credentials(),
		triggerItems,
	});
}

function submittedVideoBodies(): IDataObject[] {
	return requestsOf(emu.emulator, 'submit-video').map((request) => request.body as IDataObject);
}

describe('Video / Animate from an upscale (its Animate button)', () => {
	it.each([
		['low', 'animate_low'],
		['high', 'animate_high'],
	])('%s motion presses %s and returns the finished video batch with every video field', async (motion, customIdPart) => {
		const upscaleId = await finishedUpscale(emu);
		// Simplify off: every video field of the whole task.
		const result = await animate({ source: 'upscale', taskId: upscaleId, motion, simplify: false });
		expect(result.error).toBeUndefined();
		const [item] = result.output('Animate');
		const task = emu.emulator.tasks.get(String(item.json.taskId))!;
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			action: 'VIDEO',
			parentTaskId: upscaleId,
			videoUrl: task.videoUrl,
			videoDuration: VIDEO_DURATION_SEC,
			frameCount: VIDEO_FRAME_COUNT,
		});
		expect(item.json.videoUrls).toEqual(task.videoUrls!.map((video) => ({ url: video.url, thumbnail: video.thumbnail })));
		expect(item.json.videoUrls).toHaveLength(4);
		// The video's U1-U4 upscale a video: stable keys, like a grid's.
		for (const [index, key] of ['U1', 'U2', 'U3', 'U4'].entries()) expect(item.json[key]).toBe(task.buttons[index].customId);
		const press = requestsOf(emu.emulator, 'submit-action').at(-1)!;
		expect((press.body as IDataObject).customId).toContain(customIdPart);
		expect((press.body as IDataObject).enableRemix).toBeUndefined();
		expect(submittedVideoBodies()).toHaveLength(0);
	});

	it('returns the submitted task at once when Wait for Completion is off', async () => {
		const upscaleId = await finishedUpscale(emu);
		const polls = requestsOf(emu.emulator, 'fetch').length + requestsOf(emu.emulator, 'list').length;
		const result = await animate({ source: 'upscale', taskId: upscaleId, motion: 'low', waitForCompletion: false });
		const [item] = result.output('Animate');
		expect(['SUBMITTED', 'NOT_START']).toContain(item.json.status);
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.action).toBe('VIDEO');
		// One read: the parent's buttons. No polling.
		expect(requestsOf(emu.emulator, 'fetch').length + requestsOf(emu.emulator, 'list').length).toBe(polls + 1);
	});

	it('with a prompt, presses Animate in remix mode and answers its dialog at once (the Action modal path)', async () => {
		const upscaleId = await finishedUpscale(emu);
		const result = await animate({ source: 'upscale', taskId: upscaleId, motion: 'high', prompt: 'the light sweeps slowly' });
		expect(result.error).toBeUndefined();
		const [item] = result.output('Animate');
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'VIDEO' });
		expect(requestsOf(emu.emulator, 'submit-action').at(-1)!.body).toMatchObject({ enableRemix: true });
		const [modal] = requestsOf(emu.emulator, 'submit-modal');
		expect(modal.body).toMatchObject({ taskId: item.json.taskId, prompt: 'the light sweeps slowly' });
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.promptEn).toContain('the light sweeps slowly');
	});

	it('with Enable Remix and no prompt, returns the MODAL task for a Modal operation', async () => {
		const upscaleId = await finishedUpscale(emu);
		const result = await animate({ source: 'upscale', taskId: upscaleId, motion: 'low', videoOptions: { enableRemix: true } });
		const [item] = result.output('Animate');
		expect(item.json.status).toBe('MODAL');
		expect(requestsOf(emu.emulator, 'submit-modal')).toHaveLength(0);
	});

	it('refuses a grid (no Animate button), saying to upscale first, and creates no task', async () => {
		const gridId = await finishedGrid(emu);
		const before = emu.emulator.createdTaskIds().length;
		const result = await animate({ source: 'upscale', taskId: gridId, motion: 'low' });
		expect((result.error as { name?: string }).name).toBe('NodeOperationError');
		expect(result.error?.message).toContain(gridId);
		expect(String((result.error as { description?: string }).description)).toMatch(/press U1-U4 first/);
		expect(emu.emulator.createdTaskIds()).toHaveLength(before);
	});
});

describe('Video / Animate from any image (/mj/submit/video)', () => {
	it('sends a URL as image, with motion and prompt, and no trueai extras unless set', async () => {
		const url = `${emu.url}/attachments/not-needed.png`;
		const result = await animate({ source: 'image', imageSource: 'url', imageUrl: url, motion: 'high', prompt: 'waves roll in' });
		expect(result.error).toBeUndefined();
		expect(submittedVideoBodies()).toEqual([{ image: url, motion: 'high', prompt: 'waves roll in' }]);
		expect(result.output('Animate')[0].json).toMatchObject({ status: 'SUCCESS', action: 'VIDEO' });
	});

	it('sends a binary property as a data URI', async () => {
		const png = Buffer.from(pngDataUri(90).split(',')[1], 'base64');
		const result = await animate(
			{ source: 'image', imageSource: 'binary', binaryPropertyName: 'photo', motion: 'low' },
			[itemWithFiles({ photo: { data: png, mimeType: 'image/png' } })],
		);
		expect(result.error).toBeUndefined();
		const [body] = submittedVideoBodies();
		expect(body).toEqual({ image: `data:image/png;base64,${png.toString('base64')}`, motion: 'low' });
	});

	it('sends end frame, video type and batch size only when set, as the server names them', async () => {
		const endFrame = pngDataUri(200);
		const result = await animate({
			source: 'image',
			imageSource: 'url',
			imageUrl: pngDataUri(10),
			motion: 'low',
			videoOptions: { endImage: endFrame, videoType: '720p', batchSize: 2 },
		});
		expect(result.error).toBeUndefined();
		expect(submittedVideoBodies()[0]).toMatchObject({ endImage: endFrame, videoType: 'vid_1.1_i2v_720', batchSize: 2 });
		expect(submittedVideoBodies()[0].loop).toBeUndefined();
		expect(result.output('Animate')[0].json.videoUrls).toHaveLength(2);
	});

	it('sends loop', async () => {
		await animate({ source: 'image', imageSource: 'url', imageUrl: pngDataUri(10), motion: 'low', videoOptions: { loop: true }, waitForCompletion: false });
		expect(submittedVideoBodies()[0]).toMatchObject({ loop: true });
	});

	it('returns at once when Wait for Completion is off', async () => {
		const result = await animate({ source: 'image', imageSource: 'url', imageUrl: pngDataUri(10), motion: 'low', waitForCompletion: false });
		const [item] = result.output('Animate');
		expect(['SUBMITTED', 'NOT_START']).toContain(item.json.status);
		expect(emu.emulator.createdTaskIds()).toEqual([item.json.taskId]);
		expect(requestsOf(emu.emulator, 'fetch').length + requestsOf(emu.emulator, 'list').length).toBe(0);
	});
});

describe('Video / Animate: bad input is refused before anything is sent', () => {
	it.each([
		['no image', { source: 'image', imageSource: 'url', imageUrl: '  ', motion: 'low' }, /Image URL is empty/],
		['an image that is no URL', { source: 'image', imageSource: 'url', imageUrl: 'lighthouse.png', motion: 'low' }, /not an image URL or data URI/],
		['no binary', { source: 'image', imageSource: 'binary', binaryPropertyName: 'photo', motion: 'low' }, /photo/],
		['a wrong motion', { source: 'image', imageSource: 'url', imageUrl: pngDataUri(10), motion: '={{ "medium" }}' }, /Motion must be High or Low.*"medium"/],
		['no task id', { source: 'upscale', taskId: '={{ "" }}', motion: 'low' }, /Task ID is empty/],
		['end frame and loop together', { source: 'image', imageSource: 'url', imageUrl: pngDataUri(10), motion: 'low', videoOptions: { endImage: pngDataUri(1), loop: true } }, /End Frame and Loop/],
		['an end frame that is no URL', { source: 'image', imageSource: 'url', imageUrl: pngDataUri(10), motion: 'low', videoOptions: { endImage: 'last.png' } }, /End Frame of item 0 is not an image URL/],
	])('%s', async (_case, parameters, message) => {
		const result = await animate(parameters);
		expect((result.error as { name?: string })?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(emu.emulator.requests.filter((request) => request.kind.startsWith('submit-'))).toHaveLength(0);
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
	});
});
