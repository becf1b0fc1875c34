/**
 * The transport's promises against hostile servers (issue 9), at workflow
 * level: the node runs in n8n-core's WorkflowExecute and sends through n8n's
 * real request helper. Every case checks, where it applies:
 *  - the key never reaches another host (the "thief" on 127.0.0.2 records
 *    every header and body it gets), in any of the three auth styles;
 *  - one task per prompt on the emulator, and every created id is in the
 *    output or the error;
 *  - waits end on time (Timeout + a small margin);
 *  - the key is in no output or error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../../emulator';
import { chain, midjourneyNode, optionParameters, runWorkflow, type WorkflowResult } from '../../../harness';
import {
	PNG_BYTES,
	carriesKey,
	closedPort,
	isImage,
	isPoll,
	isSubmit,
	startDripper,
	startRawAnswers,
	startRedirector,
	startServer,
	startSilent,
	startThief,
	forward,
	type HostileServer,
} from '../../../hostile/servers';
import { NetworkError } from '../../../../nodes/Midjourney/transport/client';
import { sendRequest } from '../../../../nodes/Midjourney/transport/n8nHttp';
import { everythingVisible } from '../emulatorSetup';

const KEY = 'sk-HOSTILE-5e2d9b7a41';
const STYLES = ['bearer', 'raw', 'mjApiSecret'] as const;
const FAST: IDataObject = { pollInterval: 0.2, initialDelay: 0, timeout: 20 };
const CASE_TIMEOUT = 60_000;

type Style = (typeof STYLES)[number];

let warmedUp: Promise<unknown> | undefined;
const warmUp = async () => await (warmedUp ??= runWorkflow(chain()));

/** Starts servers, runs `body`, closes them all whatever happens. */
async function using<T>(start: () => Promise<Array<HostileServer | Emulator>>, body: (servers: Array<HostileServer | Emulator>) => Promise<T>): Promise<T> {
	await warmUp();
	const servers = await start();
	try {
		return await body(servers);
	} finally {
		await Promise.all(servers.map(async (server) => await server.close()));
	}
}

async function emulator(style: Style, extra: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
	return await startEmulator({ taskDurationMs: 200, auth: { key: KEY, styles: [style] }, ...extra });
}

interface Run {
	result: WorkflowResult;
	items: INodeExecutionData[];
	elapsedMs: number;
}

async function runNode(parameters: IDataObject, baseUrl: string, style: Style = 'bearer', items: IDataObject[] = [{}]): Promise<Run> {
	const started = Date.now();
	const result = await runWorkflow(chain(midjourneyNode('Midjourney', parameters, { onError: 'continueRegularOutput' })), {
		credentials: { cometApi: { apiKey: KEY, baseUrl, authStyle: style } },
		triggerItems: items.map((json) => ({ json })),
	});
	const elapsedMs = Date.now() - started;
	expect(everythingVisible(result)).not.toContain(KEY);
	return { result, items: result.output('Midjourney'), elapsedMs };
}

const imagine = (options: IDataObject = {}) => ({ operation: 'imagine', prompt: 'a lighthouse in fog', ...optionParameters({ ...FAST, ...options }) });
const errorText = (item: INodeExecutionData) => `${String(item.json.error)} ${String(item.json.errorDescription ?? '')}`;

function expectThiefGotNoKey(thief: HostileServer): void {
	for (const request of thief.received) expect({ url: request.url, carriesKey: carriesKey(request, KEY) }).toEqual({ url: request.url, carriesKey: false });
}

/** Every task the emulator created is named in the output or the error. */
function expectCreatedIdsShown(emu: Emulator, run: Run): void {
	const visible = everythingVisible({ items: run.items, error: run.result.error });
	for (const taskId of emu.createdTaskIds()) expect(visible).toContain(taskId);
}

