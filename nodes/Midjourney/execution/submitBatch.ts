import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError, attachTaskId, settle } from '../model/errors';
import { mapTask } from '../output/outputMapper';
import type { MjTask } from '../model/task';
import { readItemSettings, readMaxConcurrency, readWaitMode, type ItemSettings } from '../parameters/settings';
import type { SubmitOperation } from '../operations/types';
import type { MidjourneyClient } from '../transport/client';
import type { RequestContext } from '../transport/n8nHttp';
import { parkUntilCallbacks } from './callback/park';
import { pollerPool } from '../waiting/pollerPool';
import { mapWithConcurrency, runJobs, type JobOutcome, type TaskJob } from '../waiting/runner';
import type { ItemResult } from '../output/itemResult';
import { SubmitLedger } from './submitLedger';
import { buildTaskItems } from '../output/taskItems';

/**
 * The batch pipeline of a submit operation: read and check every item, submit
 * with bounded concurrency, wait for all tasks together, then each item's
 * output (or error, always with its task id) in input order.
 */

/** Items whose input is read and checked in parallel (parent look-ups, downloads). */
const PREPARE_CONCURRENCY = 4;

export async function runSubmitBatch(
	ctx: IExecuteFunctions,
	operation: SubmitOperation,
	client: MidjourneyClient,
	baseUrl: string,
	sleep: (ms: number) => Promise<void>,
): Promise<ItemResult[]> {
	const inputs = ctx.getInputData();
	const ledger = new SubmitLedger(ctx);
	// A loop runs the node again with new items: each run keeps its own ledger entries.
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	const scope = { submits: true, takesBot: operation.takesBot, results: operation.results };

	// 1. Read and check every item before anything is submitted.
	const prepared = await mapWithConcurrency(inputs, PREPARE_CONCURRENCY, async (_, itemIndex) => {
		try {
			const settings = readItemSettings(ctx, itemIndex, scope);
			const ledgered = ledger.forItem(runIndex, itemIndex);
			const submit = await operation.prepare({
				ctx,
				itemIndex,
				client,
				settings,
				baseUrl,
				submit: async (endpoint, body, deadline) =>
					await ledgered(endpoint, body, async () => await client.submit(endpoint, body, settings.speed, deadline)),
			});
			return { itemIndex, settings, submit };
		} catch (error) {
			return { itemIndex, error };
		}
	});
	const firstBadItem = prepared.find((entry) => 'error' in entry);
	if (firstBadItem && !ctx.continueOnFail()) {
		return [{ itemIndex: firstBadItem.itemIndex, error: firstBadItem.error }];
	}

	// 2. Submit with bounded concurrency and wait for all tasks together.
	const jobs: TaskJob[] = [];
	const settingsByItem = new Map<number, ItemSettings>();
	for (const entry of prepared) {
		if (!('submit' in entry) || !entry.settings || !entry.submit) continue;
		settingsByItem.set(entry.itemIndex, entry.settings);
		jobs.push({
			itemIndex: entry.itemIndex,
			submit: entry.submit,
			// Callback mode submits only: the server's callbacks tell when the tasks end.
			waitForCompletion: entry.settings.waitForCompletion && entry.settings.waitMode === 'poll',
			timeoutMs: entry.settings.timeoutMs,
			initialDelayMs: entry.settings.initialDelayMs,
		});
	}
	const limit = await settle(async () => readMaxConcurrency(ctx, jobs.map((job) => job.itemIndex)));
	if (!limit.ok) return [{ itemIndex: jobs[0]?.itemIndex ?? 0, error: limit.error }];
	const waitMode = await settle(async () =>
		readWaitMode([...settingsByItem].map(([itemIndex, settings]) => ({ itemIndex, settings }))),
	);
	if (!waitMode.ok) return [{ itemIndex: jobs[0]?.itemIndex ?? 0, error: waitMode.error }];
	const pollerOf = pollerPool(client, sleep);
	const pollerFor = (job: TaskJob) => pollerOf(settingsByItem.get(job.itemIndex)!.pollIntervalMs);
	const signal = ctx.getExecutionCancelSignal();
	let outcomes = await runJobs(jobs, {
		concurrency: limit.value,
		pollerFor,
		isCancelled: () => signal?.aborted === true,
	});
	// Callback mode parks here, unless a submit failed without Continue On Fail (then that error stops the node now).
	if (waitMode.value === 'callback' && (ctx.continueOnFail() || outcomes.every((outcome) => outcome.ok))) {
		const entries = prepared.map((entry) => ({
			itemIndex: entry.itemIndex,
			settings: settingsByItem.get(entry.itemIndex),
			outcome: outcomes.find((outcome) => outcome.itemIndex === entry.itemIndex),
			error: 'error' in entry ? entry.error : undefined,
		}));
		const park = await parkUntilCallbacks(ctx, client, entries, runIndex);
		if (park.parked) return park.items;
		outcomes = park.outcomes;
	}
	const outcomeByItem = new Map(outcomes.map((outcome) => [outcome.itemIndex, outcome]));

	// 3. Outputs in input order.
	const results: ItemResult[] = [];
	for (const entry of prepared) {
		const outcome = outcomeByItem.get(entry.itemIndex);
		const settings = settingsByItem.get(entry.itemIndex);
		if (!outcome || !settings) {
			results.push({ itemIndex: entry.itemIndex, error: 'error' in entry ? entry.error : undefined });
			continue;
		}
		results.push(await outcomeToResult(ctx, outcome, settings, baseUrl));
	}
	return results;
}

