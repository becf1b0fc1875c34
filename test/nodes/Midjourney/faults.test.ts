/**
 * The fault matrix: each of the emulator's fault knobs against a batch of
 * items, checking the three promises for every case: the expected outputs or
 * clear error items; exactly one created task per input item at most (nothing
 * doubled); every task id the server gave is in the output (nothing lost);
 * and the API key nowhere.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { EmulatorOptions, FaultRule } from '../../emulator';
import { chain, midjourneyNode, runWorkflow, startWorkflow, type WorkflowResult } from '../../harness';
import { FAST, SECRET_KEY, cancelWhilePolling, everythingVisible, useEmulator } from './emulatorSetup';

const emu = useEmulator({ taskDurationMs: 200, concurrency: 20, queueSize: 20 });

const PROMPTS = ['a red kite', 'a green door', 'a blue boat'];

async function runBatch(options: IDataObject = {}, prompts = PROMPTS): Promise<WorkflowResult> {
	return await runWorkflow(
		chain(
			midjourneyNode(
				'Imagine',
				{ operation: 'imagine', prompt: '={{ $json.prompt }}', options: { ...FAST, ...options } },
				{ onError: 'continueRegularOutput' },
			),
		),
		{ credentials: emu.credentials(), triggerItems: prompts.map((prompt) => ({ json: { prompt } })) },
	);
}

/** The promises every case keeps. */
function expectNothingDoubledLostOrLeaked(result: WorkflowResult, items: INodeExecutionData[]) {
	const tasks = [...emu.emulator.tasks.values()];
	for (const prompt of PROMPTS) {
		expect(tasks.filter((task) => task.prompt === prompt).length).toBeLessThanOrEqual(1);
	}
	// Ids the server actually answered with (a dropped answer's id never reached the node).
	const answered = emu.emulator.requests
		.filter((request) => request.createdTaskId && request.status === 200 && !request.fault)
		.map((request) => request.createdTaskId!);
	const visible = everythingVisible(items);
	for (const taskId of answered) expect(visible).toContain(taskId);
	expect(everythingVisible(result)).not.toContain(SECRET_KEY);
	expect(items.map((item) => item.pairedItem)).toEqual(PROMPTS.map((_, item) => ({ item })));
}

function expectAllSucceeded(items: INodeExecutionData[]) {
	expect(items.map((item) => item.json.status)).toEqual(PROMPTS.map(() => 'SUCCESS'));
	expect(emu.emulator.createdTaskIds()).toHaveLength(PROMPTS.length);
}

describe('faults the node rides out: every item succeeds, one task each', () => {
	const cases: Array<[string, FaultRule[], Partial<EmulatorOptions>?]> = [
		['a 429 storm on submit (with Retry-After)', [{ target: 'submit', kind: '429', times: 6, retryAfterSec: 0 }]],
		['503 on submit', [{ target: 'submit', kind: '503', times: 3 }]],
		['a 429 storm on polling', [{ target: 'list', kind: '429', times: 3, retryAfterSec: 0 }]],
		['500 on polling', [{ target: 'list', kind: '500', times: 2 }]],
		['502 on polling', [{ target: 'list', kind: '502', times: 2 }]],
		['dropped connections on polling', [{ target: 'list', kind: 'drop-after', times: 2 }]],
		['connections dropped before polling answers', [{ target: 'list', kind: 'drop-before', times: 2 }]],
		['malformed polling answers', [{ target: 'list', kind: 'malformed', times: 2 }]],
		['empty polling answers', [{ target: 'list', kind: 'empty', times: 2 }]],
		['empty per-task fetch answers (no list-by-condition)', [{ target: 'fetch', kind: 'empty', times: 4 }], { supportListByCondition: false }],
		['5xx on per-task fetch (no list-by-condition)', [{ target: 'fetch', kind: '503', times: 4 }], { supportListByCondition: false }],
	];
	it.each(cases)('%s', async (_name, faults, extra = {}) => {
		emu.emulator.setOptions({ faults, ...extra });
		const result = await runBatch();
		const items = result.output('Imagine');
		expect(result.error).toBeUndefined();
		expectAllSucceeded(items);
		expectNothingDoubledLostOrLeaked(result, items);
		expect(emu.emulator.requests.some((request) => request.fault)).toBe(true);
	});

	it('code 22 (queued) is success: queued tasks are waited for like the others', async () => {
		emu.emulator.setOptions({ concurrency: 1, queueSize: 10 });
		const result = await runBatch({ timeout: 30 });
		const items = result.output('Imagine');
		expectAllSucceeded(items);
		expectNothingDoubledLostOrLeaked(result, items);
		const queued = [...emu.emulator.tasks.values()].filter((task) => task.history.some((step) => step.status === 'NOT_START'));
		expect(queued.length).toBeGreaterThan(0);
	});

	it('code 23 (queue full) is retried with backoff within the timeout, creating nothing twice', async () => {
		emu.emulator.setOptions({ concurrency: 1, queueSize: 0 });
		const result = await runBatch({ timeout: 30, maxConcurrency: 3 });
		const items = result.output('Imagine');
		expectAllSucceeded(items);
		expectNothingDoubledLostOrLeaked(result, items);
		const submits = emu.emulator.requests.filter((request) => request.kind === 'submit-imagine');
		expect(submits.length).toBeGreaterThan(PROMPTS.length);
	});
});

