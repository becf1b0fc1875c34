/*
 * Wait Mode "Callback" and the Midjourney Trigger in a running n8n (`n8n start`, set up as
 * `npm start` does it), for the e2e layer (run.ts counts each scenario as one case):
 *
 *   parked batch  fifty prompts park in Callback mode; n8n is stopped and started again on the
 *                 same user folder while they wait (the emulator holds the tasks in its queue
 *                 meanwhile, as a busy account does); the emulator's callbacks resume the
 *                 execution with the items Poll mode gives, and no status request is made between
 *                 the park and the final callbacks.
 *   wait limit    the example callback-wait-fetch with a short Timeout and every callback dropped:
 *                 at the wait limit n8n passes the parked items on, and its Fetch reads SUCCESS.
 *   lost callback the example callback-wait-fetch as shipped (Callback Wait Limit, Fetch waiting), limit
 *                 scaled down: n8n is stopped while the tasks end, so every final callback is lost
 *                 (connection refused); at the limit the Fetch branch recovers the results within one
 *                 poll interval, nothing submitted twice.
 *   trigger       the example trigger-fire-and-forget, active; another workflow submits three
 *                 prompts with Wait for Completion off and Notify Hook = the trigger's production
 *                 URL: one execution per finished task, with the mapped task and its image.
 *   person        the example person-chooses-upscale: the grid is shown by n8n's Wait node "On Form
 *                 Submitted"; the form is read and answered over HTTP as a browser would; the
 *                 workflow presses the chosen U and delivers the upscaled file.
 */
import { basename } from 'node:path';
import { FormData, request } from 'undici';

import type { RequestLogEntry } from '../emulator';
import { readExecution, waitForExecution, type StoredExecution } from '../queue/executions';
import { Expectations } from '../queue/scenario';
import { pngInfo } from './cms';
import {
	binaryBytes,
	nodeOutput,
	readWorkflow,
	TRIGGER_NODE_TYPE,
	NODE_TYPE,
	type Item,
	type N8nInstall,
	type WorkflowJson,
	type WorkflowNode,
} from './n8n';
import { exampleFiles, exampleWorkflowId } from './stage';
import { freePort, startManualRun, startN8n, waitForExecutionEnd, type StartedN8n } from './start';

export interface ScenarioResult {
	name: string;
	failures: string[];
	measured: string[];
	ms: number;
}

const BATCH_ID = 'e2eCallbackBatch';
const POLL_TWIN_ID = 'e2ePollBatch0001';
const WAIT_LIMIT_ID = 'e2eWaitLimit0001';
const LOST_CALLBACK_ID = 'e2eLostCallback1';
/** The lost-callback scenario's Callback Wait Limit: longer than n8n's restart, so the limit ends with n8n up. */
const LOST_CALLBACK_LIMIT_SECONDS = 45;
const SUBMITTER_ID = 'e2eFireAndForget';
const BATCH_SIZE = 50;
const TRIGGERED_PROMPTS = 3;
/** Short enough to keep the run fast, long enough for the park to be stored first. */
const WAIT_LIMIT_SECONDS = 15;
const TRIGGER_STATE = 'e2e-trigger';

const manualTrigger: WorkflowNode = { parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] };

