import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { PARKED_BATCH_KEY, parkUntilCallbacks, watchedTaskIds, type BatchEntry, type ParkedBatch } from '../../../../../nodes/Midjourney/execution/callback/park';
import { MidjourneyError } from '../../../../../nodes/Midjourney/model/errors';
import { SUBMIT_CODE } from '../../../../../nodes/Midjourney/model/submitCodes';
import type { MjTask } from '../../../../../nodes/Midjourney/model/task';
import type { ItemSettings } from '../../../../../nodes/Midjourney/parameters/settings';
import type { MidjourneyClient } from '../../../../../nodes/Midjourney/transport/client';

const RESUME_URL = 'https://n8n.example.com/webhook-waiting/77?signature=secret-token';

function fakeContext() {
	const context: IDataObject = {};
	const waits: Date[] = [];
	const ctx = {
		evaluateExpression: (expression: string) => (expression.includes('$execution.resumeUrl') ? RESUME_URL : undefined),
		getContext: () => context,
		putExecutionToWait: async (until: Date) => void waits.push(until),
	} as unknown as IExecuteFunctions;
	return { ctx, context, waits };
}

function clientKnowing(tasks: Record<string, MjTask>) {
	const reads: string[][] = [];
	const client = {
		fetchTasks: async (ids: string[]) => {
			reads.push(ids);
			return new Map(ids.filter((id) => tasks[id]).map((id) => [id, tasks[id]]));
		},
	} as unknown as MidjourneyClient;
	return { client, reads };
}

function settings(timeoutMs: number, waitForCompletion = true): ItemSettings {
	return {
		submit: { speed: 'default', notifyHook: RESUME_URL },
		wait: { waitForCompletion, waitMode: 'callback', pollIntervalMs: 5000, timeoutMs, callbackWaitLimitMs: timeoutMs, initialDelayMs: 0, onTimeout: 'fail' },
		output: { downloadImage: false, downloadVideo: false, binaryPropertyName: 'data', output: 'task', simplify: true },
	};
}

function submittedEntry(itemIndex: number, taskId: string, timeoutMs: number, queuePosition?: number): BatchEntry {
	const submitted = { taskId, code: queuePosition === undefined ? SUBMIT_CODE.accepted : SUBMIT_CODE.queued, queuePosition };
	return {
		itemIndex,
		settings: settings(timeoutMs),
		outcome: { itemIndex, ok: true, submitted, task: { id: taskId, status: 'SUBMITTED' }, timedOut: false },
	};
}

describe('callback/park: parking a batch until the server calls back', () => {
	it('parks while a task runs: stores what resume needs (no resume URL), waits the longest Timeout', async () => {
		const { ctx, context, waits } = fakeContext();
		const { client, reads } = clientKnowing({ '1': { id: '1', status: 'IN_PROGRESS' }, '2': { id: '2', status: 'SUBMITTED' } });
		const before = Date.now();
		const entries = [
			submittedEntry(0, '1', 60_000),
			submittedEntry(1, '2', 120_000, 3),
			{ itemIndex: 2, error: new MidjourneyError('input', 'Prompt is empty', { description: 'Enter one.' }) },
		];
		const result = await parkUntilCallbacks(ctx, client, entries, 0);
		expect(reads).toEqual([['1', '2']]);
		expect(waits).toHaveLength(1);
		expect(waits[0].getTime() - before).toBeGreaterThanOrEqual(120_000);
		expect(waits[0].getTime() - before).toBeLessThan(125_000);
		const batch = context[PARKED_BATCH_KEY] as unknown as ParkedBatch;
		expect(batch.key).toBe(`${RESUME_URL}#0`);
		expect(watchedTaskIds(batch)).toEqual(['1', '2']);
		// The execution's resume URL (with its token) is the park's key, but no item keeps it as a setting.
		expect(JSON.stringify(batch.items)).not.toContain('signature=');
		expect(batch.items[2]).toEqual({ itemIndex: 2, error: { kind: 'input', message: 'Prompt is empty', details: { description: 'Enter one.' } } });
		expect(result.parked).toBe(true);
		if (!result.parked) return;
		expect(result.items.map((item) => item.items?.[0].json)).toEqual([
			expect.objectContaining({ taskId: '1', status: 'SUBMITTED', waitEndedWithoutCallback: true }),
			expect.objectContaining({ taskId: '2', status: 'NOT_START', queuePosition: 3, waitEndedWithoutCallback: true }),
			undefined,
		]);
		expect(result.items[2].error).toBeInstanceOf(MidjourneyError);
	});

	it('does not park when every task has ended already: the outcomes carry the tasks as read', async () => {
		const { ctx, context, waits } = fakeContext();
		const { client } = clientKnowing({ '1': { id: '1', status: 'SUCCESS', imageUrl: 'https://cdn.example.com/1.png' } });
		const result = await parkUntilCallbacks(ctx, client, [submittedEntry(0, '1', 60_000)], 0);
		expect(waits).toEqual([]);
		expect(context[PARKED_BATCH_KEY]).toBeUndefined();
		expect(result).toMatchObject({ parked: false, outcomes: [{ ok: true, task: { status: 'SUCCESS', imageUrl: 'https://cdn.example.com/1.png' } }] });
	});

	it('watches no task of an item that does not wait for completion, and parks nothing for it alone', async () => {
		const { ctx, waits } = fakeContext();
		const { client, reads } = clientKnowing({});
		const entry = { ...submittedEntry(0, '1', 60_000), settings: settings(60_000, false) };
		const result = await parkUntilCallbacks(ctx, client, [entry], 0);
		expect(reads).toEqual([]);
		expect(waits).toEqual([]);
		expect(result.parked).toBe(false);
	});
});
