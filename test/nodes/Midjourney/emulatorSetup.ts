import { LoggerProxy, type IDataObject } from 'n8n-workflow';

import { rgbaPng } from '../../emulator/pngWriter';
import type { RunningWorkflow, WorkflowResult } from '../../harness';

import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator';

/** A key no output, error or log may ever show. */
export const SECRET_KEY = 'sk-TEST-SECRET-7f3a9c1e5b';

/** Node options that keep tests fast against a quick emulator. */
export const FAST: IDataObject = { pollInterval: 0.2, initialDelay: 0, timeout: 20 };

/**
 * One emulator per test file, reset (tasks, log, fault counters) after each
 * test and restored to the file's options.
 */
export function useEmulator(options: Partial<EmulatorOptions> = {}) {
	const base: Partial<EmulatorOptions> = { taskDurationMs: 300, auth: { key: SECRET_KEY }, ...options };
	const handle = {
		emulator: undefined as unknown as Emulator,
		get url() {
			return handle.emulator.url;
		},
		credentials(authStyle = 'bearer', apiKey = SECRET_KEY) {
			return { cometApi: { apiKey, baseUrl: handle.emulator.url, authStyle } };
		},
	};
	let initial: EmulatorOptions;
	beforeAll(async () => {
		handle.emulator = await startEmulator(base);
		initial = { ...handle.emulator.options };
	});
	afterEach(() => {
		handle.emulator.reset();
		// Every knob back, also those a test added (stuckAtProgress, imageFilter…).
		const added = Object.fromEntries(
			Object.keys(handle.emulator.options).filter((key) => !(key in initial)).map((key) => [key, undefined]),
		);
		handle.emulator.setOptions({ ...added, ...initial });
	});
	afterAll(async () => {
		await handle.emulator.close();
	});
	return handle;
}

/**
 * An emulator of its own for one case (so cases can run concurrently), with
 * one key accepted as a Bearer token; closed when the case ends.
 */
export async function withEmulator<T>(
	key: string,
	options: Partial<EmulatorOptions>,
	body: (emu: Emulator) => Promise<T>,
): Promise<T> {
	const emu = await startEmulator({
		taskDurationMs: 200,
		concurrency: 20,
		queueSize: 20,
		auth: { key, styles: ['bearer'] },
		...options,
	});
	try {
		return await body(emu);
	} finally {
		await emu.close();
	}
}

/**
 * Every line n8n's logger is given from now on (LoggerProxy), as text, so a
 * test can look for the key in the logs.
 */
export function captureLogLines(): string[] {
	const lines: string[] = [];
	const capture =
		(level: string) =>
		(message: string, meta?: object): void => {
			lines.push(`${level} ${message} ${everythingVisible(meta ?? {})}`);
		};
	LoggerProxy.init({
		error: capture('error'),
		warn: capture('warn'),
		info: capture('info'),
		debug: capture('debug'),
		verbose: capture('verbose'),
	} as unknown as Parameters<typeof LoggerProxy.init>[0]);
	return lines;
}

/** Everything a user or a log could see of a run, as one string. */
export function everythingVisible(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, inner: unknown) => {
		if (inner instanceof Error) {
			return { ...inner, message: inner.message, stack: inner.stack, description: (inner as { description?: unknown }).description };
		}
		if (inner && typeof inner === 'object') {
			if (seen.has(inner)) return undefined;
			seen.add(inner);
		}
		return inner;
	});
}

/** A small grey PNG as a data URI. */
export function pngDataUri(shade: number): string {
	const png = rgbaPng({ width: 4, height: 4, data: Buffer.alloc(64, shade) });
	return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * Cancels a running workflow once it has polled twice, as the editor's stop
 * button would, then checks over a second that nothing more was sent.
 */
export async function cancelWhilePolling(emulator: Emulator, running: RunningWorkflow): Promise<WorkflowResult> {
	const polls = () => emulator.requests.filter((request) => request.kind === 'fetch' || request.kind === 'list').length;
	while (polls() < 2) await new Promise((resolve) => setTimeout(resolve, 50));
	running.cancel();
	const result = await running.result;
	expect(result.run.status).toBe('canceled');
	const seen = emulator.requests.length;
	await new Promise((resolve) => setTimeout(resolve, 1200));
	expect(emulator.requests.length).toBe(seen);
	return result;
}
