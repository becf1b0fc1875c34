/**
 * The fault matrix of issue 5, at workflow level: a batch of items through the
 * Midjourney node in n8n-core's WorkflowExecute, against an emulator with one
 * fault knob turned. Every case checks the same promises:
 *  - the expected outputs, or clear error items in the failing item's place;
 *  - nothing doubled: at most one task on the server per input item, exactly
 *    one where the item should have one;
 *  - nothing lost: every task the server created is named in the output or in
 *    the error (the only exception is a task whose submit answer never reached
 *    the node: then that item's error says a task may have been created);
 *  - the API key nowhere: not in outputs, errors (message, description,
 *    stack) or log lines.
 *
 * Each case has its own emulator, so the cases run concurrently.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { request } from 'undici';

import type { Emulator, EmulatorOptions, FaultRule } from '../../emulator';
import { Midjourney } from '../../../nodes/Midjourney/Midjourney.node';
import {
	PACKAGE_NODE_TYPE,
	chain,
	midjourneyNode,
	optionParameters,
	runWorkflow,
	startWorkflow,
	type RunningWorkflow,
	type WorkflowResult,
} from '../../harness';
import { captureLogLines, everythingVisible, withEmulator as withOwnEmulator } from './emulatorSetup';

const KEY = 'sk-SECRET-abc123';
const PROMPTS = ['a red kite over dunes', 'a green door in a wall', 'a blue boat at dawn', 'a yellow lamp on a desk'];
const FAST: IDataObject = { pollInterval: 0.2, initialDelay: 0, timeout: 20 };
const AMBIGUOUS = /a task may have been created/;
const CASE_TIMEOUT = 60_000;

// ---------------------------------------------------------------------------
// Log lines: everything n8n's logger and the console are given, to look for the key.

const logLines = captureLogLines();
const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => jest.spyOn(console, method));

// ---------------------------------------------------------------------------
// Helpers

/** n8n-core's binary data service is set up by the first run: once, before the concurrent cases. */
let warmedUp: Promise<unknown> | undefined;
const warmUp = async () => await (warmedUp ??= runWorkflow(chain()));

async function withEmulator<T>(options: Partial<EmulatorOptions>, body: (emu: Emulator) => Promise<T>): Promise<T> {
	await warmUp();
	return await withOwnEmulator(KEY, options, body);
}

interface BatchOptions {
	options?: IDataObject;
	prompts?: string[];
	/** default true: onError "continueRegularOutput" (error items in place) */
	continueOnFail?: boolean;
	/** default the emulator's URL (a test proxy in front of it otherwise) */
	baseUrl?: string;
	/** called when the node's execute() has returned or thrown */
	onNodeSettled?: () => void;
}

/** The Midjourney node type, telling when its execute() ends (n8n reports a cancelled run at once). */
function watchedNodeType(onSettled: () => void): Midjourney {
	const node = new Midjourney();
	const execute = node.execute;
	node.execute = async function (this: IExecuteFunctions) {
		try {
			return await execute.call(this);
		} finally {
			onSettled();
		}
	};
	return node;
}

function startBatch(emu: Emulator, batch: BatchOptions = {}): RunningWorkflow {
	const prompts = batch.prompts ?? PROMPTS;
	const onError = batch.continueOnFail === false ? {} : { onError: 'continueRegularOutput' as const };
	return startWorkflow(
		chain(
			midjourneyNode(
				'Imagine',
				// The whole task and no file (Simplify and Download Image off): these checks read
				// every task field and count the requests the waiting makes.
				{
					operation: 'imagine',
					prompt: '={{ $json.prompt }}',
					simplify: false,
					...optionParameters({ ...FAST, downloadImage: false, ...batch.options }),
				},
				onError,
			),
		),
		{
			credentials: { cometApi: { apiKey: KEY, baseUrl: batch.baseUrl ?? emu.url, authStyle: 'bearer' } },
			triggerItems: prompts.map((prompt) => ({ json: { prompt } })),
			nodeTypes: batch.onNodeSettled ? { [PACKAGE_NODE_TYPE]: watchedNodeType(batch.onNodeSettled) } : undefined,
		},
	);
}

