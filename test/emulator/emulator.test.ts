import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

import { rgbaPng } from './pngWriter';
import { parseFaultSpec } from './faults';
import {
	DEFAULT_OPTIONS,
	QUARTER_COLOURS,
	previewColour,
	startEmulator,
	type EmulatorOptions,
} from './index';
import { decodeRgbaPng, sleep, useContractEmulator } from './contractClient';

// ---------- helpers ----------

async function imagine(prompt = 'a paper boat --v 6.1', extra: Record<string, unknown> = {}) {
	const { json } = await post('/mj/submit/imagine', { prompt, ...extra });
	expect(json.code).toBe(1);
	return String(json.result);
}

async function finishedImagine(prompt?: string) {
	const id = await imagine(prompt);
	return (await waitTask(id)).task;
}

function quarterColours(png: Buffer): number[][] {
	const img = decodeRgbaPng(png);
	const [w, h] = [img.width, img.height];
	return [img.pixel(w / 4, h / 4), img.pixel((3 * w) / 4, h / 4), img.pixel(w / 4, (3 * h) / 4), img.pixel((3 * w) / 4, (3 * h) / 4)];
}

const PNG_DATA_URI = `data:image/png;base64,${rgbaPng({ width: 10, height: 8, data: Buffer.alloc(10 * 8 * 4, 200) }).toString('base64')}`;

const TEST_OPTIONS: Partial<EmulatorOptions> = {
	...DEFAULT_OPTIONS,
	taskDurationMs: 150,
	auth: undefined,
	stuckAtProgress: undefined,
	imageFilter: undefined,
	publicUrl: undefined,
	logger: undefined,
};

const contract = useContractEmulator(TEST_OPTIONS);
const { call, post, get, local, waitTask, press } = contract;

// ---------- tests ----------

