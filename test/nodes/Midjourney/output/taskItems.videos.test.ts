import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { startServer } from '../../../hostile/servers';

import { videoFixture } from '../../../emulator';
import { binaryBuffer, chain, midjourneyNode, optionParameters, runWorkflow, type BinaryMode } from '../../../harness';
import { FAST, pngDataUri, useEmulator } from '../emulatorSetup';

/** Videos out: Download Video stores each whole mp4 in n8n's binary data, One Item per Video splits the batch. */

const emu = useEmulator({ taskDurationMs: 100 });
const MODES: BinaryMode[] = ['default', 'filesystem'];

function animateNode(options: IDataObject, videoOptions: IDataObject = {}) {
	return midjourneyNode('Animate', {
		operation: 'animate',
		source: 'image',
		imageSource: 'url',
		imageUrl: pngDataUri(60),
		motion: 'low',
		videoOptions,
		...optionParameters({ ...FAST, ...options }),
	});
}

function expectStoredIn(binary: IBinaryData, mode: BinaryMode) {
	if (mode === 'filesystem') {
		expect(binary.id).toMatch(/^filesystem/);
		expect(binary.data).toMatch(/^filesystem/);
	} else {
		expect(binary.id).toBeUndefined();
		expect(typeof binary.data).toBe('string');
	}
}

/** The bytes are the emulator's fixture for video `position` of the task: the very mp4 served. */
async function expectVideo(binary: IBinaryData, taskId: string, index: number, mode: BinaryMode) {
	expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `midjourney-${taskId}-${index}.mp4`, fileExtension: 'mp4' });
	expectStoredIn(binary, mode);
	const bytes = await binaryBuffer(binary);
	expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
	const fixture = emu.emulator.tasks.get(taskId)!.picture;
	expect(fixture.kind).toBe('video');
	expect(bytes.equals(videoFixture((fixture as { videos: number[] }).videos[index - 1]))).toBe(true);
}

describe.each(MODES)('Download Video (%s binary data mode)', (mode) => {
	it('on by default for Animate: the mp4s come out as files', async () => {
		const result = await runWorkflow(chain(animateNode({})), { credentials: emu.credentials(), binaryMode: mode });
		expect(result.error).toBeUndefined();
		expect(Object.keys(result.output('Animate')[0].binary ?? {})).toEqual(['data', 'data_2', 'data_3', 'data_4']);
	});

	it('turned off: no binary, and no mp4 is downloaded', async () => {
		const result = await runWorkflow(chain(animateNode({ downloadVideo: false })), { credentials: emu.credentials(), binaryMode: mode });
		expect(result.error).toBeUndefined();
		expect(result.output('Animate')[0].binary).toBeUndefined();
		expect(emu.emulator.requests.filter((request) => request.kind === 'video')).toHaveLength(0);
	});

	it('on: every mp4 of the batch on the task item, the first in the field, the others in field_2…', async () => {
		const result = await runWorkflow(chain(animateNode({ downloadVideo: true, binaryPropertyName: 'clip' })), {
			credentials: emu.credentials(),
			binaryMode: mode,
		});
		expect(result.error).toBeUndefined();
		const [item] = result.output('Animate');
		const taskId = String(item.json.taskId);
		expect(Object.keys(item.binary ?? {})).toEqual(['clip', 'clip_2', 'clip_3', 'clip_4']);
		for (const [position, key] of ['clip', 'clip_2', 'clip_3', 'clip_4'].entries()) {
			await expectVideo(item.binary![key], taskId, position + 1, mode);
		}
		// The four videos differ (one fixture each).
		const all = await Promise.all(Object.values(item.binary!).map(binaryBuffer));
		expect(new Set(all.map((bytes) => bytes.toString('base64'))).size).toBe(4);
	});

	it('One Item per Video: one item per video with its index, URLs and own U button, each with its mp4', async () => {
		const result = await runWorkflow(chain(animateNode({ downloadVideo: true, output: 'videos' }, { batchSize: 2 })), {
			credentials: emu.credentials(),
			binaryMode: mode,
		});
		expect(result.error).toBeUndefined();
		const items = result.output('Animate');
		expect(items).toHaveLength(2);
		const taskId = String(items[0].json.taskId);
		const task = emu.emulator.tasks.get(taskId)!;
		for (const [position, item] of items.entries()) {
			expect(item.json).toMatchObject({
				taskId,
				index: position + 1,
				videoUrl: task.videoUrls![position].url,
				thumbnailUrl: task.videoUrls![position].thumbnail,
				U: task.buttons[position].customId,
			});
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(Object.keys(item.binary ?? {})).toEqual(['data']);
			await expectVideo(item.binary!.data, taskId, position + 1, mode);
		}
	});

	it('One Item per Video without Download Video: the items carry the URLs only', async () => {
		const result = await runWorkflow(chain(animateNode({ output: 'videos', downloadVideo: false })), {
			credentials: emu.credentials(),
			binaryMode: mode,
		});
		const items = result.output('Animate');
		expect(items.map((item) => item.json.index)).toEqual([1, 2, 3, 4]);
		expect(items.every((item) => item.binary === undefined)).toBe(true);
	});

	it('Fetch of a video task downloads its videos too', async () => {
		const made = await runWorkflow(chain(animateNode({}, { batchSize: 1 })), { credentials: emu.credentials() });
		const taskId = String(made.output('Animate')[0].json.taskId);
		const result = await runWorkflow(
			chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId, options: { downloadVideo: true } })),
			{ credentials: emu.credentials(), binaryMode: mode },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Fetch');
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		await expectVideo(item.binary!.data, taskId, 1, mode);
	});
});

