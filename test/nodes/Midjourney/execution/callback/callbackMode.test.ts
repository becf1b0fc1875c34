/**
 * Wait Mode "Callback" at workflow level: the Midjourney node parks the
 * execution (n8n-core's putExecutionToWait; the harness keeps it as JSON, as
 * n8n's database does), the emulator calls the resume URL, the node's
 * webhook resumes the execution. Every resume parses the stored JSON again,
 * as after an n8n restart.
 */
import { request } from 'undici';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { chain, midjourneyNode, optionParameters, runWorkflow, type WorkflowResult } from '../../../../harness';
import { WaitingExecutions } from '../../../../harness/waiting';
import { FAST, SECRET_KEY, everythingVisible, useEmulator } from '../../emulatorSetup';

const api = useEmulator({ taskDurationMs: 300, concurrency: 30, queueSize: 30 });
const waiting = new WaitingExecutions();
beforeAll(async () => await waiting.start());
afterAll(async () => await waiting.close());

const CALLBACK: IDataObject = { ...FAST, waitMode: 'callback' };
const prompts = (count: number) => Array.from({ length: count }, (_, index) => `a lighthouse, study ${index + 1}`);

function imagineThenNext(options: IDataObject, extra: IDataObject = {}) {
	return chain(
		midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', ...optionParameters(options) }, extra),
		{ name: 'Next', type: 'n8n-nodes-base.noOp', parameters: {} },
	);
}

async function park(count: number, options: IDataObject = CALLBACK, extra: IDataObject = {}): Promise<WorkflowResult> {
	return await waiting.run(imagineThenNext(options, extra), {
		credentials: api.credentials(),
		triggerItems: prompts(count).map((prompt) => ({ json: { prompt } })),
	});
}

const polls = () => api.emulator.requests.filter((entry) => entry.kind === 'fetch' || entry.kind === 'list');
const callsTo = (executionId: string, statusCode: number) =>
	waiting.calls.filter((call) => call.executionId === executionId && call.statusCode === statusCode).length;
/** What identifies a task's item apart from its id and times: for comparing Callback with Poll items. */
const shape = (item: INodeExecutionData) => ({
	keys: Object.keys(item.json).sort(),
	status: item.json.status,
	prompt: item.json.prompt,
	pairedItem: item.pairedItem,
	binary: Object.keys(item.binary ?? {}),
});

