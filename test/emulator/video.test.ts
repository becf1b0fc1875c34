import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { renderFlat } from './images';
import {
	DEFAULT_OPTIONS,
	QUARTER_COLOURS,
	VIDEO_DURATION_SEC,
	VIDEO_FRAME_COUNT,
	videoFixture,
	type EmulatorOptions,
} from './index';
import { decodeRgbaPng, useContractEmulator } from './contractClient';

// Contract tests for video, editor, shorten, seed and upload (project issue 11).

// ---------- helpers (as in emulator.test.ts) ----------

async function submitted(path: string, body: unknown): Promise<string> {
	const { json } = await post(path, body);
	expect(json.code).toBe(1);
	return String(json.result);
}

async function finished(path: string, body: unknown) {
	return (await waitTask(await submitted(path, body))).task;
}

async function pressed(parent: any, label: string, extra: Record<string, unknown> = {}) {
	const answer = await press(parent, label, extra);
	expect(answer.json.code).toBe(1);
	return (await waitTask(String(answer.json.result))).task;
}

/** The top-level boxes of an mp4: [type, size] in order. */
function mp4Boxes(bytes: Buffer): Array<[string, number]> {
	const boxes: Array<[string, number]> = [];
	for (let at = 0; at + 8 <= bytes.length; ) {
		const size = bytes.readUInt32BE(at);
		boxes.push([bytes.toString('latin1', at + 4, at + 8), size]);
		if (size < 8) break;
		at += size;
	}
	return boxes;
}

const hasFfprobe = spawnSync('ffprobe', ['-version']).status === 0;

