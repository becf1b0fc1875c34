import type { IDataObject } from 'n8n-workflow';

import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, pngDataUri, useEmulator } from '../../emulatorSetup';
import { finishedGrid, finishedVideo, requestsOf } from './videoTasks';

const emu = useEmulator();

async function extend(parameters: IDataObject) {
	return await runWorkflow(chain(midjourneyNode('Extend', { operation: 'extend', motion: 'low', waitingOptions: FAST, ...parameters })), {
		credentials: emu.credentials(),
	});
}

/** Video task → Action U{n} (upscale that video): the upscaled video's task id. */
async function upscaledVideo(videoId: string, button: string): Promise<string> {
	const result = await runWorkflow(
		chain(midjourneyNode('Upscale Video', { operation: 'action', taskId: videoId, button, waitingOptions: FAST })),
		{ credentials: emu.credentials() },
	);
	expect(result.error).toBeUndefined();
	const [item] = result.output('Upscale Video');
	// The mapper gives the upscaled video its Extend buttons' stable keys.
	expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'UPSCALE' });
	expect(String(item.json.extendHigh)).toContain('animate_high_extend');
	expect(String(item.json.extendLow)).toContain('animate_low_extend');
	expect(item.json.videoUrl).toEqual(expect.stringContaining('.mp4'));
	return String(item.json.taskId);
}

describe('Video / Extend', () => {
	it('extends video 2 of a batch: action extend, index 1 (0-based on the wire), the parent task, the motion', async () => {
		const videoId = await finishedVideo(emu, pngDataUri(30));
		const result = await extend({ taskId: videoId, videoNumber: 2, motion: 'high', prompt: 'the camera rises' });
		expect(result.error).toBeUndefined();
		expect(requestsOf(emu.emulator, 'submit-video').at(-1)!.body).toEqual({
			action: 'extend',
			index: 1,
			taskId: videoId,
			motion: 'high',
			prompt: 'the camera rises',
		});
		const [item] = result.output('Extend');
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'VIDEO' });
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.parentId).toBe(videoId);
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.promptEn).toContain(emu.emulator.tasks.get(videoId)!.videoUrls![1].url);
	});

	it('extends an upscaled video with its Extend button (video U2 through the Action operation first)', async () => {
		const videoId = await finishedVideo(emu, pngDataUri(30));
		const upscaledId = await upscaledVideo(videoId, 'U2');
		const upscaled = emu.emulator.tasks.get(upscaledId)!;
		const videoSubmits = requestsOf(emu.emulator, 'submit-video').length;
		const result = await extend({ taskId: upscaledId, motion: 'high' });
		expect(result.error).toBeUndefined();
		expect(requestsOf(emu.emulator, 'submit-action').at(-1)!.body).toMatchObject({
			taskId: upscaledId,
			customId: upscaled.buttons.find((button) => button.label === 'Extend (High motion)')!.customId,
		});
		expect(requestsOf(emu.emulator, 'submit-video')).toHaveLength(videoSubmits);
		expect(result.output('Extend')[0].json).toMatchObject({ status: 'SUCCESS', action: 'VIDEO' });
	});

	it('returns at once when Wait for Completion is off', async () => {
		const videoId = await finishedVideo(emu, pngDataUri(30));
		const result = await extend({ taskId: videoId, videoNumber: 4, waitForCompletion: false });
		const [item] = result.output('Extend');
		expect(['SUBMITTED', 'NOT_START']).toContain(item.json.status);
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.parentId).toBe(videoId);
		expect(requestsOf(emu.emulator, 'submit-video').at(-1)!.body).toMatchObject({ index: 3 });
	});
});

describe('Video / Extend: bad input gets a clear error and creates no task', () => {
	async function expectRefused(parameters: IDataObject, message: RegExp, description?: RegExp) {
		const before = emu.emulator.createdTaskIds().length;
		const submitsBefore = emu.emulator.requests.filter((request) => request.kind.startsWith('submit-')).length;
		const result = await extend(parameters);
		expect((result.error as { name?: string })?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		if (description) expect(String((result.error as { description?: string }).description)).toMatch(description);
		expect(emu.emulator.createdTaskIds()).toHaveLength(before);
		expect(emu.emulator.requests.filter((request) => request.kind.startsWith('submit-'))).toHaveLength(submitsBefore);
	}

	it('a video number beyond the batch (a batch of 2, video 3)', async () => {
		const videoId = await finishedVideo(emu, pngDataUri(30), { batchSize: 2 });
		await expectRefused({ taskId: videoId, videoNumber: 3 }, new RegExp(`Task ${videoId} has 2 videos; there is no video 3`), /from 1 to 2/);
	});

	it.each([0, 5, 1.5])('a video number out of 1-4 (%s)', async (videoNumber) => {
		const videoId = await finishedVideo(emu, pngDataUri(30));
		await expectRefused({ taskId: videoId, videoNumber: `={{ ${videoNumber} }}` }, /Video must be 1 to 4/);
	});

	it('a task that is not a video (a grid)', async () => {
		const gridId = await finishedGrid(emu);
		await expectRefused({ taskId: gridId }, new RegExp(`Task ${gridId} is IMAGINE without videos to extend`), /Animate a picture first/);
	});

	it('a wrong motion', async () => {
		const videoId = await finishedVideo(emu, pngDataUri(30));
		await expectRefused({ taskId: videoId, motion: '={{ "fast" }}' }, /Motion must be High or Low/);
	});

	it('a video that is not finished', async () => {
		const started = await runWorkflow(
			chain(midjourneyNode('Animate', { operation: 'animate', source: 'image', imageSource: 'url', imageUrl: pngDataUri(5), motion: 'low', waitForCompletion: false })),
			{ credentials: emu.credentials() },
		);
		const videoId = String(started.output('Animate')[0].json.taskId);
		await expectRefused({ taskId: videoId }, /only a finished video can be extended/);
	});

	it('an unknown task', async () => {
		const result = await extend({ taskId: '1111222233334444' });
		expect(result.error?.message).toMatch(/1111222233334444 was not found/);
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
	});
});
