import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MidjourneyError, attachTaskId, settle } from '../model/errors';
import { submittedTaskSnapshot, type MjTask, type SubmittedTask } from '../model/task';
import type { ItemSettings } from '../parameters/settings';
import type { RequestContext } from '../transport/n8nHttp';
import type { JobOutcome } from '../waiting/runner';
import type { ItemResult } from './itemResult';
import { mapTask } from './outputMapper';
import { buildTaskItems } from './taskItems';

/**
 * A submitted task's outcome → the item's output or error, the one home of
 * that rule for Poll mode, Callback mode (parked items and resume) alike:
 * every error carries the task id that was created.
 */

/**
 * What the submit adds to its task's items: the place in the server's queue
 * (code 22), and the problems the prompt check let through (Prompt Check: Warn).
 */
function submitFacts(submitted: SubmittedTask): IDataObject {
	return {
		...(submitted.queuePosition !== undefined ? { queuePosition: submitted.queuePosition } : {}),
		...(submitted.promptWarnings ? { promptWarnings: submitted.promptWarnings } : {}),
	};
}

/** A finished, failed or timed-out task → the item's output or error (always with the task id). */
export async function outcomeToResult(
	ctx: RequestContext,
	outcome: JobOutcome,
	settings: Pick<ItemSettings, 'wait' | 'output'>,
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
	if (outcome.timedOut)
		return timedOutResult(itemIndex, { ...task, id: taskId }, settings, outcome.lastError);
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
		async () =>
			await buildTaskItems(
				ctx,
				itemIndex,
				{ ...task, id: taskId },
				settings.output,
				baseUrl,
				submitFacts(submitted),
			),
	);
	return built.ok
		? { itemIndex, items: built.value }
		: { itemIndex, error: attachTaskId(built.error, taskId) };
}

/** A task still running at the Timeout → the error that names it, or (On Timeout "Return Task As Is") the task as it is. */
export function timedOutResult(
	itemIndex: number,
	task: MjTask,
	settings: Pick<ItemSettings, 'wait' | 'output'>,
	lastError?: string,
): ItemResult {
	const taskId = String(task.id);
	if (settings.wait.onTimeout === 'returnTask') {
		return {
			itemIndex,
			items: [
				{
					json: { ...mapTask(task, settings.output.simplify), timedOut: true },
					pairedItem: { item: itemIndex },
				},
			],
		};
	}
	const seconds = Math.round(settings.wait.timeoutMs / 1000);
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

/**
 * The item of a task a parked execution still waits for: it goes on only
 * when the wait limit ends without the callbacks, for a Fetch to pick it up.
 */
export function waitingTaskItem(
	itemIndex: number,
	submitted: SubmittedTask,
	simplify: boolean,
): INodeExecutionData {
	const json = {
		...mapTask(submittedTaskSnapshot(submitted), simplify),
		...submitFacts(submitted),
		waitEndedWithoutCallback: true,
	};
	return { json, pairedItem: { item: itemIndex } };
}