describe('redirects never carry the key to another host', () => {
	for (const style of STYLES) {
		for (const status of [302, 307] as const) {
			it(`submit: ${status} to another host, ${style}: refused, the prompt sent once, no task`, async () => {
				const emu = await emulator(style);
				const thief = await startThief();
				const api = await startRedirector(emu.url, thief.url, status, isSubmit);
				await using(async () => [emu, thief, api], async () => {
					const run = await runNode(imagine(), api.url, style);
					expectThiefGotNoKey(thief);
					// The prompt went nowhere else either: a 307 would have re-sent it to the thief.
					expect(thief.received).toHaveLength(0);
					expect(emu.createdTaskIds()).toHaveLength(0);
					expect(run.items).toHaveLength(1);
					expect(errorText(run.items[0])).toMatch(/redirected the request to http:\/\/127\.0\.0\.2:\d+/);
					expect(errorText(run.items[0])).toMatch(/no task was created/i);
				});
			}, CASE_TIMEOUT);
		}

		it(`polling and Fetch: 302 to another host, ${style}: the key stays home, the task id is kept`, async () => {
			const emu = await emulator(style);
			const thief = await startThief();
			const api = await startRedirector(emu.url, thief.url, 302, isPoll);
			await using(async () => [emu, thief, api], async () => {
				const run = await runNode(imagine(), api.url, style);
				expectThiefGotNoKey(thief);
				expect(emu.createdTaskIds()).toHaveLength(1);
				expectCreatedIdsShown(emu, run);
				expect(errorText(run.items[0])).toMatch(/redirected the request to http:\/\/127\.0\.0\.2/);

				const fetched = await runNode({ operation: 'fetch', taskIds: emu.createdTaskIds()[0] }, api.url, style);
				expectThiefGotNoKey(thief);
				expect(errorText(fetched.items[0])).toMatch(/redirected the request to http:\/\/127\.0\.0\.2/);
				expect(emu.createdTaskIds()).toHaveLength(1);
			});
		}, CASE_TIMEOUT);

		it(`Download Image: the API host redirects the image to another host, ${style}: followed without the key`, async () => {
			const thief = await startThief();
			const emu = await emulator(style);
			const api = await startRedirector(emu.url, thief.url, 302, isImage);
			emu.setOptions({ publicUrl: api.url });
			await using(async () => [emu, thief, api], async () => {
				const run = await runNode(imagine({ downloadImage: true }), api.url, style);
				expectThiefGotNoKey(thief);
				expect(thief.received.filter((request) => request.url.startsWith('/images/'))).toHaveLength(1);
				expect(run.items[0].json.status).toBe('SUCCESS');
				expect(run.items[0].binary?.data?.mimeType).toBe('image/png');
				expect(emu.createdTaskIds()).toHaveLength(1);
			});
		}, CASE_TIMEOUT);
	}

	it('a same-host redirect is followed with the key (a proxy that moved a path)', async () => {
		const emu = await emulator('bearer');
		await using(
			async () => {
				const api = await startServer('127.0.0.1', async (req, res) => {
					if (req.url.startsWith('/old')) {
						res.writeHead(307, { location: req.url.slice('/old'.length) });
						res.end();
						return;
					}
					await forward(emu.url, req, res);
				});
				return [emu, api];
			},
			async ([, api]) => {
				const run = await runNode(imagine(), `${(api as HostileServer).url}/old`, 'bearer');
				expect(run.items[0].json.status).toBe('SUCCESS');
				expect(emu.requests.filter((request) => request.kind === 'submit-imagine')).toHaveLength(1);
			},
		);
	}, CASE_TIMEOUT);
});