function promptsNode(prompt: string, count: number): WorkflowNode {
	return {
		parameters: { jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { prompt: ${JSON.stringify(prompt)} + (i + 1) } }));` },
		name: 'Prompts',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
	};
}

function imagineNode(parameters: Record<string, unknown>): WorkflowNode {
	return { parameters: { resource: 'image', operation: 'imagine', prompt: '={{ $json.prompt }}', ...parameters }, name: 'Imagine', type: NODE_TYPE, typeVersion: 1, position: [400, 0] };
}

const line = (...names: string[]) =>
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** Start → fifty prompts → Imagine (in the given Wait Mode) → Next. */
function batchWorkflow(id: string, waitMode: 'callback' | 'poll'): WorkflowJson {
	return {
		id,
		name: `e2e ${waitMode} batch`,
		nodes: [
			manualTrigger,
			promptsNode('a lighthouse, study ', BATCH_SIZE),
			// Every prompt in flight at once in both modes, so Poll mode sees the same queue answers.
			imagineNode({ options: { maxConcurrency: BATCH_SIZE }, waitingOptions: { waitMode, timeout: 600 } }),
			{ parameters: {}, name: 'Next', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0] },
		],
		connections: line('Start', 'Prompts', 'Imagine', 'Next'),
		settings: { executionOrder: 'v1' },
	};
}

function exampleFile(name: string): string {
	const file = exampleFiles().find((candidate) => basename(candidate) === name);
	if (!file) throw new Error(`the example ${name} is missing`);
	return file;
}

/** The example callback-wait-fetch with a short wait limit. */
function waitLimitWorkflow(): WorkflowJson {
	const workflow = readWorkflow(exampleFile('callback-wait-fetch.json'));
	for (const node of workflow.nodes) {
		const waiting = node.parameters.waitingOptions as Record<string, unknown> | undefined;
		if (waiting?.waitMode === 'callback') waiting.callbackWaitLimit = WAIT_LIMIT_SECONDS;
	}
	return { ...workflow, id: WAIT_LIMIT_ID, name: `${workflow.name} (e2e: ${WAIT_LIMIT_SECONDS} s wait limit)` };
}

/** The example as shipped, its Callback Wait Limit scaled down and three prompts. */
function lostCallbackWorkflow(): WorkflowJson {
	const workflow = readWorkflow(exampleFile('callback-wait-fetch.json'));
	for (const node of workflow.nodes) {
		const waiting = node.parameters.waitingOptions as Record<string, unknown> | undefined;
		if (waiting?.waitMode === 'callback') {
			waiting.callbackWaitLimit = LOST_CALLBACK_LIMIT_SECONDS;
			node.parameters.prompt = '={{ $json.prompt }}';
		}
	}
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')!;
	const imagine = workflow.nodes.find((node) => (node.parameters.waitingOptions as Record<string, unknown> | undefined)?.waitMode === 'callback')!;
	const prompts = promptsNode('a harbour at night, study ', 3);
	const connections = { ...workflow.connections, [trigger.name]: { main: [[{ node: prompts.name, type: 'main', index: 0 }]] }, [prompts.name]: { main: [[{ node: imagine.name, type: 'main', index: 0 }]] } };
	return { ...workflow, id: LOST_CALLBACK_ID, name: `${workflow.name} (e2e: lost callbacks)`, nodes: [...workflow.nodes, prompts], connections };
}

/** Fire and forget: three prompts submitted with Wait for Completion off and the trigger's URL as Notify Hook. */
function submitterWorkflow(notifyHook: string): WorkflowJson {
	return {
		id: SUBMITTER_ID,
		name: 'e2e fire and forget (feeds the Midjourney Trigger)',
		nodes: [manualTrigger, promptsNode('a fox, sketch ', TRIGGERED_PROMPTS), imagineNode({ waitForCompletion: false, options: { notifyHook, state: TRIGGER_STATE } })],
		connections: line('Start', 'Prompts', 'Imagine'),
		settings: { executionOrder: 'v1' },
	};
}

// ---- helpers ----------------------------------------------------------------------------------------

const ENDED = (execution: StoredExecution) => !['new', 'running', 'unread'].includes(execution.status) && !execution.status.startsWith('HTTP');
const PARKED_OR_ENDED = (execution: StoredExecution) => execution.status === 'waiting' || ENDED(execution);

/** Status requests (fetch, list-by-condition) that read one of these tasks. */
function readsOf(requests: RequestLogEntry[], taskIds: string[]): RequestLogEntry[] {
	return requests.filter((entry) => {
		if (entry.kind === 'fetch') return taskIds.some((id) => entry.path.includes(`/${id}/`));
		if (entry.kind !== 'list') return false;
		const ids = (entry.body as { ids?: unknown } | undefined)?.ids;
		return Array.isArray(ids) && ids.some((id) => taskIds.includes(String(id)));
	});
}

/** prompt → the id of the task its accepted submit created, for the submits from `from` on. */
function createdByPrompt(requests: RequestLogEntry[], from = 0): Map<string, string> {
	const created = new Map<string, string>();
	for (const entry of requests.slice(from)) {
		if (entry.kind !== 'submit-imagine' || !entry.createdTaskId) continue;
		created.set(String((entry.body as { prompt?: unknown }).prompt), entry.createdTaskId);
	}
	return created;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return true;
}

/** The ids of a workflow's executions, newest first, as the editor lists them. */
async function executionsOf(n8n: StartedN8n, workflowId: string): Promise<Array<{ id: string; status: string }>> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await request(`${n8n.base}/rest/executions?filter=${filter}&limit=50`, { headers: { cookie: n8n.cookie } });
	const body = (await res.body.json()) as { data?: { results?: Array<{ id: string | number; status: string }> } };
	return (body.data?.results ?? []).map((entry) => ({ id: String(entry.id), status: entry.status }));
}

/** What identifies an item apart from ids and times: for comparing Callback with Poll items. */
const shape = (item: Item) => JSON.stringify({
	keys: Object.keys(item.json).sort(),
	status: item.json.status,
	prompt: item.json.prompt,
	pairedItem: item.pairedItem,
	binary: Object.keys(item.binary ?? {}),
});

// ---- the scenarios ------------------------------------------------------------------------------------

interface Run {
	n8n: StartedN8n;
	/** the emulator's notifyHook lines (deliveries that failed or were answered >= 300) */
	hookLines: string[];
	productionUrl: string;
}

/**
 * The execution parked with dropped callbacks (before the batch, so that no callback of the
 * batch is dropped): its wait limit ends after the restart, so n8n's wait tracker finds it
 * in the database on start.
 */
interface ParkedWithoutCallbacks {
	id: string;
	taskIds: string[];
	parkedAt: number;
}

async function parkWithDroppedCallbacks(run: Run, expect: Expectations): Promise<ParkedWithoutCallbacks> {
	const { n8n } = run;
	const emulator = n8n.stage.emulator;
	emulator.setOptions({ hookFaults: { drop: 'all' }, taskDurationMs: 4000 });
	const id = await startManualRun(n8n.base, n8n.cookie, { id: WAIT_LIMIT_ID, nodes: waitLimitWorkflow().nodes });
	const parked = await waitForExecution(n8n, id, PARKED_OR_ENDED, 90_000, 200);
	const parkedAt = Date.now();
	expect.that(parked.status === 'waiting', `wait limit: execution ${id} did not park (status ${parked.status})`);
	const taskIds = [...createdByPrompt(emulator.requests).values()];
	// The task ends while the execution waits; none of its callbacks is sent.
	await emulator.waitForIdle(60_000);
	emulator.setOptions({ hookFaults: {}, taskDurationMs: 1500 });
	return { id, taskIds, parkedAt };
}

async function parkedBatchAcrossRestart(run: Run, expect: Expectations) {
	const { n8n } = run;
	const emulator = n8n.stage.emulator;
	// The account runs nothing for now: the tasks wait in its queue until n8n is back.
	emulator.setOptions({ concurrency: 0, queueSize: 2 * BATCH_SIZE });
	const submitsBefore = emulator.requests.length;
	const id = await startManualRun(n8n.base, n8n.cookie, { id: BATCH_ID, nodes: batchWorkflow(BATCH_ID, 'callback').nodes });
	const parked = await waitForExecution(n8n, id, PARKED_OR_ENDED, 90_000, 200);
	const parkedAt = Date.now();
	expect.that(parked.status === 'waiting', `execution ${id} did not park (status ${parked.status})`);
	const created = createdByPrompt(emulator.requests, submitsBefore);
	const taskIds = [...created.values()];
	expect.that(taskIds.length === BATCH_SIZE, `the emulator created ${taskIds.length} tasks for ${BATCH_SIZE} prompts`);
	const prompts = Array.from({ length: BATCH_SIZE }, (_, i) => `a lighthouse, study ${i + 1}`);
	// The parked items (what the wait limit would pass on): each prompt's task id, in input order.
	const parkedItems = parked.execution ? nodeOutput(parked.execution, 'Imagine') : [];
	expect.that(
		parkedItems.length === BATCH_SIZE &&
			parkedItems.every((item, index) => item.json.taskId === created.get(prompts[index]) && item.json.waitEndedWithoutCallback === true),
		`parked items ${JSON.stringify(parkedItems.map((item) => [item.json.taskId, item.json.status, item.json.waitEndedWithoutCallback]))}`,
	);
	const resumeUrls = new Set(taskIds.map((taskId) => emulator.tasks.get(taskId)?.notifyHook));
	const [resumeUrl] = resumeUrls;
	expect.that(resumeUrls.size === 1 && resumeUrl?.includes(`/webhook-waiting/${id}`), `notifyHooks ${[...resumeUrls].join(', ')}`);

	const restartStarted = Date.now();
	await n8n.restart();
	const restartMs = Date.now() - restartStarted;
	expect.that(
		taskIds.every((taskId) => emulator.tasks.get(taskId)?.status === 'NOT_START'),
		'a task of the batch ran before n8n was back',
	);
	const stillWaiting = await readExecution(n8n, id);
	expect.that(stillWaiting.status === 'waiting', `after the restart the execution is ${stillWaiting.status}, not waiting`);
	emulator.setOptions({ concurrency: BATCH_SIZE });

	const status = await waitForExecutionEnd(n8n.base, n8n.cookie, id, 120_000);
	expect.that(status === 'success', `execution ${id} ended ${status}`);
	const resumed = await readExecution(n8n, id);
	const items = resumed.execution ? nodeOutput(resumed.execution, 'Imagine') : [];
	expect.that(
		items.map((item) => item.json.prompt).join('|') === prompts.join('|'),
		`resumed items' prompts ${items.map((item) => item.json.prompt).join(', ')}`,
	);
	for (const [index, item] of items.entries()) {
		const task = emulator.tasks.get(String(item.json.taskId));
		expect.that(
			item.json.taskId === created.get(prompts[index]) && item.json.status === 'SUCCESS' && task?.status === 'SUCCESS',
			`item ${index}: task ${item.json.taskId} ${item.json.status} (created ${created.get(prompts[index])})`,
		);
		expect.that(item.json.imageUrl === task?.imageUrl && typeof item.json.U1 === 'string', `item ${index}: imageUrl or U1 not the task's`);
		expect.that(JSON.stringify(item.pairedItem) === JSON.stringify({ item: index }), `item ${index}: pairedItem ${JSON.stringify(item.pairedItem)}`);
		expect.that(item.json.waitEndedWithoutCallback === undefined, `item ${index} still says waitEndedWithoutCallback`);
	}
	const runs = resumed.execution?.data.resultData.runData ?? {};
	expect.that(runs.Imagine?.length === 1 && runs.Next?.length === 1, `runs: Imagine ${runs.Imagine?.length}, Next ${runs.Next?.length} (resumed more than once?)`);
	expect.that(nodeOutput(resumed.execution!, 'Next').length === BATCH_SIZE, `Next did not get the ${BATCH_SIZE} items`);

	// No status request between the park and the final callbacks; each final callback reads the batch once.
	await emulator.waitForIdle(30_000);
	const firstFinal = Math.min(...taskIds.map((taskId) => emulator.tasks.get(taskId)?.finishTime ?? Infinity));
	const reads = readsOf(emulator.requests, taskIds).filter((entry) => entry.at >= parkedAt);
	const early = reads.filter((entry) => entry.at < firstFinal);
	expect.that(early.length === 0, `${early.length} status request(s) between the park and the first final callback`);
	expect.that(reads.length <= BATCH_SIZE, `${reads.length} status requests after the park for ${BATCH_SIZE} final callbacks`);
	const refused = run.hookLines.filter((entry) => entry.includes(`/webhook-waiting/${id}`) && / (40[0-8]|5\d\d)$/.test(entry));
	expect.that(refused.length === 0, `callbacks refused: ${refused.slice(0, 3).join('; ')}`);

	// Poll mode, under the same queue, gives the same items.
	emulator.setOptions({ concurrency: 0 });
	const tasksBefore = emulator.createdTaskIds().length;
	const pollId = await startManualRun(n8n.base, n8n.cookie, { id: POLL_TWIN_ID, nodes: batchWorkflow(POLL_TWIN_ID, 'poll').nodes });
	await waitUntil(() => emulator.createdTaskIds().length >= tasksBefore + BATCH_SIZE, 60_000);
	emulator.setOptions({ concurrency: BATCH_SIZE });
	const pollStatus = await waitForExecutionEnd(n8n.base, n8n.cookie, pollId, 120_000);
	const polled = await readExecution(n8n, pollId);
	const pollItems = polled.execution ? nodeOutput(polled.execution, 'Imagine') : [];
	expect.that(pollStatus === 'success' && pollItems.length === BATCH_SIZE, `Poll twin: ${pollStatus}, ${pollItems.length} items`);
	expect.that(
		items.map(shape).join('\n') === pollItems.map(shape).join('\n'),
		`Callback items differ from Poll items:\n${items.map(shape).join('\n')}\nvs\n${pollItems.map(shape).join('\n')}`,
	);

	const signed = resumeUrl ? new URL(resumeUrl).searchParams.has('signature') : false;
	expect.measure(
		`${BATCH_SIZE} prompts parked; n8n restarted in ${(restartMs / 1000).toFixed(1)} s; resumed by callbacks ` +
			`${((Date.now() - parkedAt) / 1000).toFixed(1)} s after the park; ${early.length} status requests between park and callbacks, ` +
			`${reads.length} after them (the resume's reads); resume URL ${signed ? 'with' : 'without'} a signature: ` +
			`${resumeUrl?.replace(/signature=[^&]+/, 'signature=…')}`,
	);
}

