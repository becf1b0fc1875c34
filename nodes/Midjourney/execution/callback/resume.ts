import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { PARKED_BATCH_KEY, restoredError, watchedTaskIds, type ParkedBatch } from './park';
import { isFinalStatus, submittedTaskSnapshot, type MjTask } from '../../model/task';
import { settle } from '../../model/errors';
import { openApiSession } from '../apiSession';
import { callbackTask, callbackTaskId } from './body';
import { collectOutput } from '../collectOutput';
import type { ItemResult } from '../../output/itemResult';
import { outcomeToResult } from '../../output/outcome';
import { answerCallback as answer } from '../../transport/webhookAnswer';

/**
 * Callback mode, the resuming half: the server's call to the parked
 * execution's resume URL. The body is trusted for nothing but a task id this
 * batch created; the tasks' real states are read from the API. The execution
 * resumes once, when every task it waits for has ended, with the items Poll
 * mode would have given. Exactly one callback may resume it, whichever n8n
 * process receives it (webhook processes share no memory): the final callback
 * of the task that completed the batch, chosen from what the API says; every
 * other callback only ever keeps it waiting. A callback the node could not
 * act on is answered 503, so a gateway that retries calls again.
 */

/** A callback's read of the batch: one attempt, as the gateway waits for the answer (and may retry). */
const CALLBACK_READ_MS = 10_000;

/** Resumes already answered, by park: n8n marks the execution running only once the resumed run starts. */
const resumed = new Map<string, number>();
const RESUMED_MEMORY_MS = 10 * 60_000;

/** Whether this callback is the one that resumes the batch (a second one, even at the same moment, is not). */
function claimResume(key: string): boolean {
	const now = Date.now();
	for (const [known, at] of resumed) if (now - at > RESUMED_MEMORY_MS) resumed.delete(known);
	if (resumed.has(key)) return false;
	resumed.set(key, now);
	return true;
}

/** The batch the node parked, from its execution context (stored with the waiting execution). */
function parkedBatchOf(ctx: IWebhookFunctions): ParkedBatch | undefined {
	const name = JSON.stringify(ctx.getNode().name);
	const text = ctx.evaluateExpression(
		`{{ JSON.stringify($node[${name}].context[${JSON.stringify(PARKED_BATCH_KEY)}] ?? null) }}`,
	);
	const batch = typeof text === 'string' ? (JSON.parse(text) as ParkedBatch | null) : null;
	return batch && Array.isArray(batch.items) ? batch : undefined;
}

/** Orders task ids: numeric ids by value (as text, any length), others after them by text. */
function compareIds(a: string, b: string): number {
	const numeric = /^\d+$/;
	if (numeric.test(a) && numeric.test(b)) {
		const [x, y] = [a.replace(/^0+/, ''), b.replace(/^0+/, '')];
		return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
	}
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The task whose final callback resumes the batch: the one that finished
 * last (latest `finishTime`; on a tie the greatest id), as the API says. Its
 * final callback is sent once every task has ended, so it finds the batch
 * complete; any other task's callback may find it complete too, but is not
 * the one. Undefined when a task has no finishTime (then any final callback
 * may resume, guarded in this process's memory only).
 */
export function resumingTaskId(ids: string[], tasks: Map<string, MjTask>): string | undefined {
	let chosen: string | undefined;
	let chosenAt = -Infinity;
	for (const id of ids) {
		const finishedAt = Number(tasks.get(id)?.finishTime);
		if (!Number.isFinite(finishedAt) || finishedAt <= 0) return undefined;
		if (
			chosen === undefined ||
			finishedAt > chosenAt ||
			(finishedAt === chosenAt && compareIds(id, chosen) > 0)
		) {
			chosen = id;
			chosenAt = finishedAt;
		}
	}
	return chosen;
}

export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = callbackTask(this);
	const taskId = callbackTaskId(body);
	const batch = parkedBatchOf(this);
	const watched = batch ? watchedTaskIds(batch) : [];
	if (!batch || !watched.includes(taskId)) {
		return answer(this, 404, { message: 'No task of this execution has that id' });
	}
	// A non-final status needs no read: only a final one can end the wait, and it is checked at the source.
	if (!isFinalStatus(body.status)) return answer(this, 200, { message: 'Received; still waiting' });

	const { baseUrl, redactor, client } = await openApiSession(this);
	const read = await settle(
		async () => await client.fetchTasksOnce(watched, Date.now() + CALLBACK_READ_MS),
	);
	if (!read.ok)
		return answer(this, 503, { message: 'The tasks could not be read from the API; call again' });
	const tasks = read.value;
	const open = watched.filter((id) => !isFinalStatus(tasks.get(id)?.status));
	// The API does not show this task ended yet: this callback may be the one that completes the batch.
	if (open.includes(taskId))
		return answer(this, 503, {
			message: `The API does not show task ${taskId} ended yet; call again`,
		});
	if (open.length > 0)
		return answer(this, 200, { message: `Received; ${open.length} task(s) still running` });
	const resumer = resumingTaskId(watched, tasks);
	if (resumer !== undefined && resumer !== taskId) {
		return answer(this, 200, {
			message: `Received; the callback of task ${resumer}, which ended last, resumes`,
		});
	}
	if (!claimResume(batch.key)) return answer(this, 200, { message: 'Received; already resumed' });

	const results: ItemResult[] = [];
	for (const item of batch.items) {
		if ('error' in item) {
			results.push({ itemIndex: item.itemIndex, error: restoredError(item.error) });
			continue;
		}
		const task =
			(item.watch && tasks.get(item.submitted.taskId)) || submittedTaskSnapshot(item.submitted);
		const outcome = {
			itemIndex: item.itemIndex,
			ok: true as const,
			submitted: item.submitted,
			task,
			timedOut: false,
		};
		results.push(await outcomeToResult(this, outcome, item.settings, baseUrl));
	}
	// n8n does not run a node again when it resumes, so the node cannot stop the execution
	// here: a failed task becomes an error item in its place, as with Continue On Fail.
	const output = collectOutput(
		{ getNode: () => this.getNode(), continueOnFail: () => true },
		results,
		redactor,
	);
	return { workflowData: [output] };
}