describe('Wait Mode "Callback"', () => {
	it('parks the execution, makes no poll while waiting and resumes with the items Poll mode gives', async () => {
		const parked = await park(3);
		expect(parked.run.status).toBe('waiting');
		expect(parked.executed).toEqual(['Start', 'Imagine']);
		const parkedItems = parked.output('Imagine');
		expect(parkedItems.map((item) => [item.json.status, item.json.waitEndedWithoutCallback, item.pairedItem])).toEqual([
			['SUBMITTED', true, { item: 0 }],
			['SUBMITTED', true, { item: 1 }],
			['SUBMITTED', true, { item: 2 }],
		]);
		expect(parkedItems.map((item) => item.json.taskId)).toEqual(api.emulator.createdTaskIds());
		const readsAtPark = polls().length;

		const resumed = await waiting.ended(parked.executionId);
		expect(resumed.run.status).toBe('success');
		expect(resumed.executed).toEqual(['Imagine', 'Next']);
		// No status request while waiting: only the one read before parking and one per final callback.
		const finalCallbacks = callsTo(parked.executionId, 200);
		expect(readsAtPark).toBe(1);
		expect(polls().length - readsAtPark).toBeLessThanOrEqual(3);
		expect(finalCallbacks).toBeGreaterThan(0);
		const items = resumed.output('Next');
		expect(items.map((item) => item.json.taskId)).toEqual(parkedItems.map((item) => item.json.taskId));

		api.emulator.reset();
		const polled = await waiting.run(imagineThenNext(FAST), {
			credentials: api.credentials(),
			triggerItems: prompts(3).map((prompt) => ({ json: { prompt } })),
		});
		expect(items.map(shape)).toEqual(polled.output('Next').map(shape));
		expect(everythingVisible(resumed)).not.toContain(SECRET_KEY);
	});

	it('a batch of 20 resumes once, with its 20 items in input order and downloads', async () => {
		const parked = await park(20, { ...CALLBACK, downloadImage: true, maxConcurrency: 20 });
		expect(parked.run.status).toBe('waiting');
		const resumed = await waiting.ended(parked.executionId);
		const items = resumed.output('Next');
		expect(items).toHaveLength(20);
		expect(items.map((item) => item.json.prompt)).toEqual(prompts(20));
		expect(items.every((item) => item.json.status === 'SUCCESS' && item.binary?.data?.mimeType === 'image/png')).toBe(true);
		expect(api.emulator.createdTaskIds()).toHaveLength(20);
		expect(resumed.executed.filter((name) => name === 'Next')).toHaveLength(1);
	});

	it('duplicate and out-of-order callbacks resume once and double nothing', async () => {
		api.emulator.setOptions({ hookFaults: { duplicate: true, reorder: true } });
		const parked = await park(4);
		const resumed = await waiting.ended(parked.executionId);
		await api.emulator.waitForIdle();
		expect(resumed.output('Next').map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
		// The callbacks after the resume found the execution running or ended (409), as n8n answers.
		expect(callsTo(parked.executionId, 409)).toBeGreaterThan(0);
		expect(api.emulator.createdTaskIds()).toHaveLength(4);
		expect(waiting.resumes(parked.executionId)).toBe(1);
	});

	it('callbacks that come before the park is stored are not lost', async () => {
		// The third submit is slow: the first task ends (and calls back) while the node still runs.
		api.emulator.setOptions({ faults: [{ target: 'submit', kind: 'slow', everyNth: 3, times: 1, delayMs: 1500 }] });
		const parked = await park(3, { ...CALLBACK, maxConcurrency: 1 });
		expect(callsTo(parked.executionId, 409)).toBeGreaterThan(0);
		const resumed = await waiting.ended(parked.executionId);
		expect(resumed.output('Next').map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
	});

	it('tasks that all end before the park: no park, the items at once', async () => {
		// The read before parking is slow: the tasks end (and call back, refused: still running) meanwhile.
		api.emulator.setOptions({ taskDurationMs: 50, faults: [{ target: 'list', kind: 'slow', times: 1, delayMs: 600 }] });
		const result = await park(2);
		expect(result.run.status).toBe('success');
		expect(callsTo(result.executionId, 409)).toBeGreaterThan(0);
		expect(result.output('Next').map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
	});

	it('a forged callback: an unknown id is answered 404, a false status changes nothing', async () => {
		api.emulator.setOptions({ taskDurationMs: 1500 });
		const parked = await park(1);
		const taskId = String(parked.output('Imagine')[0].json.taskId);
		const resumeUrl = api.emulator.tasks.get(taskId)!.notifyHook!;
		const forged = await request(resumeUrl, {
			method: 'POST',
			body: JSON.stringify({ id: '1234567890123456', status: 'SUCCESS', imageUrl: 'http://127.0.0.1:1/evil.png' }),
			headers: { 'content-type': 'application/json' },
		});
		expect(forged.statusCode).toBe(404);
		await forged.body.dump();
		const lying = await request(resumeUrl, {
			method: 'POST',
			body: JSON.stringify({ id: taskId, status: 'SUCCESS', imageUrl: 'http://127.0.0.1:1/evil.png' }),
			headers: { 'content-type': 'application/json' },
		});
		// The API says the task runs: 503, "call again" (this could be the callback that completes the batch, sent early).
		expect(lying.statusCode).toBe(503);
		await lying.body.dump();
		expect(waiting.status(parked.executionId)).toBe('waiting');
		const resumed = await waiting.ended(parked.executionId);
		const [item] = resumed.output('Next');
		expect(item.json.status).toBe('SUCCESS');
		expect(String(item.json.imageUrl)).toContain(api.url);
	});

	it('a dropped callback: at the wait limit the parked items go on, and a Fetch picks the tasks up', async () => {
		api.emulator.setOptions({ hookFaults: { drop: 'all' } });
		const workflow = chain(
			midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', waitingOptions: CALLBACK }),
			midjourneyNode('Fetch', { operation: 'fetch', taskIds: '={{ $json.taskId }}' }),
		);
		const parked = await waiting.run(workflow, {
			credentials: api.credentials(),
			triggerItems: prompts(2).map((prompt) => ({ json: { prompt } })),
		});
		expect(parked.run.status).toBe('waiting');
		await api.emulator.waitForIdle();
		expect(waiting.status(parked.executionId)).toBe('waiting');
		const resumed = await waiting.resumeAtWaitLimit(parked.executionId);
		expect(resumed.run.status).toBe('success');
		const passedOn = resumed.output('Imagine');
		expect(passedOn.map((item) => [item.json.status, item.json.waitEndedWithoutCallback])).toEqual([
			['SUBMITTED', true],
			['SUBMITTED', true],
		]);
		expect(resumed.output('Fetch').map((item) => [item.json.taskId, item.json.status])).toEqual(
			passedOn.map((item) => [item.json.taskId, 'SUCCESS']),
		);
	});

	it('a FAILURE by callback is an error item in its place', async () => {
		api.emulator.setOptions({ failPrompts: ['study 2'] });
		const parked = await park(3, CALLBACK, { onError: 'continueRegularOutput' });
		const resumed = await waiting.ended(parked.executionId);
		const items = resumed.output('Next');
		expect(items.map((item) => item.json.status ?? 'error')).toEqual(['SUCCESS', 'FAILURE', 'SUCCESS']);
		expect(String(items[1].json.error)).toContain('failed');
		expect(items[1].json.taskId).toBe(api.emulator.createdTaskIds()[1]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('MODAL by callback: a remix dialog answered at once ends by callback; one left open comes out MODAL in its place', async () => {
		const grid = await runWorkflow(chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a lighthouse', waitingOptions: FAST })), {
			credentials: api.credentials(),
		});
		const parentId = String(grid.output('Imagine')[0].json.taskId);
		const requestsBefore = api.emulator.requests.length;
		// Item 0 answers the remix dialog (Modal Prompt); item 1 leaves it open; item 2 presses U1.
		const press = midjourneyNode('Press', {
			operation: 'action',
			taskId: parentId,
			button: '={{ $json.button }}',
			actionOptions: { enableRemix: true, modalPrompt: '={{ $json.modalPrompt }}' },
			waitingOptions: CALLBACK,
		});
		const parked = await waiting.run(chain(press, { name: 'Next', type: 'n8n-nodes-base.noOp', parameters: {} }), {
			credentials: api.credentials(),
			triggerItems: [
				{ json: { button: 'V1', modalPrompt: 'a lighthouse at night' } },
				{ json: { button: 'V2', modalPrompt: '' } },
				{ json: { button: 'U1', modalPrompt: '' } },
			],
		});
		expect(parked.error?.message).toBeUndefined();
		expect(parked.run.status).toBe('waiting');
		expect(parked.output('Press').map((item) => item.json.status)).toEqual(['SUBMITTED', 'MODAL', 'SUBMITTED']);
		// Accepted submits (a modal submit answers with the MODAL task's own id: it creates none).
		const submits = (kind: string) =>
			api.emulator.requests.slice(requestsBefore).filter((entry) => entry.kind === kind && entry.status === 200);
		expect(submits('submit-action')).toHaveLength(3);
		expect(submits('submit-modal')).toHaveLength(1);

		const resumed = await waiting.ended(parked.executionId);
		expect(resumed.run.status).toBe('success');
		const items = resumed.output('Next');
		expect(items.map((item) => [item.json.status, item.json.action])).toEqual([
			['SUCCESS', 'VARIATION'],
			// As in Poll mode: the MODAL task as the submit answered it (nothing to wait for).
			['MODAL', undefined],
			['SUCCESS', 'UPSCALE'],
		]);
		expect(items[0].json.prompt).toBe('a lighthouse at night');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// The MODAL task waits for a Modal operation: its id is there to continue with.
		expect(api.emulator.tasks.get(String(items[1].json.taskId))?.status).toBe('MODAL');
		expect(waiting.resumes(parked.executionId)).toBe(1);
		// Only one more submit of each kind: the resume submitted nothing again.
		expect(submits('submit-action')).toHaveLength(3);
		expect(submits('submit-modal')).toHaveLength(1);
	});

	it('refuses items that ask for different Wait Modes, naming both items, before anything is submitted', async () => {
		const parked = await waiting.run(
			imagineThenNext({ ...FAST, waitMode: '={{ $json.mode }}' }),
			{
				credentials: api.credentials(),
				triggerItems: [
					{ json: { prompt: 'a red kite', mode: 'callback' } },
					{ json: { prompt: 'a blue kite', mode: 'poll' } },
				],
			},
		);
		expect(parked.run.status).toBe('error');
		expect(parked.error?.message).toContain('Wait Mode is poll for item 1 but callback for item 0');
		expect(parked.error?.description).toContain('Wait Mode must be the same for every item');
		expect(api.emulator.requests.filter((entry) => entry.kind === 'submit-imagine')).toHaveLength(0);
	});

	it('refuses a Notify Hook URL in Callback mode and falls back to Poll as an AI tool', async () => {
		const refused = await park(1, { ...CALLBACK, notifyHook: 'http://127.0.0.1:9/hook' });
		expect(refused.error?.message).toContain('Notify Hook URL and Wait Mode "Callback"');
		const asTool = await waiting.run(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a cat', waitingOptions: CALLBACK }, { type: 'n8n-nodes-cometapi-midjourney.midjourneyTool' })),
			{ credentials: api.credentials() },
		);
		expect(asTool.run.status).toBe('success');
		expect(asTool.output('Imagine')[0].json.status).toBe('SUCCESS');
	});

	describe('issue 20: one resume whatever process receives the callback; the lost callback recovered', () => {
		const post = async (url: string, body: IDataObject) => {
			const answer = await request(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
			return { statusCode: answer.statusCode, body: (await answer.body.json()) as IDataObject };
		};
		/** The batch's tasks as the API holds them, the last to finish last. */
		const byFinish = (ids: string[]) =>
			ids.map((id) => api.emulator.tasks.get(id)!).sort((a, b) => a.finishTime - b.finishTime || a.id.localeCompare(b.id));

		it('only the final callback of the task that ended last resumes: the others keep the execution waiting, even after every task ended', async () => {
			api.emulator.setOptions({ hookFaults: { drop: 'all' } });
			const parked = await park(3);
			await api.emulator.waitForIdle();
			const ordered = byFinish(parked.output('Imagine').map((item) => String(item.json.taskId)));
			const resumeUrl = ordered[0].notifyHook!;
			// Every task has ended, yet the callbacks of the two that ended first do not resume (another process may hold the last one).
			for (const task of ordered.slice(0, 2)) {
				const answer = await post(resumeUrl, { id: task.id, status: 'SUCCESS' });
				expect(answer.statusCode).toBe(200);
				expect(String(answer.body.message)).toContain(`task ${ordered[2].id}`);
				expect(waiting.status(parked.executionId)).toBe('waiting');
			}
			const last = await post(resumeUrl, { id: ordered[2].id, status: 'SUCCESS' });
			expect(last.statusCode).toBe(200);
			const resumed = await waiting.ended(parked.executionId);
			expect(resumed.output('Next').map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
			expect(waiting.resumes(parked.executionId)).toBe(1);
		});

		it('a final callback the node could not act on (the API unreadable) is answered 503, inviting a retry that resumes', async () => {
			api.emulator.setOptions({ hookFaults: { drop: 'all' } });
			const parked = await park(1);
			await api.emulator.waitForIdle();
			const taskId = String(parked.output('Imagine')[0].json.taskId);
			const resumeUrl = api.emulator.tasks.get(taskId)!.notifyHook!;
			api.emulator.setOptions({ faults: [{ target: 'list', kind: '500', times: 1 }] });
			const refused = await post(resumeUrl, { id: taskId, status: 'SUCCESS' });
			expect(refused.statusCode).toBe(503);
			expect(waiting.status(parked.executionId)).toBe('waiting');
			const retried = await post(resumeUrl, { id: taskId, status: 'SUCCESS' });
			expect(retried.statusCode).toBe(200);
			expect((await waiting.ended(parked.executionId)).output('Next')[0].json.status).toBe('SUCCESS');
		});

		it('Callback Wait Limit: the park ends at the limit, not the Timeout, and a Fetch that waits picks the tasks up', async () => {
			api.emulator.setOptions({ hookFaults: { drop: 'final' }, taskDurationMs: 1500 });
			const workflow = chain(
				midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', ...optionParameters({ ...CALLBACK, timeout: 900, callbackWaitLimit: 60 }) }),
				midjourneyNode('Fetch', { operation: 'fetch', taskIds: '={{ $json.taskId }}', waitForCompletion: true, waitingOptions: { pollInterval: 0.2, timeout: 30 } }),
			);
			const before = Date.now();
			const parked = await waiting.run(workflow, { credentials: api.credentials(), triggerItems: prompts(2).map((prompt) => ({ json: { prompt } })) });
			expect(parked.run.status).toBe('waiting');
			const waitTill = new Date(parked.run.waitTill!).getTime();
			expect(waitTill).toBeGreaterThanOrEqual(before + 60_000);
			expect(waitTill).toBeLessThan(Date.now() + 61_000);
			// The limit ends while the tasks still run (their final callbacks lost): Fetch waits for them.
			const resumed = await waiting.resumeAtWaitLimit(parked.executionId);
			expect(resumed.run.status).toBe('success');
			const passedOn = resumed.output('Imagine');
			expect(resumed.output('Fetch').map((item) => [item.json.taskId, item.json.status])).toEqual(
				passedOn.map((item) => [item.json.taskId, 'SUCCESS']),
			);
			expect(api.emulator.createdTaskIds()).toHaveLength(2);
		});
	});
});
