import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	MidjourneyError,
	attachTaskId,
	settle,
	type MidjourneyErrorDetails,
	type MidjourneyErrorKind,
} from '../../model/errors';
import { isFinalStatus, type MjTask, type SubmittedTask } from '../../model/task';
import type { ItemResult } from '../../output/itemResult';
import { waitingTaskItem } from '../../output/outcome';
import type { ItemSettings } from '../../parameters/settings';
import type { MidjourneyClient } from '../../transport/client';
import { executionResumeUrl } from '../../parameters/resumeUrl';
import type { JobOutcome } from '../../waiting/runner';

/**
 * Callback mode, the parking half: after the submits, the execution is put
 * to wait in n8n's database (nothing stays in memory, n8n may restart) until
 * the server calls the node's resume URL back (resume.ts, the other half).
 * What the callback handler needs is stored with the parked execution, in
 * the node's execution context: which task each item created, and its
 * waiting and output settings.
 */

/** Node-context key of the parked batch (the submit ledger has its own). */
export const PARKED_BATCH_KEY = 'midjourneyParkedBatch';

/** An error kept with the parked execution, to put back in its item's place on resume. */
export interface StoredError {
	kind: MidjourneyErrorKind;
	message: string;
	details: MidjourneyErrorDetails;
}

export type ParkedSettings = Pick<ItemSettings, 'wait' | 'output'>;

export type ParkedItem =
	| {
			itemIndex: number;
			/** what the resume needs (not the submit settings: their notifyHook is the resume URL) */
			settings: ParkedSettings;
			submitted: SubmittedTask;
			/** whether the batch waits for this task's end (not for Wait for Completion off, or a MODAL submit) */
			watch: boolean;
	  }
	| { itemIndex: number; error: StoredError };

export interface ParkedBatch {
	/** this park: the resume URL (one per execution) and the node's run */
	key: string;
	/** every input item, in input order */
	items: ParkedItem[];
}

/** One input item of a Callback-mode batch after its submit. */
export interface BatchEntry {
	itemIndex: number;
	settings?: ItemSettings;
	outcome?: JobOutcome;
	/** read or checked wrongly before any submit (Continue On Fail) */
	error?: unknown;
}

export type ParkResult =
	/** parked: these are the node's items until the callbacks resume it */
	| { parked: true; items: ItemResult[] }
	/** every task had ended before the park: go on as Poll mode would, with these outcomes */
	| { parked: false; outcomes: JobOutcome[] };

/** Runs that parked in this execute() call; their output replaces their input (see passOnAtWaitLimit). */
const parkedRuns = new WeakSet<object>();

function storedError(error: unknown): StoredError {
	if (error instanceof MidjourneyError)
		return { kind: error.kind, message: error.message, details: error.details };
	const text = error instanceof Error ? error.message : String(error);
	const description = (error as { description?: unknown })?.description;
	return {
		kind: 'input',
		message: text,
		details: typeof description === 'string' ? { description } : {},
	};
}

export function restoredError(error: StoredError): MidjourneyError {
	return new MidjourneyError(error.kind, error.message, error.details);
}

function toParkedItem(entry: BatchEntry): ParkedItem {
	const { itemIndex, outcome, settings } = entry;
	if (!outcome || !settings) return { itemIndex, error: storedError(entry.error) };
	if (!outcome.ok) {
		const error = outcome.submitted
			? attachTaskId(outcome.error, outcome.submitted.taskId)
			: outcome.error;
		return { itemIndex, error: storedError(error) };
	}
	const watch = settings.wait.waitForCompletion && !isFinalStatus(outcome.task.status);
	return {
		itemIndex,
		settings: { wait: settings.wait, output: settings.output },
		submitted: outcome.submitted,
		watch,
	};
}

/** The ids of the tasks the batch waits for. */
export function watchedTaskIds(batch: ParkedBatch): string[] {
	return batch.items.flatMap((item) =>
		'submitted' in item && item.watch ? [item.submitted.taskId] : [],
	);
}

/**
 * Parks the execution until every watched task has called back final. The
 * server may call back before the park is stored (n8n refuses callbacks to a
 * running execution), so the tasks are read once first: when all have ended
 * already, nothing parks and the items come out at once.
 */
export async function parkUntilCallbacks(
	ctx: IExecuteFunctions,
	client: MidjourneyClient,
	entries: BatchEntry[],
	runIndex: number,
): Promise<ParkResult> {
	const items = entries.map(toParkedItem);
	const batch: ParkedBatch = { key: `${executionResumeUrl(ctx)}#${runIndex}`, items };
	const watched = watchedTaskIds(batch);
	const read = watched.length
		? await settle(async () => await client.fetchTasks(watched))
		: undefined;
	if (!read || (read.ok && watched.every((id) => isFinalStatus(read.value.get(id)?.status)))) {
		const tasks: Map<string, MjTask> = read?.ok ? read.value : new Map();
		const outcomes = entries.flatMap((entry): JobOutcome[] => {
			const outcome = entry.outcome;
			if (!outcome?.ok) return outcome ? [outcome] : [];
			return [{ ...outcome, task: tasks.get(outcome.submitted.taskId) ?? outcome.task }];
		});
		return { parked: false, outcomes };
	}

	ctx.getContext('node')[PARKED_BATCH_KEY] = batch;
	// The wait limit: how long callbacks are trusted before the items go on (for a Fetch that waits).
	const longestWaitMs = Math.max(
		...items.map((item) =>
			'settings' in item && item.watch ? item.settings.wait.callbackWaitLimitMs : 0,
		),
	);
	await ctx.putExecutionToWait(new Date(Date.now() + longestWaitMs));
	parkedRuns.add(ctx);
	return {
		parked: true,
		items: items.map((item) =>
			'error' in item
				? { itemIndex: item.itemIndex, error: restoredError(item.error) }
				: {
						itemIndex: item.itemIndex,
						items: [waitingTaskItem(item.itemIndex, item.submitted, item.settings.output.simplify)],
					},
		),
	};
}

/**
 * When the wait limit ends, n8n resumes without running the node again and
 * passes the node's INPUT on (it drops the parked output). So a parked run
 * makes its parked items that input: the execution data n8n stores with the
 * waiting node is this run's, and only it is replaced (the items themselves
 * are shared with the previous node's output and stay as they are).
 */
export function passOnAtWaitLimit(ctx: IExecuteFunctions, output: INodeExecutionData[]): void {
	if (!parkedRuns.has(ctx)) return;
	ctx.getExecuteData().data = { main: [output] };
}