async function waitLimitPassesParkedItems(run: Run, expect: Expectations, waitLimit: ParkedWithoutCallbacks) {
	const { n8n } = run;
	const emulator = n8n.stage.emulator;
	const { id, taskIds } = waitLimit;
	const status = await waitForExecutionEnd(n8n.base, n8n.cookie, id, 150_000);
	expect.that(status === 'success', `execution ${id} ended ${status}`);
	const ended = await readExecution(n8n, id);
	const execution = ended.execution;
	if (!expect.that(execution, `execution ${id} has no data`)) return;
	const passedOn = nodeOutput(execution!, 'Imagine (callback)');
	expect.that(
		passedOn.length === 1 && passedOn[0].json.taskId === taskIds[0] && passedOn[0].json.waitEndedWithoutCallback === true,
		`at the wait limit Imagine (callback) passed on ${JSON.stringify(passedOn.map((item) => item.json))}`,
	);
	expect.that(['SUBMITTED', 'NOT_START'].includes(String(passedOn[0]?.json.status)), `passed-on status ${passedOn[0]?.json.status}`);
	expect.that(nodeOutput(execution!, 'Ended without callback?', 0).length === 1, 'the IF did not send the item to Fetch');
	const fetched = nodeOutput(execution!, 'Fetch the tasks');
	expect.that(
		fetched.length === 1 && fetched[0].json.taskId === taskIds[0] && fetched[0].json.status === 'SUCCESS',
		`Fetch the tasks: ${JSON.stringify(fetched.map((item) => [item.json.taskId, item.json.status]))}`,
	);
	expect.that(emulator.tasks.get(taskIds[0])?.status === 'SUCCESS', 'the emulator task did not succeed');
	const delivered = run.hookLines.filter((entry) => entry.includes(`/webhook-waiting/${id}`));
	expect.that(delivered.length === 0, `callbacks reached the execution despite the drop: ${delivered.join('; ')}`);
	const waitedSeconds = ((Date.now() - waitLimit.parkedAt) / 1000).toFixed(1);
	expect.measure(
		`wait limit ${WAIT_LIMIT_SECONDS} s, every callback dropped, n8n restarted meanwhile: resumed by n8n's wait tracker ` +
			`(ended within ${waitedSeconds} s of the park), the parked item went on, Fetch read SUCCESS`,
	);
}