describe('faults that end an item: a clear error item, the others go on', () => {
	it.each([
		['500', 'HTTP 500'],
		['drop-before', 'no clear answer'],
	] as const)('an ambiguous submit failure (%s) is not resent and says the task may exist', async (kind, message) => {
		emu.emulator.setOptions({ faults: [{ target: 'submit', kind, times: 1 }] });
		const result = await runBatch();
		const items = result.output('Imagine');
		const failed = items.filter((item) => item.json.error);
		expect(failed).toHaveLength(1);
		expect(String(failed[0].json.error) + String(failed[0].json.errorDescription)).toMatch(new RegExp(message));
		expect(String(failed[0].json.error)).toMatch(/a task may have been created/);
		expect(String(failed[0].json.errorDescription)).toMatch(/not resent/);
		expect(items.filter((item) => item.json.status === 'SUCCESS')).toHaveLength(2);
		expect(emu.emulator.requests.filter((request) => request.kind === 'submit-imagine')).toHaveLength(3);
		expectNothingDoubledLostOrLeaked(result, items);
	});

	it.each(['drop-after', 'malformed', 'empty'] as const)(
		'a submit whose answer is lost (%s) after the task was created is not resent',
		async (kind) => {
			emu.emulator.setOptions({ faults: [{ target: 'submit', kind, times: 1 }] });
			const result = await runBatch();
			const items = result.output('Imagine');
			const failed = items.filter((item) => item.json.error);
			expect(failed).toHaveLength(1);
			expect(String(failed[0].json.error)).toMatch(/a task may have been created/);
			expect(String(failed[0].json.errorDescription)).toMatch(/not resent/);
			// The server made the task; the node never saw its id and did not make another.
			expect(emu.emulator.createdTaskIds()).toHaveLength(3);
			expect(emu.emulator.requests.filter((request) => request.kind === 'submit-imagine')).toHaveLength(3);
			expectNothingDoubledLostOrLeaked(result, items);
		},
	);

	it('a 429 storm on submit that outlasts the retries fails that item, having created nothing', async () => {
		emu.emulator.setOptions({ faults: [{ target: 'submit', kind: '429', retryAfterSec: 0 }] });
		const result = await runBatch({}, PROMPTS);
		const items = result.output('Imagine');
		expect(items.every((item) => /429/.test(String(item.json.error)))).toBe(true);
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
		expectNothingDoubledLostOrLeaked(result, items);
	});

	it('FAILURE gives an error item with the failReason and the task id', async () => {
		emu.emulator.setOptions({ failPrompts: ['green'] });
		const result = await runBatch();
		const items = result.output('Imagine');
		expect(items[1].json).toMatchObject({ taskId: expect.any(String), status: 'FAILURE' });
		expect(String(items[1].json.error)).toContain(emu.emulator.options.failReason);
		expect([items[0].json.status, items[2].json.status]).toEqual(['SUCCESS', 'SUCCESS']);
		expectNothingDoubledLostOrLeaked(result, items);
	});

	it('code 24 (banned word) names the word and creates no task for that item', async () => {
		const result = await runWorkflow(
			chain(
				midjourneyNode(
					'Imagine',
					{ operation: 'imagine', prompt: '={{ $json.prompt }}', options: FAST },
					{ onError: 'continueRegularOutput' },
				),
			),
			{
				credentials: emu.credentials(),
				triggerItems: [{ json: { prompt: 'a red kite' } }, { json: { prompt: 'a badword door' } }, { json: { prompt: 'a blue boat' } }],
			},
		);
		const items = result.output('Imagine');
		expect(String(items[1].json.error)).toContain('badword');
		expect(emu.emulator.createdTaskIds()).toHaveLength(2);
		expect(everythingVisible(result)).not.toContain(SECRET_KEY);
	});

	it('tasks stuck at 93% end at the timeout, each keeping its id, status and progress', async () => {
		emu.emulator.setOptions({ stuckAtProgress: '93%' });
		const failing = await runBatch({ timeout: 1 });
		const items = failing.output('Imagine');
		expect(items.map((item) => item.json.progress)).toEqual(['93%', '93%', '93%']);
		expect(new Set(items.map((item) => item.json.taskId)).size).toBe(3);
		for (const item of items) expect(String(item.json.error)).toMatch(/did not finish/);
		expectNothingDoubledLostOrLeaked(failing, items);

		emu.emulator.reset();
		const returned = await runBatch({ timeout: 1, onTimeout: 'returnTask' });
		const returnedItems = returned.output('Imagine');
		expect(returnedItems.map((item) => [item.json.status, item.json.progress, item.json.error])).toEqual(
			PROMPTS.map(() => ['IN_PROGRESS', '93%', undefined]),
		);
		expectNothingDoubledLostOrLeaked(returned, returnedItems);
	});
});

describe('cancellation', () => {
	it('stops every wait of the batch and sends nothing more', async () => {
		emu.emulator.setOptions({ stuckAtProgress: '45%' });
		const running = startWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', options: { ...FAST, timeout: 60 } })),
			{ credentials: emu.credentials(), triggerItems: PROMPTS.map((prompt) => ({ json: { prompt } })) },
		);
		const result = await cancelWhilePolling(emu.emulator, running);
		expect(emu.emulator.createdTaskIds()).toHaveLength(3);
		expect(everythingVisible(result)).not.toContain(SECRET_KEY);
	});
});