async function runBatch(emu: Emulator, batch: BatchOptions = {}): Promise<WorkflowResult> {
	return await startBatch(emu, batch).result;
}

const submits = (emu: Emulator) => emu.requests.filter((entry) => entry.kind === 'submit-imagine');
const polls = (emu: Emulator) => emu.requests.filter((entry) => entry.kind === 'fetch' || entry.kind === 'list');
const tasksFor = (emu: Emulator, prompt: string) => [...emu.tasks.values()].filter((task) => task.prompt === prompt);
const errorText = (item: INodeExecutionData) => `${String(item.json.error)} ${String(item.json.errorDescription)}`;

/**
 * The promises every case keeps. `created`: the prompts that must have exactly
 * one task on the server (all others: none). Returns the node's items.
 */
function expectNothingDoubledLostOrLeaked(
	emu: Emulator,
	result: WorkflowResult,
	{ prompts = PROMPTS, created = prompts, continueOnFail = true }: { prompts?: string[]; created?: string[]; continueOnFail?: boolean } = {},
): INodeExecutionData[] {
	const items = result.output('Imagine');
	// Nothing doubled.
	for (const prompt of prompts) {
		expect({ prompt, tasks: tasksFor(emu, prompt).length }).toEqual({ prompt, tasks: created.includes(prompt) ? 1 : 0 });
	}
	expect(emu.createdTaskIds()).toHaveLength(created.length);
	// Nothing lost. A task whose submit answer was spoiled (dropped, cut, empty) never reached the node.
	const unseen = new Set(
		emu.requests
			.filter((entry) => entry.createdTaskId && (entry.status === 0 || entry.fault !== undefined))
			.map((entry) => entry.createdTaskId!),
	);
	const visible = everythingVisible({ items, error: result.error, nodeError: result.nodeError('Imagine') });
	for (const taskId of emu.createdTaskIds()) {
		if (!unseen.has(taskId)) {
			expect(visible).toContain(taskId);
			continue;
		}
		const index = prompts.indexOf(emu.tasks.get(taskId)!.prompt);
		if (continueOnFail) expect(errorText(items[index])).toMatch(AMBIGUOUS);
		else expect(everythingVisible(result.error)).toMatch(AMBIGUOUS);
	}
	if (continueOnFail) {
		// One item per input, in input order, each with the task made from its own prompt.
		expect(items.map((item) => item.pairedItem)).toEqual(prompts.map((_, item) => ({ item })));
		items.forEach((item, index) => {
			if (item.json.taskId !== undefined) expect(emu.tasks.get(String(item.json.taskId))?.prompt).toBe(prompts[index]);
		});
	} else {
		expect(result.error).toBeDefined();
	}
	// The key nowhere: items, errors with message, description and stack, the whole run data.
	expect(everythingVisible(result)).not.toContain(KEY);
	expect(everythingVisible(result.error ?? null)).not.toContain(KEY);
	return items;
}

function expectAllSucceeded(items: INodeExecutionData[], prompts = PROMPTS) {
	expect(items.map((item) => [item.json.status, item.json.error])).toEqual(prompts.map(() => ['SUCCESS', undefined]));
	expect(items.every((item) => item.json.progress === '100%' && typeof item.json.imageUrl === 'string')).toBe(true);
}

/**
 * A tiny HTTP proxy in front of the emulator for answers the emulator's
 * fault knobs do not give (204 to a fetch, a body echoing the key).
 * `intercept` answers a request itself, or returns undefined to forward it.
 */