/** The Fetch branch's poll interval in the example. */
function examplePollSeconds(): number {
	const fetchNode = lostCallbackWorkflow().nodes.find((node) => node.parameters.operation === 'fetch');
	return Number((fetchNode?.parameters.waitingOptions as Record<string, unknown> | undefined)?.pollInterval ?? 5);
}

async function lostCallbacksRecovered(run: Run, expect: Expectations) {
	const { n8n } = run;
	const emulator = n8n.stage.emulator;
	// The account runs nothing until n8n is down: every final callback is then sent to a stopped n8n.
	emulator.setOptions({ concurrency: 0, queueSize: 10, hookFaults: {} });
	const submitsBefore = emulator.requests.length;
	const id = await startManualRun(n8n.base, n8n.cookie, { id: LOST_CALLBACK_ID, nodes: lostCallbackWorkflow().nodes });
	const parked = await waitForExecution(n8n, id, PARKED_OR_ENDED, 90_000, 200);
	const parkedAt = Date.now();
	if (!expect.that(parked.status === 'waiting', `lost callback: execution ${id} did not park (status ${parked.status})`)) return;
	const taskIds = [...createdByPrompt(emulator.requests, submitsBefore).values()];
	expect.that(taskIds.length === 3, `${taskIds.length} tasks created for 3 prompts`);
	const failedBefore = run.hookLines.filter((entry) => entry.includes(`/webhook-waiting/${id}`) && entry.includes('failed')).length;
	let backAt = 0;
	await n8n.restart(async () => {
		emulator.setOptions({ concurrency: 3 });
		await emulator.waitForIdle(60_000);
		// Let the last callbacks be tried (and refused) before n8n is back.
		await new Promise((resolve) => setTimeout(resolve, 500));
	});
	backAt = Date.now();
	const lost = run.hookLines.filter((entry) => entry.includes(`/webhook-waiting/${id}`) && entry.includes('failed')).length - failedBefore;
	expect.that(lost >= 3, `only ${lost} callbacks failed while n8n was down (the final ones should all have)`);
	expect.that(taskIds.every((taskId) => emulator.tasks.get(taskId)?.status === 'SUCCESS'), 'a task had not ended while n8n was down');
	const stillWaiting = await readExecution(n8n, id);
	expect.that(stillWaiting.status === 'waiting', `after the restart the execution is ${stillWaiting.status}, not waiting`);

	const status = await waitForExecutionEnd(n8n.base, n8n.cookie, id, (LOST_CALLBACK_LIMIT_SECONDS + 90) * 1000);
	const endedAt = Date.now();
	expect.that(status === 'success', `execution ${id} ended ${status}`);
	const ended = await readExecution(n8n, id);
	const fetched = ended.execution ? nodeOutput(ended.execution, 'Fetch the tasks') : [];
	expect.that(
		fetched.length === 3 &&
			fetched.map((item) => String(item.json.taskId)).sort().join() === [...taskIds].sort().join() &&
			fetched.every((item) => item.json.status === 'SUCCESS' && typeof item.json.imageUrl === 'string'),
		`Fetch the tasks: ${JSON.stringify(fetched.map((item) => [item.json.taskId, item.json.status]))}; created ${taskIds.join(', ')}`,
	);
	const submits = emulator.requests.slice(submitsBefore).filter((entry) => entry.kind === 'submit-imagine');
	expect.that(submits.length === 3, `${submits.length} submits for 3 prompts (submitted twice?)`);
	const limitEnd = Math.max(parkedAt + LOST_CALLBACK_LIMIT_SECONDS * 1000, backAt);
	const lateMs = endedAt - limitEnd;
	const pollSeconds = examplePollSeconds();
	// n8n's wait tracker resumes within a second or so of the limit; the Fetch branch then needs at most one poll.
	expect.that(lateMs <= (pollSeconds + 5) * 1000, `results ${(lateMs / 1000).toFixed(1)} s after the wait limit (poll interval ${pollSeconds} s)`);
	expect.measure(
		`n8n stopped while 3 tasks ended: ${lost} callbacks refused; Callback Wait Limit ${LOST_CALLBACK_LIMIT_SECONDS} s (Timeout 1800 s): ` +
			`the Fetch branch had the 3 results ${(lateMs / 1000).toFixed(1)} s after the limit (poll interval ${pollSeconds} s), ${submits.length} submits`,
	);
}