describe('imagine and fetch', () => {
	it('runs NOT_START → SUBMITTED → each progress step → SUCCESS with the grid buttons in order', async () => {
		const id = await imagine('a paper boat --v 6.1');
		expect(id).toMatch(/^\d{16}$/);
		const { task, seen } = await waitTask(id);

		expect(seen[seen.length - 1]).toBe('SUCCESS:100%');
		expect(seen.some((s) => s.startsWith('IN_PROGRESS:'))).toBe(true);
		const history = contract.emu.tasks.get(id)!.history.map((h) => `${h.status}:${h.progress}`);
		expect(history).toEqual(['NOT_START:0%', 'SUBMITTED:0%', 'IN_PROGRESS:12%', 'IN_PROGRESS:45%', 'IN_PROGRESS:78%', 'SUCCESS:100%']);

		expect(task).toMatchObject({ id, action: 'IMAGINE', prompt: 'a paper boat --v 6.1', status: 'SUCCESS', failReason: '' });
		expect(typeof task.id).toBe('string');
		expect(task.finishTime).toBeGreaterThanOrEqual(task.startTime);
		expect(task.startTime).toBeGreaterThanOrEqual(task.submitTime);
		expect(contract.emu.tasks.get(id)!.finishedAt).toBe(task.finishTime);
		expect(task.properties.finalPrompt).toBe('a paper boat --v 6.1');

		const hash = task.properties.messageHash;
		expect(hash).toMatch(/^[0-9a-f-]{36}$/);
		expect(task.buttons.map((b: any) => b.label || b.emoji)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
		expect(task.buttons.map((b: any) => b.customId)).toEqual([
			...[1, 2, 3, 4].map((n) => `MJ::JOB::upsample::${n}::${hash}`),
			`MJ::JOB::reroll::0::${hash}::SOLO`,
			...[1, 2, 3, 4].map((n) => `MJ::JOB::variation::${n}::${hash}`),
		]);
		expect(task.buttons[4]).toEqual({ customId: `MJ::JOB::reroll::0::${hash}::SOLO`, emoji: '🔄', label: '', type: 2, style: 2 });
		for (const b of task.buttons) expect([b.type, b.style]).toEqual([2, 2]);
		expect(task.imageUrls).toBeUndefined();
	});

	it('serves the finished grid as a PNG of four distinct colours, and a washed-out preview while in progress', async () => {
		const id = await imagine();
		const { task: running } = await waitTask(id, (t) => t.status === 'IN_PROGRESS');
		const preview = await get(local(running.imageUrl));
		expect(preview.status).toBe(200);
		expect(quarterColours(preview.raw)).toEqual(QUARTER_COLOURS.map((c) => [...previewColour(c)]));

		const { task } = await waitTask(id);
		expect(task.imageUrl).toMatch(new RegExp(`^${contract.emu.url}/images/${id}\\.png\\?`));
		const grid = await get(local(task.imageUrl));
		expect(grid.status).toBe(200);
		expect(grid.headers['content-type']).toBe('image/png');
		const img = decodeRgbaPng(grid.raw);
		expect([img.width, img.height]).toEqual([128, 128]);
		const colours = quarterColours(grid.raw);
		expect(colours).toEqual(QUARTER_COLOURS.map((c) => [...c]));
		expect(new Set(colours.map((c) => c.join())).size).toBe(4);

		const head = await call('HEAD', local(task.imageUrl));
		expect(head.status).toBe(200);
		expect(head.headers['content-length']).toBe(String(grid.raw.length));
		expect(head.raw.length).toBe(0);
		expect((await get('/images/1234567890123456.png')).status).toBe(404);
	});

	it('sizes the grid from --ar', async () => {
		const { imageUrl } = await finishedImagine('wide --ar 16:9');
		const img = decodeRgbaPng((await get(local(imageUrl))).raw);
		expect([img.width, img.height]).toEqual([128, 72]);
	});

	it('returns ids as strings and numbers alternately, or as configured', async () => {
		const first = await post('/mj/submit/imagine', { prompt: 'a' });
		const second = await post('/mj/submit/imagine', { prompt: 'b' });
		expect(first.text).toMatch(/"result":"\d{16}"/);
		expect(second.text).toMatch(/"result":\d{16}[,}]/);
		expect(typeof second.json.result).toBe('number');
		contract.emu.setOptions({ idsAsNumbers: 'always' });
		expect(typeof (await post('/mj/submit/imagine', { prompt: 'c' })).json.result).toBe('number');
		contract.emu.setOptions({ idsAsNumbers: 'never' });
		expect(typeof (await post('/mj/submit/imagine', { prompt: 'd' })).json.result).toBe('string');
		const ids = contract.emu.createdTaskIds();
		expect(new Set(ids).size).toBe(4);
		expect(String(second.json.result)).toBe(ids[1]);
		// A numeric id works for fetch and action alike.
		expect((await get(`/mj/task/${second.json.result}/fetch`)).json.id).toBe(ids[1]);
	});

	it('answers fetch of an unknown id the way each server family does', async () => {
		const newapi = await get('/mj/task/1111111111111111/fetch');
		expect(newapi.status).toBe(400);
		expect(newapi.json).toEqual({ code: 4, description: 'task_no_found' });
		contract.emu.setOptions({ unknownFetch: 'java' });
		const java = await get('/mj/task/1111111111111111/fetch');
		expect([java.status, java.text]).toEqual([200, '']);
		contract.emu.setOptions({ unknownFetch: 'csharp' });
		const csharp = await get('/mj/task/1111111111111111/fetch');
		expect([csharp.status, csharp.text]).toEqual([204, '']);
	});

	it('lists tasks by condition as a bare array, skipping unknown ids', async () => {
		const a = await imagine('a');
		const b = await imagine('b');
		const list = await post('/mj/task/list-by-condition', { ids: [b, '9999999999999999', a] });
		expect(list.status).toBe(200);
		expect(Array.isArray(list.json)).toBe(true);
		expect(list.json.map((t: any) => t.id)).toEqual([b, a]);
		expect((await post('/mj/task/list-by-condition', { ids: [] })).json).toEqual([]);
		expect(contract.emu.requests.find((r) => r.kind === 'list')!.taskIds).toEqual([b, '9999999999999999', a]);
		contract.emu.setOptions({ supportListByCondition: false });
		expect((await post('/mj/task/list-by-condition', { ids: [a] })).status).toBe(404);
	});

	it('gives the image seed of a finished task', async () => {
		const task = await finishedImagine();
		const seed = await get(`/mj/task/${task.id}/image-seed`);
		expect(seed.json.code).toBe(1);
		expect(seed.json.result).toMatch(/^\d+$/);
		expect((await get('/mj/task/1111111111111111/image-seed')).status).toBe(404);
	});

	it('adds imageUrls whose pictures are the quarters, and lets a filter change the served bytes', async () => {
		contract.emu.setOptions({
			imageUrls: true,
			imageFilter: (png, info) => (info.kind === 'quarter' && info.taskId !== '' ? png : { body: Buffer.from('JPEGDATA'), contentType: 'image/jpeg' }),
		});
		const task = await finishedImagine();
		expect(task.imageUrls).toHaveLength(4);
		for (let i = 0; i < 4; i++) {
			const quarter = await get(local(task.imageUrls[i].url));
			const img = decodeRgbaPng(quarter.raw);
			expect([img.width, img.height]).toEqual([64, 64]);
			expect(img.pixel(10, 10)).toEqual([...QUARTER_COLOURS[i]]);
			expect((await get(local(task.imageUrls[i].thumbnail))).status).toBe(200);
		}
		const grid = await get(local(task.imageUrl));
		expect(grid.headers['content-type']).toBe('image/jpeg');
		expect(grid.text).toBe('JPEGDATA');
	});
});

