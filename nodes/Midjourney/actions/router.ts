import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type NodeApiError,
	type NodeOperationError,
} from 'n8n-workflow';

import { MidjourneyError, attachTaskId, settle } from '../engine/errors';
import { TaskPoller } from '../engine/poller';
import { mapWithConcurrency, runJobs, type JobOutcome, type TaskJob } from '../engine/runner';
import { compactTask, mapTask } from '../engine/taskOutput';
import {
	CREDENTIAL_TYPE,
	MidjourneyClient,
	createN8nSender,
	isTransientError,
	normaliseBaseUrl,
} from '../transport/api';
import * as action from './action.operation';
import * as blend from './blend.operation';
import * as describe from './describe.operation';
import * as fetch from './fetch.operation';
import * as imagine from './imagine.operation';
import * as modal from './modal.operation';
import { errorItemJson, toNodeError } from './nodeErrors';
import { buildTaskItems } from './output';
import { readItemSettings, readMaxConcurrency, type ItemSettings } from './settings';
import type { SubmitOperation, SubmitTask } from './types';
import { sleepUnlessCancelled } from './wait';

const SUBMIT_OPERATIONS: Record<string, SubmitOperation> = { imagine, action, modal, blend, describe };

/** Items whose input is read and checked in parallel (parent look-ups, downloads). */
const PREPARE_CONCURRENCY = 4;

interface ItemResult {
	itemIndex: number;
	items?: INodeExecutionData[];
	error?: unknown;
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	const secret = String(credentials.apiKey ?? '');
	const signal = this.getExecutionCancelSignal();
	const sleep = async (ms: number) => await sleepUnlessCancelled(ms, signal);
	const client = new MidjourneyClient(createN8nSender(this, baseUrl), { sleep, secret, baseUrl });

	let results: ItemResult[];
	if (operation === 'fetch') {
		results = await fetch.execute(this, client, baseUrl);
	} else {
		const submitOperation = SUBMIT_OPERATIONS[operation];
		if (!submitOperation) {
			throw toNodeError(this, new MidjourneyError('input', `Unknown operation "${operation}"`), 0, secret);
		}
		results = await runSubmitOperation(this, submitOperation, client, baseUrl, sleep);
	}
	const output = collectOutput(this, results, secret);
	// As an AI agent's tool (the generated "midjourneyTool" type), answer compactly.
	if (this.getNode().type.endsWith('Tool')) {
		return [output.map((item) => ({ json: compactTask(item.json), pairedItem: item.pairedItem }))];
	}
	return [output];
}

async function runSubmitOperation(
	ctx: IExecuteFunctions,
	operation: SubmitOperation,
	client: MidjourneyClient,
	baseUrl: string,
	sleep: (ms: number) => Promise<void>,
): Promise<ItemResult[]> {
	const operationName = ctx.getNodeParameter('operation', 0) as string;
	const inputs = ctx.getInputData();

	// 1. Read and check every item before anything is submitted.
	const prepared = await mapWithConcurrency(inputs, PREPARE_CONCURRENCY, async (_, itemIndex) => {
		try {
			const settings = readItemSettings(ctx, itemIndex, operationName);
			const submit = await operation.prepare({ ctx, itemIndex, client, settings, baseUrl });
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
			submit: entry.submit as SubmitTask,
			waitForCompletion: entry.settings.waitForCompletion,
			timeoutMs: entry.settings.timeoutMs,
			initialDelayMs: entry.settings.initialDelayMs,
		});
	}
	const pollInterval = jobs.length ? settingsByItem.get(jobs[0].itemIndex)!.pollIntervalMs : 5000;
	const poller = new TaskPoller(
		{ fetchTasks: async (ids) => await client.fetchTasksOnce(ids), sleep, isTransient: isTransientError },
		{ intervalMs: pollInterval },
	);
	const signal = ctx.getExecutionCancelSignal();
	const outcomes = await runJobs(jobs, {
		concurrency: readMaxConcurrency(ctx),
		poller,
		isCancelled: () => signal?.aborted === true,
	});
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
async function outcomeToResult(
	ctx: IExecuteFunctions,
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
	const extra = submitted.queuePosition !== undefined ? { queuePosition: submitted.queuePosition } : {};
	if (outcome.timedOut) {
		const seconds = Math.round(settings.timeoutMs / 1000);
		if (settings.onTimeout === 'returnTask') {
			return {
				itemIndex,
				items: [{ json: { ...mapTask({ ...task, id: taskId }), timedOut: true }, pairedItem: { item: itemIndex } }],
			};
		}
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
						(outcome.lastError ? ` Last error while checking: ${outcome.lastError}` : ''),
				},
			),
		};
	}
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

/**
 * Continue On Fail: error items in place, with pairedItem and the task id.
 * Otherwise the first error stops the node; its description names every
 * other task this run created, so none is lost.
 */
function collectOutput(ctx: IExecuteFunctions, results: ItemResult[], secret: string): INodeExecutionData[] {
	const output: INodeExecutionData[] = [];
	const continueOnFail = ctx.continueOnFail();
	let firstError: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;
	for (const result of results) {
		if (result.error === undefined) {
			output.push(...(result.items ?? []));
			continue;
		}
		if (continueOnFail) {
			const json = errorItemJson(result.error, secret);
			if (result.error instanceof MidjourneyError && result.error.details.task) {
				Object.assign(json, { ...result.error.details.task, ...json });
			}
			output.push({ json, pairedItem: { item: result.itemIndex } });
		} else {
			firstError ??= { itemIndex: result.itemIndex, error: toNodeError(ctx, result.error, result.itemIndex, secret) };
		}
	}
	if (firstError) {
		const others = results
			.filter((result) => result.itemIndex !== firstError!.itemIndex)
			.flatMap((result) => [
				...(result.items ?? []).map((item) => `item ${result.itemIndex}: task ${String(item.json.taskId)} (${String(item.json.status)})`),
				...(result.error instanceof MidjourneyError && result.error.details.taskId
					? [`item ${result.itemIndex}: task ${result.error.details.taskId} (${result.error.details.status ?? result.error.kind})`]
					: []),
			]);
		if (others.length) {
			const error = firstError.error;
			error.description = `${error.description ?? ''}\nOther tasks this run created: ${others.join('; ')}.`.trim();
		}
		throw firstError.error;
	}
	return output;
}
