import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { PARKED_BATCH_KEY, restoredError, watchedTaskIds, type ParkedBatch } from './park';
import { isFinalStatus, submittedTaskSnapshot } from '../../model/task';
import { settle } from '../../model/errors';
import { openApiSession } from '../apiSession';
import { collectOutput } from '../collectOutput';
import type { ItemResult } from '../../output/itemResult';
import { outcomeToResult } from '../../output/outcome';
import { answerCallback as answer } from '../../transport/webhookAnswer';

/**
 * Callback mode, the resuming half: the server's call to the parked
 * execution's resume URL. The body is trusted for nothing but a task id this
 * batch created; the tasks' real states are read from the API. The execution
 * resumes once, when every task it waits for has ended, with the items Poll
 * mode would have given.
 */

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
	const text = ctx.evaluateExpression(`{{ JSON.stringify($node[${name}].context[${JSON.stringify(PARKED_BATCH_KEY)}] ?? null) }}`);
	const batch = typeof text === 'string' ? (JSON.parse(text) as ParkedBatch | null) : null;
	return batch && Array.isArray(batch.items) ? batch : undefined;
}

export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = this.getBodyData() ?? {};
	const taskId = body.id === undefined || body.id === null ? '' : String(body.id);
	const batch = parkedBatchOf(this);
	const watched = batch ? watchedTaskIds(batch) : [];
	if (!batch || !watched.includes(taskId)) {
		return answer(this, 404, { message: 'No task of this execution has that id' });
	}
	// A non-final status needs no read: only a final one can end the wait, and it is checked at the source.
	if (!isFinalStatus(body.status)) return answer(this, 200, { message: 'Received; still waiting' });

	const { baseUrl, redactor, client } = await openApiSession(this);
	const read = await settle(async () => await client.fetchTasks(watched));
	if (!read.ok) return answer(this, 200, { message: 'Received; the tasks could not be read, still waiting' });
	const tasks = read.value;
	const open = watched.filter((id) => !isFinalStatus(tasks.get(id)?.status));
	if (open.length > 0) return answer(this, 200, { message: `Received; ${open.length} task(s) still running` });
	if (!claimResume(batch.key)) return answer(this, 200, { message: 'Received; already resumed' });

	const results: ItemResult[] = [];
	for (const item of batch.items) {
		if ('error' in item) {
			results.push({ itemIndex: item.itemIndex, error: restoredError(item.error) });
			continue;
		}
		const task = (item.watch && tasks.get(item.submitted.taskId)) || submittedTaskSnapshot(item.submitted);
		const outcome = { itemIndex: item.itemIndex, ok: true as const, submitted: item.submitted, task, timedOut: false };
		results.push(await outcomeToResult(this, outcome, item.settings, baseUrl));
	}
	// n8n does not run a node again when it resumes, so the node cannot stop the execution
	// here: a failed task becomes an error item in its place, as with Continue On Fail.
	const output = collectOutput({ getNode: () => this.getNode(), continueOnFail: () => true }, results, redactor);
	return { workflowData: [output] };
}
