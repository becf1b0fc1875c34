import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { settle } from '../model/errors';
import { isFinalStatus, normaliseTask, type MjTask } from '../model/task';
import { readItemSettings, type WaitSettings } from '../parameters/settings';
import type { ReadOperation } from '../operations/types';
import type { MidjourneyClient } from '../transport/client';
import type { TaskPoller } from '../waiting/poller';
import { pollerPool } from '../waiting/pollerPool';
import type { ItemResult } from '../output/itemResult';
import { buildTaskItems } from '../output/taskItems';
import { timedOutResult } from '../output/outcome';

/**
 * A read operation (Fetch): its tasks per item → each item's output, as a
 * finished task would give. With Wait for Completion the tasks still running
 * are polled (all of the node's together) until they end or the item's
 * Timeout: the recovery after a Callback wait limit, for tasks whose final
 * callback was lost.
 */
export async function runReadBatch(
	ctx: IExecuteFunctions,
	operation: ReadOperation,
	client: MidjourneyClient,
	baseUrl: string,
	sleep: (ms: number) => Promise<void>,
): Promise<ItemResult[]> {
	const started = Date.now();
	const scope = {
		submits: false,
		takesBot: false,
		waits: operation.waits,
		results: operation.results,
	};
	const settingsOf = ctx
		.getInputData()
		.map((_, itemIndex) => settle(async () => readItemSettings(ctx, itemIndex, scope)));
	const settled = await Promise.all(settingsOf);
	// The read itself is bounded by the shortest Timeout of the items that wait (where one is set).
	const timeouts = settled.flatMap((entry) =>
		entry.ok && entry.value.wait.waitForCompletion ? [entry.value.wait.timeoutMs] : [],
	);
	const deadline = timeouts.length > 0 ? started + Math.min(...timeouts) : undefined;
	const pollerOf = pollerPool(client, sleep);

	const reads = await operation.read(ctx, client, deadline);
	return await Promise.all(
		reads.map(async ({ itemIndex, tasks, error }): Promise<ItemResult> => {
			if (error !== undefined || !tasks) return { itemIndex, error };
			const setting = settled[itemIndex];
			if (!setting.ok) return { itemIndex, error: setting.error };
			const settings = setting.value;
			const ended = settings.wait.waitForCompletion
				? await waitForEnd(
						tasks.map(normaliseTask),
						settings.wait,
						pollerOf(settings.wait.pollIntervalMs),
						started,
					)
				: { tasks: tasks.map(normaliseTask) };
			if ('timedOut' in ended)
				return timedOutResult(itemIndex, ended.timedOut, settings, ended.lastError);
			const built = await settle(async () => {
				const items: INodeExecutionData[] = [];
				for (const task of ended.tasks)
					items.push(...(await buildTaskItems(ctx, itemIndex, task, settings.output, baseUrl)));
				return items;
			});
			return built.ok ? { itemIndex, items: built.value } : { itemIndex, error: built.error };
		}),
	);
}

/** The item's tasks once every one has ended, or the first still running at the Timeout. */
async function waitForEnd(
	tasks: MjTask[],
	wait: WaitSettings,
	poller: TaskPoller,
	started: number,
): Promise<{ tasks: MjTask[] } | { timedOut: MjTask; lastError?: string }> {
	const results = await Promise.all(
		tasks.map(async (task) => {
			if (isFinalStatus(task.status)) return { outcome: 'final' as const, task };
			// Just read: the first poll comes one interval later.
			return await poller.watch(String(task.id), {
				initialDelayMs: wait.pollIntervalMs,
				timeoutMs: Math.max(0, started + wait.timeoutMs - Date.now()),
				initialTask: task,
			});
		}),
	);
	const timedOut = results.find((result) => result.outcome === 'timeout');
	if (timedOut?.outcome === 'timeout')
		return { timedOut: timedOut.task, lastError: timedOut.lastError };
	return { tasks: results.map((result) => result.task) };
}
