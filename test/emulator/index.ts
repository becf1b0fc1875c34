import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { EmulatorServer } from './server';
import { TaskEngine } from './tasks';
import type { Emulator, EmulatorOptions } from './types';
import { defaultVersionFromEnv } from './versions';

export * from './types';
export { QUARTER_COLOURS, previewColour, type Rgba } from './images';
export {
	gridButtons,
	upscaleButtons,
	describeButtons,
	videoButtons,
	videoUpscaleButtons,
	shortenButtons,
	buttonEffect,
	type TaskButton,
} from './buttons';
export { VIDEO_DURATION_SEC, VIDEO_FRAME_COUNT, VIDEO_SIZE, videoFixture } from './videos';
export { parseFaultSpec } from './faults';
export { taskJson, nextTaskId } from './tasks';
export { DEFAULT_MJ_VERSION, taskVersion } from './versions';

export const DEFAULT_OPTIONS: EmulatorOptions = {
	port: 0,
	host: '127.0.0.1',
	taskDurationMs: 1500,
	progressSteps: ['12%', '45%', '78%'],
	concurrency: 3,
	queueSize: 10,
	failureRate: 0,
	failReason: 'Midjourney failed to generate: task timeout',
	failPrompts: [],
	bannedWords: ['badword'],
	idsAsNumbers: 'alternate',
	imageUrls: false,
	supportListByCondition: true,
	unknownFetch: 'newapi',
	imageSize: 128,
	defaultVersion: defaultVersionFromEnv(),
	faults: [],
	maxBodyBytes: 30 * 1024 * 1024,
};

/** Starts a CometAPI Midjourney emulator on 127.0.0.1 (a free port unless `port` is given). */
export async function startEmulator(overrides: Partial<EmulatorOptions> = {}): Promise<Emulator> {
	let options: EmulatorOptions = { ...DEFAULT_OPTIONS, ...overrides };
	let url = '';
	const current = () => options;
	const engine = new TaskEngine(current, () => url);
	const server = new EmulatorServer(current, engine);
	const http = createServer(server.handle);

	await new Promise<void>((resolve, reject) => {
		http.once('error', reject);
		http.listen(options.port, options.host, () => {
			http.off('error', reject);
			resolve();
		});
	});
	const port = (http.address() as AddressInfo).port;
	url = `http://${options.host}:${port}`;

	return {
		url,
		port,
		requests: server.requests,
		tasks: engine.tasks,
		get options() {
			return options;
		},
		createdTaskIds: () => [...engine.tasks.keys()],
		setOptions(partial) {
			options = { ...options, ...partial };
			engine.pump();
		},
		reset() {
			engine.reset();
			server.reset();
		},
		waitForIdle: (timeoutMs) => engine.waitForIdle(timeoutMs),
		async close() {
			const closed = new Promise<void>((resolve) => http.close(() => resolve()));
			http.closeAllConnections();
			await engine.close();
			await closed;
		},
	};
}