async function withProxy<T>(
	target: string,
	intercept: (req: { method: string; path: string; body: string; headers: IncomingHttpHeaders }) =>
		| { status: number; json?: unknown; headers?: Record<string, string> }
		| undefined,
	body: (url: string) => Promise<T>,
): Promise<T> {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const answer = intercept({ method: req.method ?? 'GET', path: req.url ?? '/', body: text, headers: req.headers });
			if (answer) {
				const bytes = answer.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(answer.json));
				res.writeHead(answer.status, {
					...answer.headers,
					...(answer.json === undefined ? {} : { 'content-type': 'application/json' }),
					...(answer.status === 204 ? {} : { 'content-length': bytes.length }),
				});
				res.end(answer.status === 204 ? undefined : bytes);
				return;
			}
			const headers = Object.fromEntries(
				Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)),
			) as Record<string, string>;
			request(`${target}${req.url}`, { method: req.method as 'GET', headers, body: chunks.length ? text : undefined })
				.then(async (upstream) => {
					const bytes = Buffer.from(await upstream.body.arrayBuffer());
					const type = upstream.headers['content-type'];
					res.writeHead(upstream.statusCode, {
						...(typeof type === 'string' ? { 'content-type': type } : {}),
						...(upstream.statusCode === 204 ? {} : { 'content-length': bytes.length }),
					});
					res.end(upstream.statusCode === 204 ? undefined : bytes);
				})
				.catch(() => req.socket.destroy());
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		return await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
}

// ---------------------------------------------------------------------------