async function triggerRunsPerTask(run: Run, expect: Expectations, triggerWorkflowId: string) {
	const { n8n, productionUrl } = run;
	const emulator = n8n.stage.emulator;
	const submitsBefore = emulator.requests.length;
	const submitId = await startManualRun(n8n.base, n8n.cookie, { id: SUBMITTER_ID, nodes: submitterWorkflow(productionUrl).nodes });
	const submitStatus = await waitForExecutionEnd(n8n.base, n8n.cookie, submitId, 60_000);
	expect.that(submitStatus === 'success', `the submitting execution ended ${submitStatus}`);
	const taskIds = [...createdByPrompt(emulator.requests, submitsBefore).values()];
	expect.that(taskIds.length === TRIGGERED_PROMPTS, `${taskIds.length} tasks created for ${TRIGGERED_PROMPTS} prompts`);
	await emulator.waitForIdle(60_000);

	let executions: Array<{ id: string; status: string }> = [];
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		executions = await executionsOf(n8n, triggerWorkflowId);
		if (executions.length >= TRIGGERED_PROMPTS && executions.every((execution) => !['new', 'running'].includes(execution.status))) break;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	expect.that(executions.length === TRIGGERED_PROMPTS, `the trigger started ${executions.length} executions for ${TRIGGERED_PROMPTS} finished tasks`);
	const seen: string[] = [];
	for (const { id } of executions) {
		const stored = await readExecution(n8n, id);
		const emitted = stored.execution ? nodeOutput(stored.execution, 'On finished task') : [];
		const item = emitted[0];
		expect.that(stored.status === 'success' && emitted.length === 1, `trigger execution ${id}: ${stored.status}, ${emitted.length} items`);
		if (!item) continue;
		seen.push(String(item.json.taskId));
		const task = emulator.tasks.get(String(item.json.taskId));
		expect.that(item.json.status === 'SUCCESS' && item.json.state === TRIGGER_STATE, `trigger item ${item.json.taskId}: ${item.json.status}, state ${item.json.state}`);
		expect.that(
			typeof item.json.U1 === 'string' && item.json.U1 === task?.buttons.find((button) => button.label === 'U1')?.customId && Array.isArray(item.json.actions),
			`trigger item ${item.json.taskId}: split buttons missing (U1 ${item.json.U1})`,
		);
		const binary = item.binary?.data;
		const bytes = binaryBytes(binary);
		expect.that(binary?.mimeType === 'image/png' && (!bytes || pngInfo(bytes)), `trigger item ${item.json.taskId}: no PNG in binary "data"`);
		expect.that(nodeOutput(stored.execution!, 'Your upload here').length === 1, `trigger execution ${id}: the next node did not run`);
	}
	expect.that(seen.sort().join() === [...taskIds].sort().join(), `trigger executions for ${seen.join(', ')}; submitted ${taskIds.join(', ')}`);

	// A forged call: an id the API does not know is answered 404 and starts nothing.
	const forged = await request(productionUrl, {
		method: 'POST',
		body: JSON.stringify({ id: '1234567890123456', status: 'SUCCESS', imageUrl: 'http://127.0.0.1:1/evil.png' }),
		headers: { 'content-type': 'application/json' },
	});
	await forged.body.dump();
	expect.that(forged.statusCode === 404, `a forged callback was answered ${forged.statusCode}`);
	const after = await executionsOf(n8n, triggerWorkflowId);
	expect.that(after.length === executions.length, `the forged callback started an execution (${after.length})`);
	expect.measure(`${TRIGGERED_PROMPTS} fire-and-forget tasks → ${executions.length} trigger executions at ${productionUrl.replace(/\/webhook\/.*/, '/webhook/…')}; forged call answered ${forged.statusCode}`);
}