describe('submit validation', () => {
	it('rejects bad submits with the contract codes and creates nothing', async () => {
		const cases: Array<[string, unknown, number]> = [
			['/mj/submit/imagine', { prompt: '' }, 4],
			['/mj/submit/imagine', { prompt: '   ' }, 4],
			['/mj/submit/imagine', {}, 4],
			['/mj/submit/imagine', { prompt: 'cat', base64Array: ['aGVsbG8='] }, 4],
			['/mj/submit/imagine', { prompt: 'cat', state: 'x'.repeat(256) }, 4],
			['/mj/submit/imagine', { prompt: 'cat', notifyHook: `http://h/${'x'.repeat(2000)}` }, 4],
			['/mj/submit/imagine', { prompt: 'cat', botType: 'DALL_E' }, 4],
			['/mj/submit/blend', { base64Array: [PNG_DATA_URI] }, 4],
			['/mj/submit/blend', { base64Array: Array(6).fill(PNG_DATA_URI) }, 4],
			['/mj/submit/blend', { base64Array: [PNG_DATA_URI, 'https://x/y.png'] }, 4],
			['/mj/submit/blend', { base64Array: [PNG_DATA_URI, PNG_DATA_URI], dimensions: 'WIDE' }, 4],
			['/mj/submit/describe', {}, 4],
			['/mj/submit/describe', { link: 'ftp://x/y.png' }, 4],
			['/mj/submit/describe', { base64: 'not-a-data-uri' }, 4],
			['/mj/submit/action', { taskId: '1' }, 4],
		];
		for (const [path, body, code] of cases) {
			const answer = await post(path, body);
			expect({ path, body, status: answer.status, code: answer.json.code }).toEqual({ path, body, status: 200, code });
			expect(answer.json.result).toBeNull();
			expect(typeof answer.json.description).toBe('string');
		}
		expect(contract.emu.createdTaskIds()).toEqual([]);
	});

	it('refuses banned words with code 24, bannedWord and promptEn', async () => {
		const answer = await post('/mj/submit/imagine', { prompt: 'a BadWord here' });
		expect(answer.json).toMatchObject({ code: 24, result: null, properties: { bannedWord: 'badword', promptEn: 'a BadWord here' } });
		expect(contract.emu.createdTaskIds()).toEqual([]);
	});

	it('accepts data URIs, echoes state, and answers 400 to a body that is not JSON', async () => {
		const id = await imagine('cat', { base64Array: [PNG_DATA_URI], state: 'order-42', botType: 'NIJI_JOURNEY' });
		const { task } = await waitTask(id);
		expect(task.state).toBe('order-42');
		expect(task.botType).toBe('NIJI_JOURNEY');
		const bad = await post('/mj/submit/imagine', '{"prompt":');
		expect(bad.status).toBe(400);
		expect(bad.json.code).toBe(4);
	});

	it('answers 404 to unknown paths', async () => {
		expect((await get('/mj/nothing')).status).toBe(404);
		expect((await get('/mj/submit/imagine')).status).toBe(404);
	});
});