describe('every wait ends on time', () => {
	it('a poll that drips one byte at a time ends at the Timeout, with the task id', async () => {
		const emu = await emulator('bearer');
		const api = await startDripper(emu.url, isPoll);
		await using(async () => [emu, api], async () => {
			const run = await runNode(imagine({ timeout: 4 }), api.url);
			expect(run.elapsedMs).toBeLessThan(4000 + 5000);
			expect(emu.createdTaskIds()).toHaveLength(1);
			expectCreatedIdsShown(emu, run);
			expect(run.items[0].json.errorKind ?? run.items[0].json.error).toBeDefined();
		});
	}, CASE_TIMEOUT);

	/** A probe node that sends one request through the node's sender with a short cap. */
	function probe(url: string, capMs: number): INodeType {
		return {
			description: { displayName: 'Probe', name: 'probe', group: ['transform'], version: 1, description: '', defaults: { name: 'Probe' }, inputs: ['main'], outputs: ['main'], properties: [] },
			async execute(this: IExecuteFunctions) {
				const started = Date.now();
				try {
					await sendRequest(this, { method: 'GET', url, capMs, credentials: false, maxBytes: 1048576 });
					return [[{ json: { outcome: 'answered', elapsedMs: Date.now() - started } }]];
				} catch (error) {
					const code = error instanceof NetworkError ? error.code : String(error);
					return [[{ json: { outcome: code, elapsedMs: Date.now() - started } }]];
				}
			},
		} as unknown as INodeType;
	}

	for (const kind of ['drip', 'silent'] as const) {
		it(`a ${kind} server is cut off at the request cap, through n8n's real helper`, async () => {
			await warmUp();
			const server = kind === 'drip' ? await startDripper('http://127.0.0.1:9', () => true, 300) : await startSilent();
			try {
				const result = await runWorkflow(chain({ name: 'Probe', type: 'test.probe', parameters: {} }), {
					nodeTypes: { 'test.probe': probe(`${server.url}/mj/task/1/fetch`, 1500) },
				});
				const [item] = result.output('Probe');
				expect(item.json.outcome).toBe('DEADLINE');
				expect(item.json.elapsedMs).toBeGreaterThanOrEqual(1400);
				expect(item.json.elapsedMs).toBeLessThan(1500 + 1500);
			} finally {
				await server.close();
			}
		});
	}
});

describe('network errors are read as n8n hands them over', () => {
	const unreachable = async () => [
		['a closed port', `http://127.0.0.1:${await closedPort()}`],
		['a host name that never resolves', 'http://no-such-host.invalid'],
	];

	it('a Base URL that cannot be reached: retried with backoff, then "could not be reached, no task was created"', async () => {
		await warmUp();
		for (const [what, baseUrl] of await unreachable()) {
			const run = await runNode(imagine(), baseUrl);
			expect({ what, error: errorText(run.items[0]) }).toEqual({ what, error: expect.stringMatching(/could not be reached.*No task was created/s) });
			expect(errorText(run.items[0])).not.toMatch(/may have been created/);
			// Retried: two back-offs of about 2 s and 4 s (± 20 %) before giving up.
			expect(run.elapsedMs).toBeGreaterThan(4000);
			expect(run.elapsedMs).toBeLessThan(15_000);
		}
	}, CASE_TIMEOUT);

	it('Fetch against an unreachable Base URL fails clearly, as a connection failure', async () => {
		await warmUp();
		const run = await runNode({ operation: 'fetch', taskIds: '1234567890123456' }, `http://127.0.0.1:${await closedPort()}`);
		expect(errorText(run.items[0])).toMatch(/could not be reached|connection failed/i);
		expect(errorText(run.items[0])).toMatch(/ECONNREFUSED/);
	}, CASE_TIMEOUT);
});