describe('Download Video: a file that is not an mp4', () => {
	it('is refused with the task id, and nothing is stored', async () => {
		const made = await runWorkflow(chain(animateNode({}, { batchSize: 1 })), { credentials: emu.credentials() });
		const taskId = String(made.output('Animate')[0].json.taskId);
		const task = emu.emulator.tasks.get(taskId)!;
		// The URL now answers the PNG thumbnail (an expired link answers a page, not a video).
		task.videoUrls = [{ url: task.videoUrls![0].thumbnail, thumbnail: task.videoUrls![0].thumbnail }];
		const result = await runWorkflow(
			chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId, options: { downloadVideo: true } })),
			{ credentials: emu.credentials(), binaryMode: 'filesystem' },
		);
		expect(result.error?.message).toMatch(new RegExp(`video 1 of task ${taskId} failed: the answer is not an mp4`));
		expect(String((result.error as { description?: string }).description)).toMatch(/image\/png.*PNG/);
	});

	it('a video URL that answers 404 is an error naming the video and the task', async () => {
		const made = await runWorkflow(chain(animateNode({}, { batchSize: 1 })), { credentials: emu.credentials() });
		const taskId = String(made.output('Animate')[0].json.taskId);
		const task = emu.emulator.tasks.get(taskId)!;
		task.videoUrls = [{ url: `${emu.url}/video/${taskId}/0_3.mp4`, thumbnail: '' }];
		const result = await runWorkflow(
			chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId, options: { downloadVideo: true } })),
			{ credentials: emu.credentials() },
		);
		expect(result.error?.message).toBe(`Downloading video 1 of task ${taskId} failed: HTTP 404`);
	});

	it('a download cut off mid-way is an error with the task id, and leaves no partial file in the binary data folder', async () => {
		const made = await runWorkflow(chain(animateNode({}, { batchSize: 1 })), { credentials: emu.credentials() });
		const taskId = String(made.output('Animate')[0].json.taskId);
		// An mp4 that starts well, sends 2 MB and then breaks off.
		const breaking = await startServer('127.0.0.1', (_req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(50 * 1048576) });
			res.write(videoFixture(0));
			res.write(Buffer.alloc(2 * 1048576, 7), () => res.destroy());
		});
		try {
			emu.emulator.tasks.get(taskId)!.videoUrls = [{ url: `${breaking.url}/cut.mp4`, thumbnail: '' }];
			const before = storedFiles();
			const result = await runWorkflow(
				chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId, options: { downloadVideo: true } })),
				{ credentials: emu.credentials(), binaryMode: 'filesystem' },
			);
			expect(result.error?.message).toMatch(new RegExp(`Downloading video 1 of task ${taskId} failed`));
			expect(breaking.received).toHaveLength(1);
			expect(storedFiles().filter((file) => !before.includes(file))).toEqual([]);
		} finally {
			await breaking.close();
		}
	});
});

/** Every file in n8n's filesystem binary data folder (the harness keeps it under N8N_USER_FOLDER). */
function storedFiles(): string[] {
	const root = join(process.env.N8N_USER_FOLDER!, 'binaryData');
	if (!existsSync(root)) return [];
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}