describe('queue', () => {
	it('queues beyond concurrency with code 22 and refuses beyond the queue with code 23', async () => {
		contract.emu.setOptions({ concurrency: 1, queueSize: 2 });
		const answers = [];
		for (const prompt of ['a', 'b', 'c', 'd']) answers.push((await post('/mj/submit/imagine', { prompt })).json);
		expect(answers.map((a) => a.code)).toEqual([1, 22, 22, 23]);
		expect(answers[1].properties.numberOfQueues).toBe(0);
		expect(answers[2].properties.numberOfQueues).toBe(1);
		expect(answers[3].result).toBeNull();
		const ids = contract.emu.createdTaskIds();
		expect(ids).toHaveLength(3);
		expect((await get(`/mj/task/${ids[1]}/fetch`)).json.status).toBe('NOT_START');

		const done = await Promise.all(ids.map((id) => waitTask(id)));
		expect(done.map((d) => d.task.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
		const finished = ids.map((id) => contract.emu.tasks.get(id)!.finishedAt!);
		expect(finished[0]).toBeLessThanOrEqual(finished[1]);
		expect(finished[1]).toBeLessThanOrEqual(finished[2]);
		// The second only started when the first finished.
		expect(contract.emu.tasks.get(ids[1])!.startTime).toBeGreaterThanOrEqual(finished[0]);
	});
});

describe('actions', () => {
	it('checks the parent: unknown → HTTP 404 code 3, unfinished → 4, foreign customId → 4', async () => {
		const unknown = await post('/mj/submit/action', { taskId: '1234567890123456', customId: 'MJ::JOB::upsample::1::x' });
		expect(unknown.status).toBe(404);
		expect(unknown.json.code).toBe(3);

		const id = await imagine();
		const running = await post('/mj/submit/action', { taskId: id, customId: 'MJ::JOB::upsample::1::x' });
		expect(running.json.code).toBe(4);
		const { task } = await waitTask(id);
		const foreign = await post('/mj/submit/action', { taskId: id, customId: 'MJ::JOB::upsample::1::someone-else' });
		expect(foreign.json.code).toBe(4);
		expect(contract.emu.createdTaskIds()).toEqual([task.id]);
	});

	it('U2 gives a single image of quarter 2 with the upscale button set; the upscale buttons act', async () => {
		contract.emu.setOptions({ concurrency: 10 });
		const grid = await finishedImagine('boat --v 6.1');
		const u2 = await press(grid, 'U2');
		expect(u2.json.code).toBe(1);
		const { task: upscale } = await waitTask(String(u2.json.result));
		expect(upscale).toMatchObject({ action: 'UPSCALE', parentId: grid.id, customId: grid.buttons[1].customId, prompt: 'boat --v 6.1' });
		const hash = upscale.properties.messageHash;
		expect(hash).not.toBe(grid.properties.messageHash);
		expect(upscale.buttons.map((b: any) => [b.label || b.emoji, b.customId])).toEqual([
			['Upscale (Subtle)', `MJ::JOB::upsample_v6r1_2x_subtle::1::${hash}::SOLO`],
			['Upscale (Creative)', `MJ::JOB::upsample_v6r1_2x_creative::1::${hash}::SOLO`],
			['Vary (Subtle)', `MJ::JOB::low_variation::1::${hash}::SOLO`],
			['Vary (Strong)', `MJ::JOB::high_variation::1::${hash}::SOLO`],
			['Vary (Region)', `MJ::Inpaint::1::${hash}::SOLO`],
			['Zoom Out 2x', `MJ::Outpaint::50::1::${hash}::SOLO`],
			['Zoom Out 1.5x', `MJ::Outpaint::75::1::${hash}::SOLO`],
			['Custom Zoom', `MJ::CustomZoom::${hash}`],
			['⬅️', `MJ::JOB::pan_left::1::${hash}::SOLO`],
			['➡️', `MJ::JOB::pan_right::1::${hash}::SOLO`],
			['⬆️', `MJ::JOB::pan_up::1::${hash}::SOLO`],
			['⬇️', `MJ::JOB::pan_down::1::${hash}::SOLO`],
			['Animate (High motion)', `MJ::JOB::animate_high::1::${hash}::SOLO`],
			['Animate (Low motion)', `MJ::JOB::animate_low::1::${hash}::SOLO`],
			['🔄', `MJ::JOB::reroll::0::${hash}::SOLO`],
		]);
		const single = decodeRgbaPng((await get(local(upscale.imageUrl))).raw);
		expect(single.pixel(0, 0)).toEqual([...QUARTER_COLOURS[1]]);
		expect(single.pixel(single.width - 1, single.height - 1)).toEqual([...QUARTER_COLOURS[1]]);
		// The pressed button is marked as used on the parent.
		expect((await get(`/mj/task/${grid.id}/fetch`)).json.buttons[1].style).toBe(3);

		const pressed = await Promise.all(
			['Upscale (Subtle)', 'Vary (Strong)', '⬅️', 'Zoom Out 2x', '🔄'].map(async (label) => {
				const answer = await press(upscale, label);
				expect(answer.json.code).toBe(1);
				return (await waitTask(String(answer.json.result))).task;
			}),
		);
		expect(pressed.map((t) => t.action)).toEqual(['UPSCALE', 'VARIATION', 'PAN', 'ZOOM', 'REROLL']);
		// An upscale of an upscale offers no second upscale and no pan (the reference's OnUpscale2xButtons).
		expect(pressed[0].buttons.map((b: any) => b.label || b.emoji)).toEqual(
			upscale.buttons.map((b: any) => b.label || b.emoji).filter((label: string) => !/^Upscale|^[⬅➡⬆⬇]/u.test(label)),
		);
		expect(decodeRgbaPng((await get(local(pressed[0].imageUrl))).raw).pixel(3, 3)).toEqual([...QUARTER_COLOURS[1]]);
		for (const grid2 of pressed.slice(1)) {
			expect(grid2.buttons.map((b: any) => b.label || b.emoji)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
			expect(quarterColours((await get(local(grid2.imageUrl))).raw)).toEqual(QUARTER_COLOURS.map((c) => [...c]));
		}
	});

	it('Vary (Region) answers 21 and waits in MODAL until /mj/submit/modal gets a mask and a prompt', async () => {
		const grid = await finishedImagine();
		const upscale = (await waitTask(String((await press(grid, 'U1')).json.result))).task;
		const region = await press(upscale, 'Vary (Region)');
		expect(region.json.code).toBe(21);
		const modalId = String(region.json.result);
		await sleep(250);
		const waiting = (await get(`/mj/task/${modalId}/fetch`)).json;
		expect(waiting).toMatchObject({ status: 'MODAL', action: 'INPAINT', parentId: upscale.id });

		expect((await post('/mj/submit/modal', { taskId: modalId, prompt: 'a red hat' })).json.code).toBe(4);
		expect((await post('/mj/submit/modal', { taskId: modalId, maskBase64: PNG_DATA_URI })).json.code).toBe(4);
		expect((await post('/mj/submit/modal', { taskId: upscale.id, prompt: 'x', maskBase64: PNG_DATA_URI })).json.code).toBe(4);
		const unknown = await post('/mj/submit/modal', { taskId: '1234567890123456', prompt: 'x', maskBase64: PNG_DATA_URI });
		expect([unknown.status, unknown.json.code]).toEqual([404, 3]);

		const ok = await post('/mj/submit/modal', { taskId: modalId, prompt: 'a red hat', maskBase64: PNG_DATA_URI });
		expect(ok.json.code).toBe(1);
		expect(String(ok.json.result)).toBe(modalId);
		const { task, seen } = await waitTask(modalId);
		expect(task).toMatchObject({ status: 'SUCCESS', prompt: 'a red hat' });
		expect(seen[0]).not.toBe('MODAL:0%');
		expect(task.buttons).toHaveLength(9);
	});

	it('Custom Zoom needs a prompt with --zoom', async () => {
		const grid = await finishedImagine();
		const upscale = (await waitTask(String((await press(grid, 'U3')).json.result))).task;
		const zoom = await press(upscale, 'Custom Zoom');
		expect(zoom.json.code).toBe(21);
		const id = String(zoom.json.result);
		expect((await post('/mj/submit/modal', { taskId: id, prompt: 'wider please' })).json.code).toBe(4);
		expect((await post('/mj/submit/modal', { taskId: id, prompt: 'cat --zoom 1.8 --ar 1:1' })).json.code).toBe(1);
		expect((await waitTask(id)).task).toMatchObject({ status: 'SUCCESS', action: 'ZOOM' });
	});

	it('with enableRemix, variation opens a MODAL but upscale does not', async () => {
		const grid = await finishedImagine('cat');
		const remix = await press(grid, 'V1', { enableRemix: true });
		expect(remix.json.code).toBe(21);
		const id = String(remix.json.result);
		expect(contract.emu.tasks.get(id)!.status).toBe('MODAL');
		expect((await post('/mj/submit/modal', { taskId: id, prompt: 'dog' })).json.code).toBe(1);
		expect((await waitTask(id)).task).toMatchObject({ status: 'SUCCESS', action: 'VARIATION', prompt: 'dog' });
		expect((await press(grid, 'U1', { enableRemix: true })).json.code).toBe(1);
	});

	it('accepts the legacy /mj/submit/change', async () => {
		const grid = await finishedImagine();
		const answer = await post('/mj/submit/change', { taskId: grid.id, action: 'UPSCALE', index: 4 });
		expect(answer.json.code).toBe(1);
		const { task } = await waitTask(String(answer.json.result));
		expect(task).toMatchObject({ action: 'UPSCALE', customId: grid.buttons[3].customId });
	});
});

describe('blend and describe', () => {
	it('blends 2..5 images into a grid shaped by dimensions', async () => {
		const answer = await post('/mj/submit/blend', { base64Array: [PNG_DATA_URI, PNG_DATA_URI, PNG_DATA_URI], dimensions: 'PORTRAIT' });
		expect(answer.json.code).toBe(1);
		const { task } = await waitTask(String(answer.json.result));
		expect(task.action).toBe('BLEND');
		expect(task.buttons).toHaveLength(9);
		const img = decodeRgbaPng((await get(local(task.imageUrl))).raw);
		expect(img.height).toBe(128);
		expect(img.width).toBeLessThan(img.height);
	});

	it('describes an upload: four distinct numbered prompts, PicReader buttons, the upload served back', async () => {
		const answer = await post('/mj/submit/describe', { base64: PNG_DATA_URI });
		expect(answer.json.code).toBe(1);
		const { task } = await waitTask(String(answer.json.result));
		expect(task.action).toBe('DESCRIBE');
		expect(task.properties.finalPrompt).toBe(task.promptEn);
		const parts = task.promptEn.split('\n\n');
		expect(parts).toHaveLength(4);
		parts.forEach((part: string, i: number) => expect(part.startsWith(`${['1️⃣', '2️⃣', '3️⃣', '4️⃣'][i]} `)).toBe(true));
		expect(new Set(parts.map((p: string) => p.slice(4))).size).toBe(4);
		expect(parts[0]).toMatch(/--ar 5:4$/); // the upload is 10x8
		expect(task.buttons.map((b: any) => [b.customId, b.emoji, b.label])).toEqual([
			['MJ::Job::PicReader::1', '1️⃣', ''],
			['MJ::Job::PicReader::2', '2️⃣', ''],
			['MJ::Job::PicReader::3', '3️⃣', ''],
			['MJ::Job::PicReader::4', '4️⃣', ''],
			['MJ::Picread::Retry', '🔄', ''],
		]);
		const image = await get(local(task.imageUrl));
		expect(image.raw.toString('base64')).toBe(PNG_DATA_URI.split(',')[1]);

		const reader = await press(task, '2️⃣');
		expect(reader.json.code).toBe(21);
		const readerId = String(reader.json.result);
		expect((await post('/mj/submit/modal', { taskId: readerId })).json.code).toBe(1);
		const { task: imagined } = await waitTask(readerId);
		expect(imagined).toMatchObject({ action: 'IMAGINE', status: 'SUCCESS', prompt: parts[1].slice(4) });
		const retry = await press(task, '🔄');
		expect((await waitTask(String(retry.json.result))).task.action).toBe('DESCRIBE');
	});

	it('describes a link: the link is the imageUrl', async () => {
		const link = 'https://cdn.example.com/cat.png';
		const answer = await post('/mj/submit/describe', { link });
		const { task } = await waitTask(String(answer.json.result));
		expect(task.imageUrl).toBe(link);
		expect(task.promptEn).toMatch(/^1️⃣ .+\n\n2️⃣ .+\n\n3️⃣ .+\n\n4️⃣ .+$/s);
	});
});

describe('failure and stuck tasks', () => {
	it('fails prompts listed in failPrompts with progress "" and failReason', async () => {
		contract.emu.setOptions({ failPrompts: ['doomed'], failReason: 'Banned prompt detected' });
		const ok = await imagine('fine');
		const bad = await imagine('a DOOMED ship');
		const failed = (await waitTask(bad)).task;
		expect(failed).toMatchObject({ status: 'FAILURE', progress: '', failReason: 'Banned prompt detected', buttons: [] });
		expect(failed.finishTime).toBeGreaterThan(0);
		expect(contract.emu.tasks.get(bad)!.finishedAt).toBe(failed.finishTime);
		expect((await waitTask(ok)).task.status).toBe('SUCCESS');
		contract.emu.setOptions({ failPrompts: [], failureRate: 1 });
		expect((await waitTask(await imagine('any'))).task.status).toBe('FAILURE');
	});

	it('stuckAtProgress: tasks reach it and never finish', async () => {
		contract.emu.setOptions({ stuckAtProgress: '93%' });
		const id = await imagine();
		await waitTask(id, (t) => t.progress === '93%');
		await sleep(400);
		const task = (await get(`/mj/task/${id}/fetch`)).json;
		expect([task.status, task.progress]).toEqual(['IN_PROGRESS', '93%']);
		expect(contract.emu.tasks.get(id)!.history.map((h) => h.progress)).toEqual(['0%', '0%', '12%', '45%', '78%', '93%']);
		await contract.emu.waitForIdle(1000);
	});
});

describe('auth', () => {
	const KEY = 'sk-emulator-secret-123';
	const headersFor = { bearer: { authorization: `Bearer ${KEY}` }, raw: { authorization: KEY }, mjApiSecret: { 'mj-api-secret': KEY } };
	const wrongFor = { bearer: { authorization: 'Bearer sk-wrong' }, raw: { authorization: 'sk-wrong' }, mjApiSecret: { 'mj-api-secret': 'sk-wrong' } };

	it.each(['bearer', 'raw', 'mjApiSecret'] as const)('%s alone accepts its key and refuses a wrong or missing one', async (style) => {
		contract.emu.setOptions({ auth: { key: KEY, styles: [style] } });
		expect((await post('/mj/submit/imagine', { prompt: 'cat' }, headersFor[style])).json.code).toBe(1);
		for (const other of ['bearer', 'raw', 'mjApiSecret'] as const) {
			if (other !== style) expect((await post('/mj/submit/imagine', { prompt: 'cat' }, headersFor[other])).status).toBe(401);
		}
		for (const headers of [wrongFor[style], {}]) {
			const denied = await post('/mj/submit/imagine', { prompt: 'cat' }, headers);
			expect(denied.status).toBe(401);
			expect(denied.text).not.toContain(KEY);
			if (style === 'bearer') expect(denied.json).toEqual({ error: { message: 'Invalid token', type: 'new_api_error', code: '' } });
			if (style === 'raw') expect(denied.text.length).toBeGreaterThan(0);
			if (style === 'raw') expect(denied.json).toBeUndefined();
			if (style === 'mjApiSecret') expect(denied.text).toBe('');
		}
		expect(contract.emu.createdTaskIds()).toHaveLength(1);
		expect(contract.emu.requests.map((r) => r.status)).toEqual([200, 401, 401, 401, 401]);
		expect(JSON.stringify(contract.emu.requests)).not.toContain(KEY);
		expect(contract.emu.requests.map((r) => r.authHeaderPresent)).toContain(false);
	});

	it('all styles together; images need no auth', async () => {
		contract.emu.setOptions({ auth: { key: KEY, styles: ['bearer', 'raw', 'mjApiSecret'] } });
		for (const headers of Object.values(headersFor)) {
			expect((await get('/mj/task/1111111111111111/fetch', headers)).status).toBe(400);
		}
		const denied = await get('/mj/task/1111111111111111/fetch', wrongFor.raw);
		expect(denied.json.error.type).toBe('new_api_error');
		expect((await post('/mj/submit/imagine', { prompt: 'cat' })).status).toBe(401);
		contract.headers = headersFor.raw;
		const { task } = await waitTask(await imagine('cat'));
		contract.headers = {};
		expect((await get(local(task.imageUrl))).status).toBe(200);
	});
});

describe('speed modes and the request log', () => {
	it('accepts the mode prefixes and logs the mode and the bare path', async () => {
		contract.emu.setOptions({ concurrency: 10 });
		const prefixes: Array<[string, string | null]> = [
			['/mj-fast', 'fast'],
			['/mj-turbo', 'turbo'],
			['/mj-relax', 'relax'],
			['/fast', 'fast'],
			['', null],
		];
		for (const [prefix] of prefixes) {
			expect((await post(`${prefix}/mj/submit/imagine`, { prompt: 'cat' })).json.code).toBe(1);
		}
		const submits = contract.emu.requests.filter((r) => r.kind === 'submit-imagine');
		expect(submits.map((r) => r.mode)).toEqual(prefixes.map(([, mode]) => mode));
		expect(submits.every((r) => r.path === '/mj/submit/imagine')).toBe(true);
		const first = submits[0];
		expect(first).toMatchObject({ method: 'POST', status: 200, body: { prompt: 'cat' }, authHeaderPresent: false });
		expect(first.createdTaskId).toBe(contract.emu.createdTaskIds()[0]);
		expect(first.at).toBeGreaterThan(0);

		const id = contract.emu.createdTaskIds()[1];
		await get(`/mj-turbo/mj/task/${id}/fetch`);
		const fetch = contract.emu.requests[contract.emu.requests.length - 1];
		expect(fetch).toMatchObject({ kind: 'fetch', mode: 'turbo', path: `/mj/task/${id}/fetch`, taskIds: [id], status: 200 });
		await contract.emu.waitForIdle(2000);
		expect(String(contract.emu.tasks.get(id)!.properties.messageContent)).toContain('(turbo)');
	});
});

describe('faults', () => {
	it('429: empty body, then upstream_error JSON, with Retry-After; nothing created', async () => {
		contract.emu.setOptions({ faults: [{ target: 'submit', kind: '429', times: 2, retryAfterSec: 3 }] });
		const first = await post('/mj/submit/imagine', { prompt: 'cat' });
		const second = await post('/mj/submit/imagine', { prompt: 'cat' });
		const third = await post('/mj/submit/imagine', { prompt: 'cat' });
		expect([first.status, first.text, first.headers['retry-after']]).toEqual([429, '', '3']);
		expect(second.status).toBe(429);
		expect(second.json).toMatchObject({ type: 'upstream_error' });
		expect(typeof second.json.description).toBe('string');
		expect(third.json.code).toBe(1);
		expect(contract.emu.createdTaskIds()).toHaveLength(1);
		expect(contract.emu.requests.map((r) => r.fault)).toEqual(['429', '429', undefined]);
		// Fetches are not hit by a submit rule.
		expect((await get(`/mj/task/${contract.emu.createdTaskIds()[0]}/fetch`)).status).toBe(200);
	});

	it('500, 502 and 503 answer with their status', async () => {
		contract.emu.setOptions({
			faults: [
				{ target: 'fetch', kind: '500', times: 1 },
				{ target: 'fetch', kind: '502', times: 1 },
				{ target: 'fetch', kind: '503', times: 1, retryAfterSec: 1 },
			],
		});
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push(await get('/mj/task/1111111111111111/fetch'));
		expect(statuses.map((s) => s.status)).toEqual([500, 502, 503, 400]);
		expect(statuses[1].headers['content-type']).toContain('text/html');
		expect(statuses[2].headers['retry-after']).toBe('1');
	});

	it('drop-before creates nothing; drop-after creates the task the client never hears of', async () => {
		contract.emu.setOptions({ faults: [{ target: 'submit', kind: 'drop-before', times: 1 }] });
		await expect(post('/mj/submit/imagine', { prompt: 'cat' })).rejects.toThrow();
		expect(contract.emu.createdTaskIds()).toHaveLength(0);
		contract.emu.setOptions({ faults: [{ target: 'submit', kind: 'drop-after', times: 1 }] });
		await expect(post('/mj/submit/imagine', { prompt: 'ghost' })).rejects.toThrow();
		const [ghost] = contract.emu.createdTaskIds();
		expect(contract.emu.tasks.get(ghost)!.prompt).toBe('ghost');
		const log = contract.emu.requests.filter((r) => r.fault);
		expect(log.map((r) => [r.fault, r.status])).toEqual([
			['drop-before', 0],
			['drop-after', 0],
		]);
		// The log knows what the client could not.
		expect(log[1].createdTaskId).toBe(ghost);
		expect((await waitTask(ghost)).task.status).toBe('SUCCESS');
	});

	it('malformed answers truncated JSON, empty answers nothing, both with 200', async () => {
		const id = await imagine();
		contract.emu.setOptions({ faults: [{ target: 'fetch', kind: 'malformed', times: 1 }, { target: 'fetch', kind: 'empty', times: 1 }] });
		const malformed = await get(`/mj/task/${id}/fetch`);
		expect(malformed.status).toBe(200);
		expect(malformed.text.length).toBeGreaterThan(0);
		expect(() => JSON.parse(malformed.text)).toThrow();
		const empty = await get(`/mj/task/${id}/fetch`);
		expect([empty.status, empty.text]).toEqual([200, '']);
		expect((await get(`/mj/task/${id}/fetch`)).json.id).toBe(id);
	});

	it('slow delays the answer; everyNth hits every Nth request; image and any targets', async () => {
		contract.emu.setOptions({ faults: [{ target: 'fetch', kind: 'slow', delayMs: 200, times: 1 }] });
		const started = Date.now();
		await get('/mj/task/1111111111111111/fetch');
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		expect(contract.emu.requests[0].fault).toBe('slow');

		contract.emu.setOptions({ faults: [{ target: 'fetch', kind: '503', everyNth: 2 }] });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await get('/mj/task/1111111111111111/fetch')).status);
		expect(statuses).toEqual([400, 503, 400, 503]);

		contract.emu.setOptions({ faults: [] });
		const task = await finishedImagine();
		contract.emu.setOptions({ faults: [{ target: 'image', kind: 'malformed', times: 1 }] });
		const truncated = await get(local(task.imageUrl));
		expect(truncated.raw.length).toBeGreaterThan(0);
		const full = await get(local(task.imageUrl));
		expect(truncated.raw.length).toBeLessThan(full.raw.length);
		contract.emu.setOptions({ faults: [{ target: 'any', kind: '500', times: 1 }] });
		expect((await post('/mj/task/list-by-condition', { ids: [] })).status).toBe(500);
	});

	it('parses CLI fault specs', () => {
		expect(parseFaultSpec('submit:429:3')).toEqual({ target: 'submit', kind: '429', times: 3 });
		expect(parseFaultSpec('fetch:slow::delay=500:every=2')).toEqual({ target: 'fetch', kind: 'slow', delayMs: 500, everyNth: 2 });
		expect(() => parseFaultSpec('nowhere:429')).toThrow();
		expect(() => parseFaultSpec('submit:418')).toThrow();
	});
});

describe('notifyHook', () => {
	let hookServer: Server;
	let hookUrl: string;
	const received: any[] = [];

	beforeAll(async () => {
		hookServer = createServer((req: IncomingMessage, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ path: req.url, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
				res.writeHead(200).end('ok');
			});
		});
		await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
		hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		hookServer.closeAllConnections();
		await new Promise((resolve) => hookServer.close(resolve));
	});

	it('posts the full task on every change, in order', async () => {
		received.length = 0;
		const id = await imagine('cat', { notifyHook: `${hookUrl}/hook/1`, state: 'item-7' });
		await waitTask(id);
		await contract.emu.waitForIdle(3000);
		expect(received.every((r) => r.path === '/hook/1')).toBe(true);
		expect(received.map((r) => `${r.body.status}:${r.body.progress}`)).toEqual([
			'SUBMITTED:0%',
			'IN_PROGRESS:12%',
			'IN_PROGRESS:45%',
			'IN_PROGRESS:78%',
			'SUCCESS:100%',
		]);
		for (const { body } of received) expect(body).toMatchObject({ id, state: 'item-7', action: 'IMAGINE' });
		expect(received[4].body.buttons).toHaveLength(9);
		expect(received[4].body).toEqual((await get(`/mj/task/${id}/fetch`)).json);
	});

	it('a dead hook is only logged', async () => {
		const lines: string[] = [];
		contract.emu.setOptions({ logger: (line) => lines.push(line) });
		const id = await imagine('cat', { notifyHook: 'http://127.0.0.1:1/nothing' });
		expect((await waitTask(id)).task.status).toBe('SUCCESS');
		await contract.emu.waitForIdle(3000);
		expect(lines.some((l) => l.startsWith('notifyHook http://127.0.0.1:1/nothing failed'))).toBe(true);
		expect(lines.some((l) => /^POST \/mj\/submit\/imagine 200$/.test(l))).toBe(true);
	});
});

describe('lifecycle', () => {
	it('close() stops every timer and the server', async () => {
		const other = await startEmulator({ taskDurationMs: 100 });
		const answer = await request(`${other.url}/mj/submit/imagine`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'cat' }),
		});
		const { result } = (await answer.body.json()) as { result: string };
		await other.close();
		await sleep(200);
		expect(other.tasks.size).toBe(0);
		expect(String(result)).toMatch(/^\d{16}$/);
		await expect(request(`${other.url}/mj/task/${result}/fetch`)).rejects.toThrow();
	});
});
