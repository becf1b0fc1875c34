import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attachTaskId, settle } from '../model/errors';
import { SUBMIT_CODE } from '../model/submitCodes';
import type { SubmittedTask } from '../model/task';
import type { SubmitOperation, SubmitRequest } from '../operations/types';
import type { ItemResult } from '../output/itemResult';
import { outcomeToResult } from '../output/outcome';
import {
	readItemSettings,
	readMaxConcurrency,
	readWaitMode,
	type ItemSettings,
} from '../parameters/settings';
import type { MidjourneyClient } from '../transport/client';
import { pollerPool } from '../waiting/pollerPool';
import { mapWithConcurrency, runJobs, type TaskJob } from '../waiting/runner';
import { parkUntilCallbacks } from './callback/park';
import { SubmitLedger } from './submitLedger';

/**
 * The batch pipeline of a submit operation: read and check every item, submit
 * with bounded concurrency, wait for all tasks together, then each item's
 * output (or error, always with its task id) in input order.
 */

/** Items whose input is read and checked in parallel (parent look-ups, downloads). */
const PREPARE_CONCURRENCY = 4;

/** Sends one submit and gives the task it created (the batch's ledger and client, at the item's speed). */
export type SendSubmit = (endpoint: string, body: IDataObject) => Promise<SubmittedTask>;

/**
 * Sends an item's request; when it is a button press that opened a dialog
 * (code 21) and asks for an answer, answers it at once. The MODAL task
 * exists from then on, so its id goes with any error of the answer.
 */
export async function sendRequest(
	request: SubmitRequest,
	send: SendSubmit,
): Promise<SubmittedTask> {
	const submitted = await send(request.endpoint, request.body);
	const dialog = request.answerDialog;
	if (!dialog || submitted.code !== SUBMIT_CODE.modal) return submitted;
	const answered = await settle(
		async () => await send(dialog.endpoint, { taskId: submitted.taskId, ...dialog.body }),
	);
	if (!answered.ok) throw attachTaskId(answered.error, submitted.taskId, 'MODAL');
	return { ...answered.value, taskId: answered.value.taskId || submitted.taskId };
}

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
			const request = await operation.prepare({
				ctx,
				itemIndex,
				client,
				settings: settings.submit,
				baseUrl,
			});
			return { itemIndex, settings, request };
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
		if (!('request' in entry) || !entry.settings || !entry.request) continue;
		const { itemIndex, settings, request } = entry;
		settingsByItem.set(itemIndex, settings);
		// Each submit of the item (a dialog answered at once makes two) has its ledger entry.
		const ledgered = ledger.forItem(runIndex, itemIndex);
		const { wait } = settings;
		jobs.push({
			itemIndex,
			submit: async (deadline) => {
				const submitted = await sendRequest(
					request,
					async (endpoint, body) =>
						await ledgered(
							endpoint,
							body,
							async () => await client.submit(endpoint, body, settings.submit.speed, deadline),
						),
				);
				return request.promptWarnings
					? { ...submitted, promptWarnings: request.promptWarnings }
					: submitted;
			},
			// Callback mode submits only: the server's callbacks tell when the tasks end.
			waitForCompletion: wait.waitForCompletion && wait.waitMode === 'poll',
			timeoutMs: wait.timeoutMs,
			initialDelayMs: wait.initialDelayMs,
		});
	}
	const limit = await settle(async () =>
		readMaxConcurrency(
			ctx,
			jobs.map((job) => job.itemIndex),
		),
	);
	if (!limit.ok) return [{ itemIndex: jobs[0]?.itemIndex ?? 0, error: limit.error }];
	const waitMode = await settle(async () =>
		readWaitMode(
			[...settingsByItem].map(([itemIndex, settings]) => ({ itemIndex, wait: settings.wait })),
		),
	);
	if (!waitMode.ok) return [{ itemIndex: jobs[0]?.itemIndex ?? 0, error: waitMode.error }];
	const pollerOf = pollerPool(client, sleep);
	const pollerFor = (job: TaskJob) =>
		pollerOf(settingsByItem.get(job.itemIndex)!.wait.pollIntervalMs);
	const signal = ctx.getExecutionCancelSignal();
	let outcomes = await runJobs(jobs, {
		concurrency: limit.value,
		pollerFor,
		isCancelled: () => signal?.aborted === true,
	});
	// Callback mode parks here, unless a submit failed without Continue On Fail (then that error stops the node now).
	if (
		waitMode.value === 'callback' &&
		(ctx.continueOnFail() || outcomes.every((outcome) => outcome.ok))
	) {
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
			results.push({
				itemIndex: entry.itemIndex,
				error: 'error' in entry ? entry.error : undefined,
			});
			continue;
		}
		results.push(await outcomeToResult(ctx, outcome, settings, baseUrl));
	}
	return results;
}