/** ffprobe's view of an mp4 (codec, size, duration), or undefined without ffprobe. */
function probe(bytes: Buffer): { codec: string; width: number; height: number; duration: number } | undefined {
	if (!hasFfprobe) return undefined;
	const dir = mkdtempSync(join(tmpdir(), 'emu-video-'));
	try {
		const file = join(dir, 'v.mp4');
		writeFileSync(file, bytes);
		const out = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', file]);
		const info = JSON.parse(out.stdout.toString());
		const stream = info.streams[0];
		return { codec: stream.codec_name, width: stream.width, height: stream.height, duration: Number(info.format.duration) };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const PNG_DATA_URI = `data:image/png;base64,${renderFlat(10, 8, [200, 200, 200, 200]).toString('base64')}`;
const FRAME_URL = 'https://example.com/frame.png';

const TEST_OPTIONS: Partial<EmulatorOptions> = {
	...DEFAULT_OPTIONS,
	taskDurationMs: 150,
	concurrency: 10,
	auth: undefined,
	stuckAtProgress: undefined,
	imageFilter: undefined,
	publicUrl: undefined,
	videoSizeBytes: undefined,
	logger: undefined,
};

const contract = useContractEmulator(TEST_OPTIONS);
const { call, post, get, local, waitTask, press } = contract;

async function finishedVideo(extra: Record<string, unknown> = {}) {
	return finished('/mj/submit/video', { motion: 'high', image: FRAME_URL, prompt: 'waves at dusk', ...extra });
}

async function upscaledImage() {
	const grid = await finished('/mj/submit/imagine', { prompt: 'a paper boat --v 6.1' });
	return pressed(grid, 'U1');
}

// ---------- tests ----------

describe('video submit', () => {
	it('refuses bad video submits with code 4 and creates nothing', async () => {
		const grid = await finished('/mj/submit/imagine', { prompt: 'cat' });
		contract.emu.reset();
		const cases: Array<Record<string, unknown>> = [
			{ image: FRAME_URL },
			{ motion: 'medium', image: FRAME_URL },
			{ motion: 'HIGH', image: FRAME_URL },
			{ motion: 'low' },
			{ motion: 'low', image: 'ftp://x/y.png' },
			{ motion: 'low', image: 'not-a-data-uri' },
			{ motion: 'low', image: FRAME_URL, prompt: 42 },
			{ motion: 'low', image: FRAME_URL, videoType: 'vid_1.1_i2v_1080' },
			{ motion: 'low', image: FRAME_URL, batchSize: 3 },
			{ motion: 'low', image: FRAME_URL, batchSize: '2' },
			{ motion: 'low', image: FRAME_URL, loop: 'yes' },
			{ motion: 'low', image: FRAME_URL, endImage: 'nope' },
			{ motion: 'low', image: FRAME_URL, action: 'shrink' },
			{ motion: 'low', image: FRAME_URL, taskId: grid.id },
			{ motion: 'low', action: 'extend', index: 0 },
			{ motion: 'low', image: FRAME_URL, state: 'x'.repeat(256) },
		];
		for (const body of cases) {
			const answer = await post('/mj/submit/video', body);
			expect({ body, status: answer.status, code: answer.json.code, result: answer.json.result }).toEqual({ body, status: 200, code: 4, result: null });
			expect(typeof answer.json.description).toBe('string');
		}
		const banned = await post('/mj/submit/video', { motion: 'low', image: FRAME_URL, prompt: 'a badword' });
		expect(banned.json).toMatchObject({ code: 24, result: null, properties: { bannedWord: 'badword' } });
		expect(contract.emu.createdTaskIds()).toEqual([]);
	});

	it('runs the lifecycle and finishes with four playable, distinct mp4s, thumbnails and U1..U4', async () => {
		const id = await submitted('/mj/submit/video', { motion: 'high', image: FRAME_URL, prompt: 'waves at dusk' });
		const { task, seen } = await waitTask(id);
		expect(seen).toEqual(['NOT_START:0%', 'SUBMITTED:0%', 'IN_PROGRESS:12%', 'IN_PROGRESS:45%', 'IN_PROGRESS:78%', 'SUCCESS:100%'].slice(-seen.length));
		expect(task).toMatchObject({
			action: 'VIDEO',
			status: 'SUCCESS',
			prompt: 'waves at dusk',
			promptEn: `${FRAME_URL} waves at dusk --video 1 --motion high`,
			videoDuration: VIDEO_DURATION_SEC,
			frameCount: VIDEO_FRAME_COUNT,
			contentType: 'video/mp4',
			properties: { videoType: 'vid_1.1_i2v_480', finalPrompt: `${FRAME_URL} waves at dusk --video 1 --motion high` },
		});
		expect(task.videoUrls).toHaveLength(4);
		expect(task.videoUrl).toBe(task.videoUrls[0].url);
		// trueai: a video task's imageUrl is the mp4 itself.
		expect(task.imageUrl).toBe(task.videoUrl);
		const hash = task.properties.messageHash;
		expect(task.buttons.map((b: any) => [b.label || b.emoji, b.customId])).toEqual([
			...[1, 2, 3, 4].map((n) => [`U${n}`, `MJ::JOB::video_virtual_upscale::${n}::${hash}`]),
			['🔄', `MJ::JOB::reroll::0::${hash}::SOLO`],
		]);

		const bodies: string[] = [];
		for (let i = 0; i < 4; i++) {
			const video = await get(local(task.videoUrls[i].url));
			expect(video.status).toBe(200);
			expect(video.headers['content-type']).toBe('video/mp4');
			expect(video.headers['accept-ranges']).toBe('bytes');
			expect(video.raw).toEqual(videoFixture(i));
			expect(mp4Boxes(video.raw).map(([type]) => type)).toEqual(expect.arrayContaining(['ftyp', 'moov', 'mdat']));
			expect(video.raw.length).toBeLessThan(20_000);
			bodies.push(video.raw.toString('base64'));
			const info = probe(video.raw);
			if (info) expect(info).toEqual({ codec: 'h264', width: 64, height: 64, duration: 1 });

			const thumbnail = await get(local(task.videoUrls[i].thumbnail));
			expect(thumbnail.headers['content-type']).toBe('image/png');
			expect(decodeRgbaPng(thumbnail.raw).pixel(2, 2)).toEqual([...QUARTER_COLOURS[i]]);
		}
		expect(new Set(bodies).size).toBe(4);
		expect((await get(`/mj/task/${id}/image-seed`)).json.code).toBe(1);
	});

	it('takes batchSize, videoType, loop, endImage and a data URI first frame it then serves', async () => {
		const one = await finishedVideo({ batchSize: 1, videoType: 'vid_1.1_i2v_720', loop: true, prompt: undefined });
		expect(one.videoUrls).toHaveLength(1);
		expect(one.buttons.map((b: any) => b.label || b.emoji)).toEqual(['U1', '🔄']);
		expect(one.properties.videoType).toBe('vid_1.1_i2v_720');
		expect(one.prompt).toBe('');
		expect(one.promptEn).toBe(`${FRAME_URL} --video 1 --motion high --bs 1 --end loop`);

		const two = await finishedVideo({ batchSize: 2, image: PNG_DATA_URI, endImage: 'https://example.com/end.png', motion: 'low' });
		expect(two.videoUrls).toHaveLength(2);
		expect(two.buttons.map((b: any) => b.label || b.emoji)).toEqual(['U1', 'U2', '🔄']);
		const [frame] = two.promptEn.split(' ');
		expect(two.promptEn).toBe(`${frame} waves at dusk --video 1 --motion low --bs 2 --end https://example.com/end.png`);
		const hosted = await get(local(frame));
		expect(hosted.headers['content-type']).toBe('image/png');
		expect(hosted.raw.toString('base64')).toBe(PNG_DATA_URI.split(',')[1]);
		expect((await get(local(two.videoUrls[1].url))).raw).toEqual(videoFixture(1));
		expect((await get(local(two.videoUrls[0].url).replace('/0_0.mp4', '/0_2.mp4'))).status).toBe(404);
	});

	it('serves videos only when finished, without auth, and honours Range and HEAD', async () => {
		contract.emu.setOptions({ taskDurationMs: 400, auth: { key: 'sk-video' } });
		contract.headers = { authorization: 'Bearer sk-video' };
		const id = await submitted('/mj/submit/video', { motion: 'low', image: FRAME_URL });
		const running = contract.emu.tasks.get(id)!;
		expect((await get(`/video/${id}/0_0.mp4`)).status).toBe(404);
		const { task } = await waitTask(id);
		expect(running.status).toBe('SUCCESS');
		contract.headers = {};
		const path = local(task.videoUrls[2].url);
		const fixture = videoFixture(2);
		const total = fixture.length;

		const head = await call('HEAD', path);
		expect([head.status, head.headers['content-length'], head.raw.length]).toEqual([200, String(total), 0]);
		const first = await get(path, { range: 'bytes=0-99' });
		expect([first.status, first.headers['content-range'], first.headers['content-length']]).toEqual([206, `bytes 0-99/${total}`, '100']);
		expect(first.raw).toEqual(fixture.subarray(0, 100));
		const rest = await get(path, { range: 'bytes=100-' });
		expect([rest.status, rest.headers['content-range']]).toEqual([206, `bytes 100-${total - 1}/${total}`]);
		expect(Buffer.concat([first.raw, rest.raw])).toEqual(fixture);
		const suffix = await get(path, { range: 'bytes=-50' });
		expect(suffix.raw).toEqual(fixture.subarray(total - 50));
		const beyond = await get(path, { range: `bytes=${total}-` });
		expect([beyond.status, beyond.headers['content-range'], beyond.raw.length]).toEqual([416, `bytes */${total}`, 0]);
		// Several ranges, or nonsense: the whole file.
		expect((await get(path, { range: 'bytes=0-1,5-9' })).status).toBe(200);
		expect((await get(path, { range: 'pages=1-2' })).raw).toEqual(fixture);
		expect(contract.emu.requests.filter((r) => r.kind === 'video').map((r) => r.status)).toEqual([404, 200, 206, 206, 206, 416, 200, 200]);
	});

	it('videoSizeBytes pads every mp4 with a free box to the size asked, streamed, still playable', async () => {
		const size = 3 * 1024 * 1024 + 5;
		contract.emu.setOptions({ videoSizeBytes: size });
		const task = await finishedVideo();
		const video = await get(local(task.videoUrl));
		expect(video.headers['content-length']).toBe(String(size));
		expect(video.raw.length).toBe(size);
		const fixture = videoFixture(0);
		expect(video.raw.subarray(0, fixture.length)).toEqual(fixture);
		expect(mp4Boxes(video.raw).slice(-1)).toEqual([['free', size - fixture.length]]);
		expect(video.raw.subarray(fixture.length + 8).every((b) => b === 0)).toBe(true);
		const tail = await get(local(task.videoUrl), { range: `bytes=${size - 10}-` });
		expect([tail.status, tail.raw]).toEqual([206, Buffer.alloc(10)]);
		const info = probe(video.raw);
		if (info) expect(info).toMatchObject({ codec: 'h264', duration: 1 });
	});
});

describe('animate, video upscale and extend buttons', () => {
	it('Animate on an upscale → VIDEO; U2 → UPSCALE of video 2 with Extend buttons; Extend → VIDEO', async () => {
		const upscale = await upscaledImage();
		const animate = await press(upscale, 'Animate (High motion)');
		expect(animate.json.code).toBe(1);
		const { task: video } = await waitTask(String(animate.json.result));
		expect(video).toMatchObject({
			action: 'VIDEO',
			parentId: upscale.id,
			customId: `MJ::JOB::animate_high::1::${upscale.properties.messageHash}::SOLO`,
			prompt: 'a paper boat --v 6.1',
			promptEn: `${upscale.imageUrl} a paper boat --v 6.1 --video 1 --motion high`,
		});
		expect(video.videoUrls).toHaveLength(4);
		expect(video.buttons[0].customId).toBe(`MJ::JOB::video_virtual_upscale::1::${video.properties.messageHash}`);

		const u2 = await pressed(video, 'U2');
		const hash = u2.properties.messageHash;
		expect(u2).toMatchObject({ action: 'UPSCALE', parentId: video.id, contentType: 'video/mp4', videoDuration: VIDEO_DURATION_SEC });
		expect(u2.videoUrls).toHaveLength(1);
		expect(u2.imageUrl).toBe(u2.videoUrl);
		expect((await get(local(u2.videoUrl))).raw).toEqual(videoFixture(1));
		expect(u2.buttons.map((b: any) => [b.label, b.emoji, b.customId])).toEqual([
			['Extend (High motion)', '🎞️', `MJ::JOB::animate_high_extend::1::${hash}`],
			['Extend (Low motion)', '🎞️', `MJ::JOB::animate_low_extend::1::${hash}`],
		]);
		expect((await get(`/mj/task/${video.id}/fetch`)).json.buttons[1].style).toBe(3);

		const extended = await pressed(u2, 'Extend (Low motion)');
		expect(extended).toMatchObject({ action: 'VIDEO', parentId: u2.id, promptEn: `${u2.videoUrl} a paper boat --v 6.1 --video 1 --motion low` });
		expect(extended.videoUrls).toHaveLength(4);

		const rerolled = await pressed(video, '🔄');
		expect(rerolled).toMatchObject({ action: 'VIDEO', promptEn: video.promptEn });
		expect(rerolled.videoUrls).toHaveLength(4);
	});

	it('with enableRemix, Animate and Extend open a MODAL (MJ::AnimateModal::prompt) answered by /mj/submit/modal', async () => {
		const upscale = await upscaledImage();
		const animate = await press(upscale, 'Animate (Low motion)', { enableRemix: true });
		expect(animate.json).toMatchObject({ code: 21, properties: { remix: true } });
		const id = String(animate.json.result);
		const waiting = (await get(`/mj/task/${id}/fetch`)).json;
		expect(waiting).toMatchObject({ status: 'MODAL', action: 'VIDEO', parentId: upscale.id, properties: { remix_modal: 'MJ::AnimateModal::prompt' } });
		expect((await post('/mj/submit/modal', { taskId: id, prompt: 'a badword' })).json.code).toBe(24);
		expect((await post('/mj/submit/modal', { taskId: id, prompt: 'boat sails away' })).json.code).toBe(1);
		const { task } = await waitTask(id);
		expect(task).toMatchObject({ status: 'SUCCESS', action: 'VIDEO', prompt: 'boat sails away', promptEn: `${upscale.imageUrl} boat sails away --video 1 --motion low` });

		const u1 = await pressed(task, 'U1', { enableRemix: true });
		expect(u1.action).toBe('UPSCALE');
		const extend = await press(u1, 'Extend (High motion)', { enableRemix: true });
		expect(extend.json.code).toBe(21);
		expect((await post('/mj/submit/modal', { taskId: String(extend.json.result) })).json.code).toBe(1);
		expect((await waitTask(String(extend.json.result))).task).toMatchObject({ action: 'VIDEO', prompt: 'boat sails away' });
	});

	it('extends through /mj/submit/video: action "extend", index 0-3 of a finished VIDEO parent', async () => {
		const parent = await finishedVideo();
		const ok = await post('/mj/submit/video', { motion: 'low', action: 'extend', index: 3, taskId: parent.id, prompt: 'more waves' });
		expect(ok.json.code).toBe(1);
		const { task } = await waitTask(String(ok.json.result));
		expect(task).toMatchObject({ action: 'VIDEO', parentId: parent.id, promptEn: `${parent.videoUrls[3].url} more waves --video 1 --motion low` });
		expect(contract.emu.requests.find((r) => r.createdTaskId === task.id)!.taskIds).toEqual([parent.id]);
		// Numeric task ids are fine too.
		expect((await post('/mj/submit/video', { motion: 'high', action: 'extend', index: 0, taskId: Number(parent.id) })).json.code).toBe(1);

		const two = await finishedVideo({ batchSize: 2 });
		const u1 = await pressed(two, 'U1');
		const image = await finished('/mj/submit/imagine', { prompt: 'cat' });
		contract.emu.setOptions({ taskDurationMs: 5000 });
		const running = await submitted('/mj/submit/video', { motion: 'low', image: FRAME_URL });
		const before = contract.emu.createdTaskIds().length;
		const refusals: Array<[Record<string, unknown>, number, number]> = [
			[{ taskId: parent.id, index: 4 }, 200, 4],
			[{ taskId: parent.id, index: -1 }, 200, 4],
			[{ taskId: parent.id, index: 1.5 }, 200, 4],
			[{ taskId: parent.id, index: '1' }, 200, 4],
			[{ taskId: parent.id }, 200, 4],
			[{ taskId: two.id, index: 2 }, 200, 4],
			[{ taskId: image.id, index: 0 }, 200, 4],
			[{ taskId: u1.id, index: 0 }, 200, 4],
			[{ taskId: running, index: 0 }, 200, 4],
			[{ taskId: '1111111111111111', index: 0 }, 404, 3],
		];
		for (const [extra, status, code] of refusals) {
			const answer = await post('/mj/submit/video', { motion: 'high', action: 'extend', ...extra });
			expect({ extra, status: answer.status, code: answer.json.code }).toEqual({ extra, status, code });
		}
		expect(contract.emu.createdTaskIds()).toHaveLength(before);
	});
});

describe('editor and retexture', () => {
	it('refuses a missing or bad image or prompt', async () => {
		for (const path of ['/mj/submit/edits', '/mj/submit/retexture']) {
			for (const body of [{ prompt: 'red hat' }, { image: FRAME_URL }, { image: FRAME_URL, prompt: '  ' }, { image: 'ftp://x', prompt: 'hat' }, { image: 'abc', prompt: 'hat' }]) {
				const answer = await post(path, body);
				expect({ path, body, code: answer.json.code, result: answer.json.result }).toEqual({ path, body, code: 4, result: null });
			}
			expect((await post(path, { image: FRAME_URL, prompt: 'badword hat' })).json.code).toBe(24);
		}
		expect(contract.emu.createdTaskIds()).toEqual([]);
	});

	it('edits (URL or data URI) and retexture give grids with U/V buttons; U1 upscales', async () => {
		const edit = await finished('/mj/submit/edits', { image: PNG_DATA_URI, prompt: 'add a red hat --ar 2:1' });
		expect(edit).toMatchObject({ action: 'EDIT', status: 'SUCCESS', prompt: 'add a red hat --ar 2:1' });
		expect(edit.buttons.map((b: any) => b.label || b.emoji)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
		const grid = await get(local(edit.imageUrl));
		expect(grid.headers['content-type']).toBe('image/png');
		expect(decodeRgbaPng(grid.raw).pixel(1, 1)).toEqual([...QUARTER_COLOURS[0]]);
		expect(grid.raw.readUInt32BE(16)).toBe(2 * grid.raw.readUInt32BE(20));
		expect((await pressed(edit, 'U1')).action).toBe('UPSCALE');

		const retexture = await finished('/mj/submit/retexture', { image: FRAME_URL, prompt: 'made of glass' });
		expect(retexture.action).toBe('RETEXTURE');
		expect(retexture.buttons).toHaveLength(9);
		// trueai also answers to the singular /mj/submit/edit.
		expect((await finished('/mj/submit/edit', { image: FRAME_URL, prompt: 'x' })).action).toBe('EDIT');
	});
});

describe('shorten', () => {
	it('refuses an empty prompt', async () => {
		expect((await post('/mj/submit/shorten', {})).json.code).toBe(4);
		expect((await post('/mj/submit/shorten', { prompt: ' ' })).json.code).toBe(4);
		expect((await post('/mj/submit/shorten', { prompt: 'badword' })).json.code).toBe(24);
		expect(contract.emu.createdTaskIds()).toEqual([]);
	});

	it('finishes with five shortened prompts and PromptAnalyzer buttons that open a MODAL', async () => {
		const prompt = 'a very detailed painting of an old lighthouse on a rocky cliff at sunset --ar 3:2 --v 6.1';
		const task = await finished('/mj/submit/shorten', { prompt });
		expect(task).toMatchObject({ action: 'SHORTEN', status: 'SUCCESS', prompt, promptEn: prompt, imageUrl: '' });
		expect(task.description).toBe(task.properties.finalPrompt);
		const [tokens, list] = task.description.split('\n\n');
		expect(tokens.split('\n')[0]).toBe('**IMPORTANT TOKENS**');
		const lines = list.split('\n');
		expect(lines[0]).toBe('**Shortened prompts**');
		const keycaps = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];
		expect(lines.slice(1).map((l: string) => l.split(' ')[0])).toEqual(keycaps);
		const shortened = lines.slice(1).map((l: string) => l.slice(l.indexOf(' ') + 1));
		expect(new Set(shortened).size).toBe(5);
		for (const p of shortened) {
			expect(p.length).toBeLessThan(prompt.length);
			expect(p.endsWith('--ar 3:2 --v 6.1')).toBe(true);
		}
		expect(task.buttons.map((b: any) => [b.emoji, b.customId])).toEqual(keycaps.map((k, i) => [k, `MJ::Job::PromptAnalyzer::${i + 1}`]));
		expect((await get(`/mj/task/${task.id}/image-seed`)).status).toBe(400);

		const second = await press(task, '2️⃣');
		expect(second.json).toMatchObject({ code: 21, properties: { remix: true, finalPrompt: shortened[1] } });
		const id = String(second.json.result);
		expect(contract.emu.tasks.get(id)).toMatchObject({ status: 'MODAL', action: 'IMAGINE', prompt: shortened[1], parentId: task.id });
		expect((await post('/mj/submit/modal', { taskId: id })).json.code).toBe(1);
		const grid = (await waitTask(id)).task;
		expect(grid).toMatchObject({ status: 'SUCCESS', action: 'IMAGINE', prompt: shortened[1] });
		expect(grid.buttons).toHaveLength(9);
	});
});

describe('image seed', () => {
	it('answers finished image tasks; unknown ids 404 code 3; unfinished 400 code 4', async () => {
		const grid = await finished('/mj/submit/imagine', { prompt: 'cat' });
		const seed = await get(`/mj/task/${grid.id}/image-seed`);
		expect([seed.status, seed.json.code]).toEqual([200, 1]);
		expect(seed.json.result).toMatch(/^\d+$/);
		expect((await get(`/mj/task/${grid.id}/image-seed`)).json.result).toBe(seed.json.result);
		const unknown = await get('/mj/task/1111111111111111/image-seed');
		expect([unknown.status, unknown.json.code]).toEqual([404, 3]);
		contract.emu.setOptions({ taskDurationMs: 5000 });
		const running = await submitted('/mj/submit/imagine', { prompt: 'cat' });
		const early = await get(`/mj/task/${running}/image-seed`);
		expect([early.status, early.json.code, early.json.result]).toEqual([400, 4, null]);
		expect(contract.emu.requests.filter((r) => r.kind === 'seed').map((r) => [r.status, r.taskIds])).toEqual([
			[200, [grid.id]],
			[200, [grid.id]],
			[404, ['1111111111111111']],
			[400, [running]],
		]);
	});
});

describe('upload-discord-images', () => {
	it('hosts the images and answers their URLs; no task is created', async () => {
		const jpeg = `data:image/jpeg;base64,${Buffer.from('JPEGDATA').toString('base64')}`;
		const answer = await post('/mj/submit/upload-discord-images', { base64Array: [PNG_DATA_URI, jpeg] });
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ code: 1, properties: {} });
		expect(typeof answer.json.description).toBe('string');
		const urls: string[] = answer.json.result;
		expect(urls).toHaveLength(2);
		expect(urls[1]).toMatch(/\.jpg$/);
		const png = await get(local(urls[0]));
		expect([png.status, png.headers['content-type']]).toEqual([200, 'image/png']);
		expect(png.raw.toString('base64')).toBe(PNG_DATA_URI.split(',')[1]);
		const jpg = await get(local(urls[1]));
		expect([jpg.headers['content-type'], jpg.text]).toEqual(['image/jpeg', 'JPEGDATA']);
		expect(contract.emu.createdTaskIds()).toEqual([]);
		expect(contract.emu.requests[0]).toMatchObject({ kind: 'submit-upload', status: 200, path: '/mj/submit/upload-discord-images' });

		for (const body of [{}, { base64Array: [] }, { base64Array: 'x' }, { base64Array: [PNG_DATA_URI, 'https://x/y.png'] }]) {
			const refused = await post('/mj/submit/upload-discord-images', body);
			expect([refused.json.code, refused.json.result]).toEqual([4, null]);
		}
		expect((await get('/attachments/1/nothing.png')).status).toBe(404);
		contract.emu.reset();
		expect((await get(local(urls[0]))).status).toBe(404);
	});
});

