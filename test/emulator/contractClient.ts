/**
 * The HTTP side of the emulator's contract tests: one emulator per test file,
 * reset before each test, and small undici helpers to call it as a client
 * would. Also a minimal PNG reader (node:zlib, independent of the node's own
 * decoder) so tests can check the pixels the emulator draws.
 */
import { inflateSync } from 'node:zlib';

import { request } from 'undici';

import { startEmulator, type Emulator, type EmulatorOptions } from './index';

export interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	raw: Buffer;
	text: string;
	json: any;
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export function useContractEmulator(options: Partial<EmulatorOptions>) {
	const contract = {
		emu: undefined as unknown as Emulator,
		/** headers every helper request carries (the auth tests set a key here) */
		headers: {} as Record<string, string>,
	};
	beforeAll(async () => {
		contract.emu = await startEmulator(options);
	});
	afterAll(async () => {
		await contract.emu.close();
	});
	beforeEach(() => {
		contract.headers = {};
		contract.emu.reset();
		contract.emu.setOptions(options);
	});

	async function call(method: 'GET' | 'POST' | 'HEAD', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
		const response = await request(`${contract.emu.url}${path}`, {
			method,
			headers: { ...contract.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const raw = Buffer.from(await response.body.arrayBuffer());
		const text = raw.toString('utf8');
		let json: any;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		return { status: response.statusCode, headers: response.headers, raw, text, json };
	}
	const post = async (path: string, body: unknown, headers?: Record<string, string>) => await call('POST', path, body, headers);
	const get = async (path: string, headers?: Record<string, string>) => await call('GET', path, undefined, headers);

	/** Path of an absolute emulator URL (its query kept). */
	function local(url: string): string {
		expect(url.startsWith(contract.emu.url)).toBe(true);
		return url.slice(contract.emu.url.length);
	}

	/** Polls fetch until the task is terminal (or `until` holds); returns the task and every progress seen. */
	async function waitTask(id: string, until = (t: any) => t.status === 'SUCCESS' || t.status === 'FAILURE', timeoutMs = 5000) {
		const seen: string[] = [];
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const { json } = await get(`/mj/task/${id}/fetch`);
			if (seen[seen.length - 1] !== `${json.status}:${json.progress}`) seen.push(`${json.status}:${json.progress}`);
			if (until(json)) return { task: json, seen };
			if (Date.now() > deadline) throw new Error(`task ${id} stuck at ${json.status} ${json.progress}`);
			await sleep(10);
		}
	}

	/** Presses a parent task's button by its label (or emoji). */
	async function press(parent: any, label: string, extra: Record<string, unknown> = {}) {
		const button = parent.buttons.find((b: any) => (b.label || b.emoji) === label);
		expect(button).toBeDefined();
		return await post('/mj/submit/action', { taskId: parent.id, customId: button.customId, ...extra });
	}

	return Object.assign(contract, { call, post, get, local, waitTask, press });
}

/** Minimal PNG decoder (8-bit RGBA, all five filters) so pixels can be checked. */
export function decodeRgbaPng(png: Buffer): { width: number; height: number; pixel(x: number, y: number): number[] } {
	expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	let offset = 8;
	let width = 0;
	let height = 0;
	const idat: Buffer[] = [];
	while (offset < png.length) {
		const length = png.readUInt32BE(offset);
		const type = png.toString('latin1', offset + 4, offset + 8);
		const data = png.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			expect([data[8], data[9]]).toEqual([8, 6]);
		}
		if (type === 'IDAT') idat.push(data);
		offset += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * 4;
	const out = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		for (let i = 0; i < stride; i++) {
			const x = raw[y * (stride + 1) + 1 + i];
			const a = i >= 4 ? out[y * stride + i - 4] : 0;
			const b = y > 0 ? out[(y - 1) * stride + i] : 0;
			const c = i >= 4 && y > 0 ? out[(y - 1) * stride + i - 4] : 0;
			const p = a + b - c;
			const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
			const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
			out[y * stride + i] = (x + predictor) & 0xff;
		}
	}
	return { width, height, pixel: (x, y) => [...out.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)] };
}