describe('faults the node rides out: every item succeeds, exactly one task each', () => {
	const noList = { supportListByCondition: false };
	const cases: Array<[string, FaultRule[], Partial<EmulatorOptions>?]> = [
		['a 429 storm on submit (Retry-After: 0)', [{ target: 'submit', kind: '429', times: 8, retryAfterSec: 0 }]],
		['a 429 storm on submit (Retry-After: 1)', [{ target: 'submit', kind: '429', times: 4, retryAfterSec: 1 }]],
		['503 on submit', [{ target: 'submit', kind: '503', times: 4 }]],
		['a 429 storm on list-by-condition', [{ target: 'list', kind: '429', times: 3, retryAfterSec: 0 }]],
		['a 429 storm on per-task fetch', [{ target: 'fetch', kind: '429', times: 6 }], noList],
		['500 on list-by-condition', [{ target: 'list', kind: '500', times: 2 }]],
		['502 on list-by-condition', [{ target: 'list', kind: '502', times: 2 }]],
		['503 on list-by-condition', [{ target: 'list', kind: '503', times: 2 }]],
		['500 on per-task fetch', [{ target: 'fetch', kind: '500', times: 3 }], noList],
		['502 on per-task fetch', [{ target: 'fetch', kind: '502', times: 3 }], noList],
		['503 on per-task fetch', [{ target: 'fetch', kind: '503', times: 3 }], noList],
		['connections dropped before list-by-condition answers', [{ target: 'list', kind: 'drop-before', times: 2 }]],
		['connections dropped after list-by-condition answered', [{ target: 'list', kind: 'drop-after', times: 2 }]],
		['connections dropped before per-task fetch answers', [{ target: 'fetch', kind: 'drop-before', times: 3 }], noList],
		['connections dropped after per-task fetch answered', [{ target: 'fetch', kind: 'drop-after', times: 3 }], noList],
		['malformed list-by-condition answers', [{ target: 'list', kind: 'malformed', times: 2 }]],
		['empty list-by-condition answers', [{ target: 'list', kind: 'empty', times: 2 }]],
		['malformed per-task fetch answers', [{ target: 'fetch', kind: 'malformed', times: 3 }], noList],
		['empty per-task fetch answers (200, no body)', [{ target: 'fetch', kind: 'empty', times: 6 }], noList],
		['slow list-by-condition answers', [{ target: 'list', kind: 'slow', times: 2, delayMs: 600 }]],
	];
	it.concurrent.each(cases)(
		'%s',
		async (_name, faults, extra = {}) => {
			await withEmulator({ faults, ...extra }, async (emu) => {
				const result = await runBatch(emu);
				expect(result.error).toBeUndefined();
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				expectAllSucceeded(items);
				// The fault did happen, and each item was submitted until one task was created, never again.
				expect(emu.requests.filter((entry) => entry.fault).length).toBeGreaterThan(0);
				expect(submits(emu).filter((entry) => entry.createdTaskId)).toHaveLength(PROMPTS.length);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'204 answers to per-task fetch (C# servers while a task is not visible yet)',
		async () => {
			await withEmulator({ supportListByCondition: false }, async (emu) => {
				const answered204 = new Map<string, number>();
				await withProxy(
					emu.url,
					({ path }) => {
						const id = /^\/mj\/task\/([^/]+)\/fetch/.exec(path)?.[1];
						if (!id || (answered204.get(id) ?? 0) >= 2) return undefined;
						answered204.set(id, (answered204.get(id) ?? 0) + 1);
						return { status: 204 };
					},
					async (url) => {
						const result = await runBatch(emu, { baseUrl: url });
						expectAllSucceeded(expectNothingDoubledLostOrLeaked(emu, result));
					},
				);
				expect([...answered204.values()]).toEqual(PROMPTS.map(() => 2));
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'list-by-condition unsupported (404): per-task fetch instead, detected once',
		async () => {
			await withEmulator({ supportListByCondition: false, taskDurationMs: 600 }, async (emu) => {
				const result = await runBatch(emu);
				expectAllSucceeded(expectNothingDoubledLostOrLeaked(emu, result));
				const lists = emu.requests.filter((entry) => entry.kind === 'list');
				expect(lists).toHaveLength(1);
				expect(lists[0].status).toBe(404);
				const fetches = emu.requests.filter((entry) => entry.kind === 'fetch');
				expect(fetches.length).toBeGreaterThanOrEqual(PROMPTS.length);
				// Every later poll is a per-task fetch.
				expect(fetches.every((entry) => entry.at >= lists[0].at)).toBe(true);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'code 22 (queued) is success: queued tasks are waited for like the others',
		async () => {
			await withEmulator({ concurrency: 1, queueSize: 10, taskDurationMs: 150 }, async (emu) => {
				const result = await runBatch(emu);
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				expectAllSucceeded(items);
				// One ran at once; the others were answered code 22 with their place in the queue, which the items keep.
				expect(items.filter((item) => typeof item.json.queuePosition === 'number')).toHaveLength(PROMPTS.length - 1);
				const runs = [...emu.tasks.values()].map((task) => [task.startTime, task.finishedAt!]).sort((a, b) => a[0] - b[0]);
				for (let index = 1; index < runs.length; index++) expect(runs[index][0]).toBeGreaterThanOrEqual(runs[index - 1][1]);
				expect(submits(emu)).toHaveLength(PROMPTS.length);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'code 23 (queue full) is retried with backoff within the timeout, creating nothing twice',
		async () => {
			await withEmulator({ concurrency: 1, queueSize: 0, taskDurationMs: 100 }, async (emu) => {
				const result = await runBatch(emu, { options: { timeout: 45 } });
				expectAllSucceeded(expectNothingDoubledLostOrLeaked(emu, result));
				// Refused submits (no task) were sent again; the accepted ones never.
				expect(submits(emu).length).toBeGreaterThan(PROMPTS.length);
				expect(submits(emu).filter((entry) => entry.createdTaskId)).toHaveLength(PROMPTS.length);
			});
		},
		CASE_TIMEOUT,
	);
});

describe('faults that end an item: a clear error item in its place, the others go on', () => {
	it.concurrent.each([
		['500', /HTTP 500/],
		['502', /HTTP 502/],
		['drop-before', /no clear answer/],
	] as const)(
		'an ambiguous submit failure (%s, nothing created) is not resent and says a task may exist',
		async (kind, cause) => {
			await withEmulator({ faults: [{ target: 'submit', kind, times: 1 }] }, async (emu) => {
				const result = await runBatch(emu);
				const failedPrompt = PROMPTS.find((prompt) => !emu.requests.some((entry) => entry.createdTaskId && (entry.body as IDataObject)?.prompt === prompt));
				const items = expectNothingDoubledLostOrLeaked(emu, result, {
					created: PROMPTS.filter((prompt) => prompt !== failedPrompt),
				});
				const failed = items.filter((item) => item.json.error);
				expect(failed).toHaveLength(1);
				expect(failed[0].pairedItem).toEqual({ item: PROMPTS.indexOf(failedPrompt!) });
				expect(errorText(failed[0])).toMatch(cause);
				expect(String(failed[0].json.error)).toMatch(AMBIGUOUS);
				expect(String(failed[0].json.errorDescription)).toMatch(/not resent/);
				expect(items.filter((item) => item.json.status === 'SUCCESS')).toHaveLength(PROMPTS.length - 1);
				// Not resent: one submit per item.
				expect(submits(emu)).toHaveLength(PROMPTS.length);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent.each(['drop-after', 'malformed', 'empty'] as const)(
		'a submit whose answer is lost (%s) after the task was created is not resent; the error says the task may exist',
		async (kind) => {
			await withEmulator({ faults: [{ target: 'submit', kind, times: 1 }] }, async (emu) => {
				const result = await runBatch(emu);
				// The server made a task for every item, the spoiled one included, and no second one.
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				const failed = items.filter((item) => item.json.error);
				expect(failed).toHaveLength(1);
				expect(String(failed[0].json.error)).toMatch(AMBIGUOUS);
				expect(String(failed[0].json.errorDescription)).toMatch(/not resent.*Fetch operation/s);
				const spoiled = submits(emu).filter((entry) => entry.fault === kind);
				expect(spoiled).toHaveLength(1);
				expect((spoiled[0].body as IDataObject).prompt).toBe(PROMPTS[(failed[0].pairedItem as { item: number }).item]);
				expect(submits(emu)).toHaveLength(PROMPTS.length);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'a 429 storm on submit that outlasts the retries fails every item, bounded, having created nothing',
		async () => {
			await withEmulator({ faults: [{ target: 'submit', kind: '429', retryAfterSec: 0 }] }, async (emu) => {
				const result = await runBatch(emu);
				const items = expectNothingDoubledLostOrLeaked(emu, result, { created: [] });
				for (const item of items) {
					expect(String(item.json.error)).toMatch(/HTTP 429/);
					expect(String(item.json.errorDescription)).toMatch(/Rate limited/);
				}
				// Bounded: a few attempts per item, not a loop.
				expect(submits(emu).length).toBeGreaterThan(PROMPTS.length);
				expect(submits(emu).length).toBeLessThanOrEqual(PROMPTS.length * 6);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'polling faults that never stop end each wait at its timeout, with the task id and the last fault',
		async () => {
			await withEmulator({ faults: [{ target: 'list', kind: '503' }] }, async (emu) => {
				const result = await runBatch(emu, { options: { timeout: 1.5 } });
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				for (const item of items) {
					expect(item.json).toMatchObject({ errorKind: 'timeout', taskId: expect.any(String), status: 'SUBMITTED' });
					expect(String(item.json.errorDescription)).toMatch(/Last error while checking: .*HTTP 503/);
				}
				// Backed off: far fewer polls than one per 0.2 s interval.
				expect(polls(emu).length).toBeLessThan(6);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'FAILURE: an error item with the failReason and the task id, the others succeed',
		async () => {
			await withEmulator({ failPrompts: ['green'] }, async (emu) => {
				const result = await runBatch(emu);
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				const failedTask = tasksFor(emu, PROMPTS[1])[0];
				expect(items[1].json).toMatchObject({ taskId: failedTask.id, status: 'FAILURE', errorKind: 'taskFailed' });
				expect(String(items[1].json.error)).toContain(emu.options.failReason);
				expect(String(items[1].json.error)).toContain(failedTask.id);
				expect(items.filter((item) => item.json.status === 'SUCCESS')).toHaveLength(PROMPTS.length - 1);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'FAILURE without Continue On Fail: the node error names the failed task and every other task of the run',
		async () => {
			await withEmulator({ failPrompts: ['green'] }, async (emu) => {
				const result = await runBatch(emu, { continueOnFail: false });
				expectNothingDoubledLostOrLeaked(emu, result, { continueOnFail: false });
				expect(result.error?.message).toContain(tasksFor(emu, PROMPTS[1])[0].id);
				expect(result.error?.description).toMatch(/Other tasks this run created/);
				for (const prompt of PROMPTS) expect(everythingVisible(result.error)).toContain(tasksFor(emu, prompt)[0].id);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'code 24 (banned word): a clear error naming the word; no task for that item',
		async () => {
			const prompts = ['a red kite over dunes', 'a badword on a green door', 'a blue boat at dawn'];
			await withEmulator({}, async (emu) => {
				const result = await runBatch(emu, { prompts });
				const items = expectNothingDoubledLostOrLeaked(emu, result, { prompts, created: [prompts[0], prompts[2]] });
				expect(items[1].json).toMatchObject({ errorKind: 'bannedWord', code: 24 });
				expect(String(items[1].json.error)).toMatch(/banned word: "badword"/);
				expect(String(items[1].json.errorDescription)).toMatch(/Remove or rephrase "badword"/);
				expect([items[0].json.status, items[2].json.status]).toEqual(['SUCCESS', 'SUCCESS']);
				expect(submits(emu)).toHaveLength(3);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'code 23 for longer than the timeout: a clear "queue full" error, nothing created for those items',
		async () => {
			await withEmulator({ concurrency: 1, queueSize: 0, taskDurationMs: 3000 }, async (emu) => {
				const result = await runBatch(emu, { options: { timeout: 1, onTimeout: 'returnTask' } });
				const accepted = PROMPTS.filter((prompt) => tasksFor(emu, prompt).length === 1);
				expect(accepted).toHaveLength(1);
				const items = expectNothingDoubledLostOrLeaked(emu, result, { created: accepted });
				const refused = items.filter((item) => item.json.errorKind === 'queueFull');
				expect(refused).toHaveLength(PROMPTS.length - 1);
				for (const item of refused) {
					expect(String(item.json.error)).toMatch(/queue is full \(code 23\)/);
					expect(String(item.json.errorDescription)).toMatch(/No task was created/);
				}
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'stuck at 93 %, On Timeout "Fail": each error carries its task id, status and progress',
		async () => {
			await withEmulator({ stuckAtProgress: '93%' }, async (emu) => {
				const result = await runBatch(emu, { options: { timeout: 1 } });
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				items.forEach((item, index) => {
					const task = tasksFor(emu, PROMPTS[index])[0];
					expect(item.json).toMatchObject({ errorKind: 'timeout', taskId: task.id, status: 'IN_PROGRESS', progress: '93%' });
					expect(String(item.json.error)).toBe(`Task ${task.id} did not finish within 1 s (last status IN_PROGRESS, 93%)`);
					expect(String(item.json.errorDescription)).toMatch(/Fetch operation/);
				});
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'stuck at 93 %, On Timeout "Return Task As Is": an item with the current status',
		async () => {
			await withEmulator({ stuckAtProgress: '93%' }, async (emu) => {
				const result = await runBatch(emu, { options: { timeout: 1, onTimeout: 'returnTask' } });
				const items = expectNothingDoubledLostOrLeaked(emu, result);
				expect(items.map((item) => [item.json.status, item.json.progress, item.json.timedOut, item.json.error])).toEqual(
					PROMPTS.map(() => ['IN_PROGRESS', '93%', true, undefined]),
				);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'stuck at 93 % without Continue On Fail: the node error names every task of the run',
		async () => {
			await withEmulator({ stuckAtProgress: '93%' }, async (emu) => {
				const result = await runBatch(emu, { options: { timeout: 1 }, continueOnFail: false });
				expectNothingDoubledLostOrLeaked(emu, result, { continueOnFail: false });
				expect(result.error?.message).toMatch(/did not finish within 1 s \(last status IN_PROGRESS, 93%\)/);
				expect(result.error?.description).toMatch(/Other tasks this run created: item 1: task \d+ \(IN_PROGRESS\)/);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'a server that echoes the key in its error answers: the key is redacted everywhere',
		async () => {
			await withEmulator({}, async (emu) => {
				let lists = 0;
				const echo = (headers: IncomingHttpHeaders) =>
					`upstream refused Authorization "${String(headers.authorization)}" for key ${KEY}`;
				await withProxy(
					emu.url,
					({ method, path, body, headers }) => {
						if (method === 'POST' && path.endsWith('/mj/submit/imagine') && body.includes('green')) {
							return { status: 429, headers: { 'retry-after': '0' }, json: { description: echo(headers), code: 5 } };
						}
						if (path.endsWith('/list-by-condition') && lists++ % 2 === 0) {
							return { status: 500, json: { description: echo(headers), code: 5 } };
						}
						return undefined;
					},
					async (url) => {
						for (const continueOnFail of [true, false]) {
							const result = await runBatch(emu, { baseUrl: url, continueOnFail });
							const visible = everythingVisible(result);
							expect(visible).not.toContain(KEY);
							expect(visible).toContain('[redacted]');
							if (continueOnFail) {
								const items = result.output('Imagine');
								expect(String(items[1].json.errorDescription)).toMatch(/Rate limited\. upstream refused Authorization "\[redacted\]" for key \[redacted\]/);
							} else {
								expect(result.error?.description).toMatch(/\[redacted\]/);
							}
						}
						expect(emu.createdTaskIds()).toHaveLength(2 * (PROMPTS.length - 1));
					},
				);
			});
		},
		CASE_TIMEOUT,
	);
});

describe('cancellation', () => {
	/**
	 * Starts the batch, cancels once the request log shows `ready`, then watches
	 * for a second and a half: the node must have ended and sent nothing more.
	 */
	async function cancelWhen(emu: Emulator, batch: BatchOptions, ready: () => boolean) {
		let nodeSettled = false;
		const running = startBatch(emu, { ...batch, onNodeSettled: () => (nodeSettled = true) });
		while (!ready()) await new Promise((resolve) => setTimeout(resolve, 20));
		const cancelledAt = Date.now();
		running.cancel();
		const result = await running.result;
		const seenAtEnd = emu.requests.length;
		// Generous: anything still scheduled would have gone out by now.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(result.run.status).toBe('canceled');
		// The node's own waits ended too (not only n8n's report of the run).
		expect(nodeSettled).toBe(true);
		// Nothing was sent once the cancel had been handled.
		expect(emu.requests.length).toBe(seenAtEnd);
		expect(emu.requests.filter((entry) => entry.at > cancelledAt + 1000)).toEqual([]);
		expect(everythingVisible(result)).not.toContain(KEY);
		return { cancelledAt };
	}

	it.concurrent(
		'while polling: every wait stops, no slot-waiting item is submitted, no request after the cancel',
		async () => {
			await withEmulator({ stuckAtProgress: '45%' }, async (emu) => {
				// Two slots for four items: two tasks run, two items wait for a slot.
				const { cancelledAt } = await cancelWhen(emu, { options: { timeout: 60, maxConcurrency: 2 } }, () => polls(emu).length >= 3);
				expect(emu.requests.filter((entry) => entry.at > cancelledAt && entry.kind.startsWith('submit'))).toEqual([]);
				// Only the two items that had a slot made a task, one each: the others were never submitted.
				expect(submits(emu)).toHaveLength(2);
				expect(emu.createdTaskIds()).toHaveLength(2);
				expect(new Set([...emu.tasks.values()].map((task) => task.prompt)).size).toBe(2);
			});
		},
		CASE_TIMEOUT,
	);

	it.concurrent(
		'while submits back off (a 429 storm asking for 30 s): no further submit after the cancel',
		async () => {
			await withEmulator({ faults: [{ target: 'submit', kind: '429', retryAfterSec: 30 }] }, async (emu) => {
				const { cancelledAt } = await cancelWhen(emu, {}, () => submits(emu).length >= PROMPTS.length);
				expect(emu.requests.filter((entry) => entry.at > cancelledAt)).toEqual([]);
				expect(submits(emu)).toHaveLength(PROMPTS.length);
				expect(emu.createdTaskIds()).toHaveLength(0);
			});
		},
		CASE_TIMEOUT,
	);
});

describe('logs', () => {
	// Declared last: runs after every case above has finished.
	it('no log line (n8n logger, console) shows the key', () => {
		const consoleLines = consoleSpies.flatMap((spy) => spy.mock.calls.map((call) => everythingVisible(call)));
		for (const line of [...logLines, ...consoleLines]) expect(line).not.toContain(KEY);
	});
});