describe('auth, speed modes, the request log and faults on the new endpoints', () => {
	const NEW_SUBMITS: Array<[string, string, Record<string, unknown>]> = [
		['/mj/submit/video', 'submit-video', { motion: 'low', image: FRAME_URL }],
		['/mj/submit/edits', 'submit-edits', { image: FRAME_URL, prompt: 'hat' }],
		['/mj/submit/retexture', 'submit-edits', { image: FRAME_URL, prompt: 'hat' }],
		['/mj/submit/shorten', 'submit-shorten', { prompt: 'a long prompt' }],
		['/mj/submit/upload-discord-images', 'submit-upload', { base64Array: [PNG_DATA_URI] }],
	];

	it('need the key like every submit; media need none', async () => {
		contract.emu.setOptions({ auth: { key: 'sk-1', styles: ['bearer'] } });
		for (const [path, , body] of NEW_SUBMITS) {
			const denied = await post(path, body);
			expect([path, denied.status, denied.json.error.type]).toEqual([path, 401, 'new_api_error']);
			expect((await post(path, body, { authorization: 'Bearer sk-1' })).json.code).toBe(1);
		}
		contract.headers = { authorization: 'Bearer sk-1' };
		const video = await finishedVideo();
		const seed = await get(`/mj/task/${video.id}/image-seed`);
		expect(seed.json.code).toBe(1);
		expect((await get(`/mj/task/${video.id}/image-seed`, { authorization: 'Bearer nope' })).status).toBe(401);
		contract.headers = {};
		expect((await get(local(video.videoUrl))).status).toBe(200);
		expect((await get(local(video.videoUrls[0].thumbnail))).status).toBe(200);
	});

	it('take the speed prefixes and are logged with kind, mode, bare path, body and created task', async () => {
		for (const [path, kind, body] of NEW_SUBMITS) {
			const answer = await post(`/mj-turbo${path}`, body);
			expect(answer.json.code).toBe(1);
			const entry = contract.emu.requests[contract.emu.requests.length - 1];
			expect(entry).toMatchObject({ kind, mode: 'turbo', path, method: 'POST', status: 200, body });
			if (kind !== 'submit-upload') expect(entry.createdTaskId).toBe(String(answer.json.result));
		}
		await contract.emu.waitForIdle(3000);
		const video = contract.emu.tasks.get(contract.emu.createdTaskIds()[0])!;
		expect(String(video.properties.messageContent)).toContain('(turbo)');
		expect((await post('/mj-fast/mj/submit/shorten', { prompt: 'p' })).json.code).toBe(1);
		expect(contract.emu.requests[contract.emu.requests.length - 1].mode).toBe('fast');
	});

	it('submit faults hit the new submits; image faults hit mp4s and thumbnails', async () => {
		contract.emu.setOptions({ faults: [{ target: 'submit', kind: '429', times: NEW_SUBMITS.length }] });
		for (const [path, , body] of NEW_SUBMITS) expect((await post(path, body)).status).toBe(429);
		expect(contract.emu.createdTaskIds()).toEqual([]);
		expect(contract.emu.requests.every((r) => r.fault === '429')).toBe(true);

		contract.emu.setOptions({ faults: [{ target: 'submit', kind: 'drop-after', times: 1 }] });
		await expect(post('/mj/submit/video', { motion: 'low', image: FRAME_URL, prompt: 'ghost' })).rejects.toThrow();
		const [ghost] = contract.emu.createdTaskIds();
		expect(contract.emu.tasks.get(ghost)).toMatchObject({ action: 'VIDEO', prompt: 'ghost' });
		const video = (await waitTask(ghost)).task;

		const path = local(video.videoUrl);
		const full = videoFixture(0);
		contract.emu.setOptions({ faults: [{ target: 'image', kind: 'malformed', times: 1 }, { target: 'image', kind: 'empty', times: 1 }] });
		const truncated = await get(path);
		expect([truncated.status, truncated.raw.length]).toEqual([200, Math.floor(full.length / 2)]);
		expect(truncated.raw).toEqual(full.subarray(0, truncated.raw.length));
		const empty = await get(path);
		expect([empty.status, empty.raw.length]).toEqual([200, 0]);
		expect((await get(path)).raw).toEqual(full);

		contract.emu.setOptions({ faults: [{ target: 'image', kind: '503', times: 2, retryAfterSec: 1 }] });
		const unavailable = await get(path);
		expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '1']);
		expect((await get(local(video.videoUrls[1].thumbnail))).status).toBe(503);
		expect((await get(path)).status).toBe(200);
		expect(contract.emu.requests.filter((r) => r.kind === 'video').map((r) => r.fault)).toEqual(['malformed', 'empty', undefined, '503', undefined]);

		contract.emu.setOptions({ faults: [{ target: 'image', kind: 'drop-before', times: 1 }] });
		await expect(get(path)).rejects.toThrow();
		contract.emu.setOptions({ faults: [{ target: 'fetch', kind: 'slow', delayMs: 100 }] });
		expect((await get(path)).status).toBe(200);
	});

	it('sends notifyHook callbacks for video tasks too', async () => {
		const { createServer } = await import('node:http');
		const bodies: any[] = [];
		const hook = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
		try {
			const port = (hook.address() as { port: number }).port;
			await finishedVideo({ notifyHook: `http://127.0.0.1:${port}/hook`, state: 'v-1' });
			await contract.emu.waitForIdle(3000);
			const last = bodies[bodies.length - 1];
			expect(last).toMatchObject({ status: 'SUCCESS', action: 'VIDEO', state: 'v-1', contentType: 'video/mp4' });
			expect(last.videoUrls).toHaveLength(4);
			expect(bodies[0].status).toBe('SUBMITTED');
		} finally {
			await new Promise<void>((resolve) => hook.close(() => resolve()));
		}
	});
});

describe('fixtures', () => {
	it('are four small, distinct H.264 mp4s regenerated by make-videos.sh', () => {
		const script = readFileSync(join(__dirname, 'fixtures', 'make-videos.sh'), 'utf8');
		expect(script).toContain('libx264');
		const sizes = [0, 1, 2, 3].map((n) => videoFixture(n).length);
		for (const size of sizes) expect(size).toBeLessThan(20_000);
		expect(new Set([0, 1, 2, 3].map((n) => videoFixture(n).toString('base64'))).size).toBe(4);
		for (const n of [0, 1, 2, 3]) expect(mp4Boxes(videoFixture(n)).map(([type]) => type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
	});
});