describe('the Base URL is checked before anything is sent', () => {
	const cases: Array<[string, (url: string) => string, RegExp]> = [
		['a user and password in it', (url) => url.replace('http://', 'http://admin:hunter2pass@'), /user name or password/i],
		['a query string', (url) => `${url}?key=1`, /query string/i],
		['a fragment', (url) => `${url}#top`, /fragment|#/i],
		['a scheme other than http(s)', (url) => url.replace('http://', 'ftp://'), /http:\/\/ or https:\/\//],
	];
	for (const [what, spoil, message] of cases) {
		it(`refuses ${what}, without printing a password`, async () => {
			const emu = await emulator('bearer');
			await using(async () => [emu], async () => {
				const run = await runNode(imagine(), spoil(emu.url));
				expect(errorText(run.items[0])).toMatch(message);
				expect(everythingVisible(run.result)).not.toContain('hunter2pass');
				expect(emu.requests).toHaveLength(0);
			});
		});
	}

	it('a Base URL ending in /v1 gets the hint the credential test gives', async () => {
		const emu = await emulator('bearer');
		await using(async () => [emu], async () => {
			const run = await runNode(imagine(), `${emu.url}/v1`);
			expect(errorText(run.items[0])).toMatch(/no Midjourney task API at this Base URL.*without \/v1/is);
			expect(emu.createdTaskIds()).toHaveLength(0);
		});
	});
});

describe('answers read faithfully', () => {
	const BIG_ID = '12345678901234567890';
	const bigTask = `{"id":${BIG_ID},"parentId":${BIG_ID}1,"status":"SUCCESS","progress":"100%","action":"IMAGINE","prompt":"x","imageUrl":"","buttons":[]}`;

	it('a task id above 2^53 sent as a JSON number keeps every digit (submit, poll, Fetch)', async () => {
		await warmUp();
		const server = await startRawAnswers((req) =>
			req.url.includes('/submit/')
				? { body: `{"code":1,"description":"ok","result":${BIG_ID},"properties":{}}` }
				: req.url.includes('list-by-condition')
					? { body: `[${bigTask}]` }
					: { body: bigTask },
		);
		try {
			const run = await runNode(imagine(), server.url);
			expect(run.items[0].json.taskId).toBe(BIG_ID);
			expect(run.items[0].json.status).toBe('SUCCESS');
			// The whole task (Simplify off) carries the parent's id too.
			const fetched = await runNode({ operation: 'fetch', taskIds: BIG_ID, simplify: false }, server.url);
			expect(fetched.items[0].json.taskId).toBe(BIG_ID);
			expect(String(fetched.items[0].json.parentId ?? fetched.items[0].json.parentTaskId)).toBe(`${BIG_ID}1`);
		} finally {
			await server.close();
		}
	});

	it('a submit answer with task id 0 is not taken as a task', async () => {
		await warmUp();
		const server = await startRawAnswers(() => ({ body: '{"code":1,"description":"ok","result":0}' }));
		try {
			const run = await runNode(imagine(), server.url);
			expect(run.items[0].json.taskId).toBeUndefined();
			expect(errorText(run.items[0])).toMatch(/without a task id.*may have been created/s);
			expect(server.received.filter((request) => request.url.includes('/submit/'))).toHaveLength(1);
		} finally {
			await server.close();
		}
	});

	for (const taskId of ['.', '..', 'a/b']) {
		it(`task id "${taskId}" is refused before anything is sent`, async () => {
			const emu = await emulator('bearer');
			await using(async () => [emu], async () => {
				const fetched = await runNode({ operation: 'fetch', taskIds: taskId }, emu.url);
				expect(errorText(fetched.items[0])).toMatch(/Task ID .* is not a task id/);
				const action = await runNode({ operation: 'action', taskId, button: 'U1' }, emu.url);
				expect(errorText(action.items[0])).toMatch(/Task ID .* is not a task id/);
				expect(emu.requests).toHaveLength(0);
			});
		});
	}

	it('Download Image refuses a page that is not an image', async () => {
		const emu = await emulator('bearer');
		const api = await startServer('127.0.0.1', async (req, res) => {
			if (!isImage(req)) return await forward(emu.url, req, res);
			res.writeHead(200, { 'content-type': 'text/html' });
			// Not the request's headers: a page that echoes the key is refused for that first (see the key scan below).
			res.end(`<html>you asked for ${req.url} with ${Object.keys(req.headers).length} headers</html>`);
		});
		emu.setOptions({ publicUrl: api.url });
		await using(async () => [emu, api], async () => {
			const run = await runNode(imagine({ downloadImage: true }), api.url);
			expect(errorText(run.items[0])).toMatch(/not an image/);
			expect(run.items[0].binary).toBeUndefined();
			expectCreatedIdsShown(emu, run);
		});
	}, CASE_TIMEOUT);

	it('the thief PNG is a real image (the download checks are not vacuous)', () => {
		expect(PNG_BYTES.subarray(1, 4).toString('latin1')).toBe('PNG');
	});
});

describe('odd values from a server are normalised before they are used or redacted', () => {
	it('a status and progress sent as JSON numbers: the timeout error names the task, its status and progress', async () => {
		await warmUp();
		const TASK = '1700000000000042';
		const server = await startRawAnswers((req) =>
			req.url.includes('/submit/')
				? { body: `{"code":1,"description":"ok","result":"${TASK}"}` }
				: req.url.includes('list-by-condition')
					? { body: `[{"id":"${TASK}","status":3,"progress":45}]` }
					: { body: `{"id":"${TASK}","status":3,"progress":45}` },
		);
		try {
			const run = await runNode(imagine({ timeout: 2 }), server.url);
			expect(run.items).toHaveLength(1);
			const text = errorText(run.items[0]);
			expect(text).not.toMatch(/is not a function/);
			expect(text).toMatch(new RegExp(`Task ${TASK} did not finish within 2 s \\(last status 3, 45%\\)`));
			expect(run.items[0].json.taskId).toBe(TASK);
			expect(run.items[0].json.status).toBe('3');
			expect(run.items[0].json.progress).toBe('45%');
			// Without Continue On Fail the same error stops the node (this is where the redaction broke).
			const stopped = await runWorkflow(chain(midjourneyNode('Midjourney', imagine({ timeout: 2 }))), {
				credentials: { cometApi: { apiKey: KEY, baseUrl: server.url, authStyle: 'bearer' } },
			});
			const error = stopped.error as { message?: string; description?: string } | undefined;
			expect(`${error?.message} ${error?.description}`).toMatch(new RegExp(`Task ${TASK} did not finish.*last status 3, 45%.*Task ID ${TASK}`, 's'));
		} finally {
			await server.close();
		}
	}, CASE_TIMEOUT);
});

describe('requests are bounded by the user’s Timeout where it is shorter than the cap', () => {
	it('a submit that never answers ends at about a 3 s Timeout (not the 60 s cap), reported as "a task may have been created"', async () => {
		await warmUp();
		const server = await startSilent();
		try {
			const run = await runNode(imagine({ timeout: 3 }), server.url);
			expect(errorText(run.items[0])).toMatch(/no clear answer.*may have been created/s);
			expect(run.elapsedMs).toBeLessThan(3000 + 3000);
			expect(server.received.filter((request) => request.url.includes('/submit/'))).toHaveLength(1);
		} finally {
			await server.close();
		}
	}, CASE_TIMEOUT);

	it('a Fetch that waits, against a server that never answers, ends at about its 3 s Timeout (not after 121 s)', async () => {
		await warmUp();
		const server = await startSilent();
		try {
			const run = await runNode({ operation: 'fetch', taskIds: '1700000000000001', waitForCompletion: true, waitingOptions: { timeout: 3 } }, server.url);
			expect(errorText(run.items[0])).toMatch(/no answer in time|could not be reached/);
			expect(run.elapsedMs).toBeLessThan(3000 + 3000);
		} finally {
			await server.close();
		}
	}, CASE_TIMEOUT);
});

describe('downloads and API answers are bounded: count, size, scheme, time', () => {
	const TASK = '1700000000000077';
	const videoTask = (videoUrls: string[]) =>
		JSON.stringify({ id: TASK, action: 'VIDEO', status: 'SUCCESS', progress: '100%', prompt: 'x', buttons: [], videoUrls: videoUrls.map((url) => ({ url })) });
	const fetchVideos = (baseUrl: string) => runNode({ operation: 'fetch', taskIds: TASK, options: { downloadVideo: true } }, baseUrl);

	it('a task listing 50 videos: refused with the count, not one of them fetched', async () => {
		await warmUp();
		let own = '';
		// The video URLs point at the server itself.
		const server = await startRawAnswers((req) =>
			req.url.includes('/mj/task/') ? { body: videoTask(Array.from({ length: 50 }, (_, index) => `${own}/v${index}.mp4`)) } : { body: '' },
		);
		own = server.url;
		try {
			const run = await fetchVideos(server.url);
			expect(errorText(run.items[0])).toMatch(/lists 50 videos, more than the 4 a video task makes/);
			expect(server.received.filter((request) => request.url.endsWith('.mp4'))).toHaveLength(0);
		} finally {
			await server.close();
		}
	}, CASE_TIMEOUT);

	for (const url of ['data:video/mp4;base64,AAAAGGZ0eXBpc29t', 'ftp://127.0.0.1/video.mp4', 'file:///etc/passwd']) {
		it(`a video URL ${url.slice(0, 12)}…: refused by its scheme, nothing fetched`, async () => {
			await warmUp();
			const server = await startRawAnswers(() => ({ body: videoTask([url]) }));
			try {
				const run = await fetchVideos(server.url);
				expect(errorText(run.items[0])).toMatch(/the URL is not http\(s\)/);
				expect(run.items[0].binary).toBeUndefined();
				expect(server.received.filter((request) => !request.url.includes('/mj/task/'))).toHaveLength(0);
			} finally {
				await server.close();
			}
		}, CASE_TIMEOUT);
	}

	it('a 17 MB answer that is not JSON to a Fetch is cut off at 16 MB and read once, not five times', async () => {
		await warmUp();
		const huge = 'x'.repeat(17 * 1048576);
		const server = await startRawAnswers(() => ({ body: huge, type: 'text/html' }));
		try {
			const run = await runNode({ operation: 'fetch', taskIds: TASK }, server.url);
			expect(errorText(run.items[0])).toMatch(/larger than 16 MB/);
			expect(server.received).toHaveLength(1);
		} finally {
			await server.close();
		}
	}, CASE_TIMEOUT);

	/** A probe node that reads one body through the node's sender, with a small size limit and cap. */
	function bodyProbe(url: string, maxBytes: number, capMs: number): INodeType {
		return {
			description: { displayName: 'Probe', name: 'probe', group: ['transform'], version: 1, description: '', defaults: { name: 'Probe' }, inputs: ['main'], outputs: ['main'], properties: [] },
			async execute(this: IExecuteFunctions) {
				try {
					const answer = await sendRequest(this, { method: 'GET', url, capMs, credentials: false, maxBytes });
					return [[{ json: { outcome: 'ended', read: (answer.body as Buffer).length } }]];
				} catch (error) {
					return [[{ json: { outcome: (error as Error).message, code: (error as { code?: string }).code ?? null } }]];
				}
			},
		} as unknown as INodeType;
	}

	it('an endless body (a video) is cut off at its size limit, and a deadline says it timed out', async () => {
		await warmUp();
		const endless = await startServer('127.0.0.1', (_req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4' });
			const chunk = Buffer.alloc(64 * 1024, 1);
			const pump = setInterval(() => res.write(chunk), 5);
			res.on('close', () => clearInterval(pump));
		});
		try {
			const sized = await runWorkflow(chain({ name: 'Probe', type: 'test.probe', parameters: {} }), {
				nodeTypes: { 'test.probe': bodyProbe(`${endless.url}/v.mp4`, 1048576, 20_000) },
			});
			const [cut] = sized.output('Probe');
			expect(cut.json.outcome).toMatch(/larger than 1 MB/);
			const slow = await runWorkflow(chain({ name: 'Probe', type: 'test.probe', parameters: {} }), {
				nodeTypes: { 'test.probe': bodyProbe(`${endless.url}/v.mp4`, 1024 * 1048576, 1000) },
			});
			expect(slow.output('Probe')[0].json.code).toBe('DEADLINE');
		} finally {
			await endless.close();
		}
	}, CASE_TIMEOUT);
});

describe('a file from the API host that holds the key is refused, not stored', () => {
	const TASK = '1700000000000088';
	const MP4 = readFileSync(join(__dirname, '../../../emulator/fixtures/video-0.mp4'));
	const echo = (req: { headers: Record<string, unknown> }) => Buffer.from(` sent with ${JSON.stringify(req.headers)} `);
	type Kind = 'image' | 'video';

	/**
	 * The API host: its task (an upscale or a video) points at a file on the same host, which it
	 * serves as `file(request)` says. Runs a Fetch with the download on, closes the server.
	 */
	async function fetchFile(kind: Kind, file: (req: { headers: Record<string, unknown> }) => Buffer, style: Style = 'bearer'): Promise<Run> {
		await warmUp();
		const server = await startServer('127.0.0.1', (req, res) => {
			if (req.url.includes('/mj/task/')) {
				const url = `http://${req.headers.host}/${kind === 'image' ? 'image.png' : 'v.mp4'}`;
				const media = kind === 'image' ? { action: 'UPSCALE', imageUrl: url } : { action: 'VIDEO', videoUrls: [{ url }] };
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ id: TASK, status: 'SUCCESS', progress: '100%', prompt: 'x', buttons: [], ...media }));
				return;
			}
			res.writeHead(200, { 'content-type': kind === 'image' ? 'image/png' : 'video/mp4' });
			res.end(file(req));
		});
		try {
			const download = kind === 'image' ? { downloadImage: true } : { downloadVideo: true };
			return await runNode({ operation: 'fetch', taskIds: TASK, options: download }, server.url, style);
		} finally {
			await server.close();
		}
	}

	for (const style of STYLES) {
		it(`an image that starts as a PNG and echoes the request's credentials (${style})`, async () => {
			const run = await fetchFile('image', (req) => Buffer.concat([PNG_BYTES, echo(req)]), style);
			expect(errorText(run.items[0])).toMatch(/holds the API key: refused/);
			expect(run.items[0].binary).toBeUndefined();
		}, CASE_TIMEOUT);
	}

	it('an mp4 that echoes the Authorization header after its first boxes', async () => {
		const run = await fetchFile('video', (req) => Buffer.concat([MP4, echo(req)]));
		expect(errorText(run.items[0])).toMatch(/holds the API key: refused/);
		expect(run.items[0].binary).toBeUndefined();
		// Far past the first chunk, while n8n's binary data store reads the stream.
		const late = await fetchFile('video', (req) => Buffer.concat([MP4, Buffer.alloc(512 * 1024), echo(req)]));
		expect(errorText(late.items[0])).toMatch(/holds the API key: refused/);
		expect(late.items[0].binary).toBeUndefined();
	}, CASE_TIMEOUT);

	it('the same files without the key are stored (the scan is not vacuous)', async () => {
		const video = await fetchFile('video', () => Buffer.concat([MP4, Buffer.from(' no secret here ')]));
		expect(video.items[0].binary?.data?.mimeType).toBe('video/mp4');
		const image = await fetchFile('image', () => Buffer.concat([PNG_BYTES, Buffer.from(' no secret here ')]));
		expect(image.items[0].binary?.data?.mimeType).toBe('image/png');
	}, CASE_TIMEOUT);
});