async function personChoosesPicture(run: Run, expect: Expectations) {
	const { n8n } = run;
	const emulator = n8n.stage.emulator;
	const file = exampleFile('person-chooses-upscale.json');
	const workflow = readWorkflow(file);
	const started = Date.now();
	const id = await startManualRun(n8n.base, n8n.cookie, { id: exampleWorkflowId(file), nodes: workflow.nodes });
	// Parked with its data stored (the status can say "waiting" a moment before the data is there).
	const atTheForm = (execution: StoredExecution) =>
		execution.status === 'waiting'
			? execution.execution !== undefined && nodeOutput(execution.execution, 'Link for the reviewer').length > 0
			: ENDED(execution);
	const parked = await waitForExecution(n8n, id, atTheForm, 90_000, 200);
	if (!expect.that(parked.status === 'waiting' && parked.execution, `the execution did not wait for the form (status ${parked.status}, data ${parked.execution ? 'stored' : 'missing'})`)) return;
	const imagined = nodeOutput(parked.execution!, 'Imagine four pictures')[0]?.json;
	const grid = emulator.tasks.get(String(imagined?.taskId));
	expect.that(grid?.status === 'SUCCESS' && grid.prompt.endsWith('--v 7 --ar 1:1'), `grid task ${imagined?.taskId}: ${grid?.status}, prompt ${grid?.prompt}`);
	const formUrl = String(nodeOutput(parked.execution!, 'Link for the reviewer')[0]?.json.formUrl ?? '');
	if (!expect.that(formUrl.includes(`/form-waiting/${id}`), `the form link is ${formUrl}`)) return;

	// The reviewer opens the link: the form shows the pictures.
	const page = await request(formUrl);
	const html = await page.body.text();
	expect.that(page.statusCode === 200 && html.includes('Which picture should we publish?'), `GET form: HTTP ${page.statusCode}`);
	const shown = grid?.imageUrls?.length ? grid.imageUrls.map((picture) => picture.url) : [grid?.imageUrl ?? '?'];
	expect.that(shown.every((url) => html.includes(url.replace(/&/g, '&amp;'))), `the form does not show the pictures ${shown.join(', ')}`);
	const chosen = 3;
	const answer = new FormData();
	answer.append('field-0', String(chosen));
	const posted = await request(formUrl, { method: 'POST', body: answer });
	const postedText = await posted.body.text();
	expect.that(posted.statusCode === 200, `POST form: HTTP ${posted.statusCode} ${postedText.slice(0, 200)}`);

	const status = await waitForExecutionEnd(n8n.base, n8n.cookie, id, 120_000);
	expect.that(status === 'success', `execution ${id} ended ${status}`);
	const ended = await readExecution(n8n, id);
	const delivered = ended.execution ? nodeOutput(ended.execution, 'Deliver the picture') : [];
	const upscale = delivered[0];
	const task = emulator.tasks.get(String(upscale?.json.taskId));
	const pressed = grid?.buttons.find((button) => button.customId === task?.customId)?.label;
	expect.that(
		delivered.length === 1 && upscale?.json.action === 'UPSCALE' && pressed === `U${chosen}` && task?.parentId === grid?.id,
		`delivered ${delivered.length} item(s): ${upscale?.json.action} of ${task?.parentId} by ${pressed}`,
	);
	const bytes = binaryBytes(upscale?.binary?.data);
	const png = bytes ? pngInfo(bytes) : undefined;
	expect.that(upscale?.binary?.data?.mimeType === 'image/png' && (!bytes || png), 'the delivered item has no PNG in binary "data"');
	expect.measure(
		`grid shown in n8n's form (${shown.length === 4 ? 'four pictures' : 'the grid'}), picture ${chosen} chosen over HTTP, ` +
			`U${chosen} pressed and the upscale delivered${png ? ` (${png.width}x${png.height} PNG)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
	);
}