/** A finished, failed or timed-out task → the item's output or error (always with the task id). */
export async function outcomeToResult(
	ctx: RequestContext,
	outcome: JobOutcome,
	settings: ItemSettings,
	baseUrl: string,
): Promise<ItemResult> {
	const { itemIndex } = outcome;
	if (!outcome.ok) {
		// Created, then lost while waiting (cancel, auth change): keep the id with the error.
		const { error, submitted } = outcome;
		return { itemIndex, error: submitted ? attachTaskId(error, submitted.taskId) : error };
	}
	const { task, submitted } = outcome;
	const taskId = String(task.id ?? submitted.taskId);
	const extra = {
		...(submitted.queuePosition !== undefined ? { queuePosition: submitted.queuePosition } : {}),
		...(submitted.promptWarnings ? { promptWarnings: submitted.promptWarnings } : {}),
	};
	if (outcome.timedOut) return timedOutResult(itemIndex, { ...task, id: taskId }, settings, outcome.lastError);
	if (task.status === 'FAILURE' || task.status === 'CANCEL') {
		const reason = task.failReason || (task.status === 'CANCEL' ? 'cancelled' : 'no reason given');
		return {
			itemIndex,
			error: new MidjourneyError('taskFailed', `Midjourney task ${taskId} failed: ${reason}`, {
				taskId,
				status: task.status,
				progress: task.progress,
				task: mapTask(task),
				description:
					'Midjourney could not finish the task. Change the prompt if it was moderated, or try again.',
			}),
		};
	}
	const built = await settle(
		async () => await buildTaskItems(ctx, itemIndex, { ...task, id: taskId }, settings, baseUrl, extra),
	);
	return built.ok ? { itemIndex, items: built.value } : { itemIndex, error: attachTaskId(built.error, taskId) };
}

/** A task still running at the Timeout → the error that names it, or (On Timeout "Return Task As Is") the task as it is. */
export function timedOutResult(itemIndex: number, task: MjTask, settings: ItemSettings, lastError?: string): ItemResult {
	const taskId = String(task.id);
	if (settings.onTimeout === 'returnTask') {
		return { itemIndex, items: [{ json: { ...mapTask(task, settings.simplify), timedOut: true }, pairedItem: { item: itemIndex } }] };
	}
	const seconds = Math.round(settings.timeoutMs / 1000);
	return {
		itemIndex,
		error: new MidjourneyError(
			'timeout',
			`Task ${taskId} did not finish within ${seconds} s (last status ${task.status ?? 'unknown'}, ${task.progress || '0%'})`,
			{
				taskId,
				status: task.status,
				progress: task.progress,
				description:
					`The task keeps running on the server. Pick it up later with the Fetch operation and Task ID ${taskId}, ` +
					'or raise the Timeout option (or set On Timeout to "Return Task As Is").' +
					(lastError ? ` Last error while checking: ${lastError}` : ''),
			},
		),
	};
}