// ---- the run ----------------------------------------------------------------------------------------

const SCENARIOS = {
	parked: 'Callback mode: 50 prompts parked, n8n restarted mid-wait, resumed by callbacks (same items as Poll, zero polls)',
	waitLimit: 'Callback mode: wait limit with callbacks dropped → parked items with task ids → Fetch reads SUCCESS',
	lostCallback: 'Callback mode: n8n down while the final callbacks are sent → at the Callback Wait Limit the Fetch branch recovers within one poll interval',
	trigger: 'Midjourney Trigger: active workflow, one execution per finished fire-and-forget task',
	person: "A person chooses: the grid in n8n's Wait form, answered over HTTP, U pressed, upscale delivered",
};

/** Names of the scenarios, for run.ts's --only. */
export const CALLBACK_SCENARIO_NAMES = Object.values(SCENARIOS);

export async function runCallbackScenarios(install: N8nInstall, log: (line: string) => void): Promise<ScenarioResult[]> {
	const triggerFile = exampleFile('trigger-fire-and-forget.json');
	const triggerWorkflowId = exampleWorkflowId(triggerFile);
	const webhookId = readWorkflow(triggerFile).nodes.find((node) => node.type === TRIGGER_NODE_TYPE)?.webhookId;
	const port = await freePort();
	const productionUrl = `http://127.0.0.1:${port}/webhook/${String(webhookId)}/midjourney`;
	const hookLines: string[] = [];
	const started = Date.now();
	const n8n = await startN8n({
		install,
		n8nPort: port,
		quiet: true,
		taskDurationMs: 1500,
		extraWorkflows: [batchWorkflow(BATCH_ID, 'callback'), batchWorkflow(POLL_TWIN_ID, 'poll'), waitLimitWorkflow(), lostCallbackWorkflow(), submitterWorkflow(productionUrl)],
		activate: [triggerWorkflowId],
		emulatorLog: (entry) => {
			if (entry.startsWith('notifyHook')) hookLines.push(entry);
		},
		log,
		userFolderPrefix: 'n8n-e2e-callback-',
	});
	log(`n8n ${install.version} up at ${n8n.base} in ${((Date.now() - started) / 1000).toFixed(1)} s, trigger ${triggerWorkflowId} active`);
	const run: Run = { n8n, hookLines, productionUrl };
	const results: ScenarioResult[] = [];
	const scenario = async (name: string, body: (expect: Expectations) => Promise<void>) => {
		const expect = new Expectations();
		const scenarioStarted = Date.now();
		try {
			await body(expect);
		} catch (error) {
			expect.that(false, `crashed: ${(error as Error).stack ?? error}`);
		}
		if (expect.failures.length) expect.measure(`n8n's output (last lines):\n${n8n.output()}`);
		results.push({ name, failures: expect.failures, measured: expect.measured, ms: Date.now() - scenarioStarted });
	};
	try {
		n8n.stage.emulator.reset();
		let waitLimit: ParkedWithoutCallbacks = { id: '', taskIds: [], parkedAt: 0 };
		const waitLimitSetup = new Expectations();
		try {
			waitLimit = await parkWithDroppedCallbacks(run, waitLimitSetup);
		} catch (error) {
			waitLimitSetup.that(false, `parking with dropped callbacks crashed: ${(error as Error).message}`);
		}
		await scenario(SCENARIOS.parked, async (expect) => await parkedBatchAcrossRestart(run, expect));
		await scenario(SCENARIOS.waitLimit, async (expect) => {
			expect.failures.push(...waitLimitSetup.failures);
			if (waitLimit.id) await waitLimitPassesParkedItems(run, expect, waitLimit);
		});
		await scenario(SCENARIOS.lostCallback, async (expect) => await lostCallbacksRecovered(run, expect));
		await scenario(SCENARIOS.trigger, async (expect) => await triggerRunsPerTask(run, expect, triggerWorkflowId));
		await scenario(SCENARIOS.person, async (expect) => await personChoosesPicture(run, expect));
	} finally {
		await n8n.stop();
	}
	return results;
}
