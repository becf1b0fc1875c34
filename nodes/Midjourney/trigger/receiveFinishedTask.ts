import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { OutputSettings } from '../parameters/settings';
import type { TriggerFilters } from '../parameters/triggerSettings';
import { isFinalStatus, isTaskIdToken } from '../model/task';
import { settle } from '../model/errors';
import { openApiSession } from '../execution/apiSession';
import { callbackTask, callbackTaskId } from '../execution/callback/body';
import { collectOutput } from '../execution/collectOutput';
import { buildTaskItems } from '../output/taskItems';
import { answerCallback as answer } from '../transport/webhookAnswer';

/**
 * The Midjourney Trigger's callback: a server POSTs a task to the trigger's
 * URL (its notifyHook). Only the task id is taken from the body; the task
 * itself is read from the API with the trigger's credential, so a forged call
 * cannot inject data, and an id the API does not know is answered 404.
 */

/** Tasks that started an execution, by trigger: a repeated final callback starts none (one execution per task). */
const started = new Map<string, number>();
const STARTED_MEMORY_MS = 60 * 60_000;
const STARTED_MEMORY_SIZE = 10_000;

/** Whether this is the first final callback of the task for this trigger (in this process). */
function claimStart(key: string): boolean {
	const now = Date.now();
	// Maps keep insertion order: the oldest entries are dropped first.
	for (const [known, at] of started) {
		if (now - at <= STARTED_MEMORY_MS && started.size <= STARTED_MEMORY_SIZE) break;
		started.delete(known);
	}
	if (started.has(key)) return false;
	started.set(key, now);
	return true;
}

export async function receiveFinishedTask(
	ctx: IWebhookFunctions,
	filters: TriggerFilters,
	outputSettings: OutputSettings,
): Promise<IWebhookResponseData> {
	const body = callbackTask(ctx);
	const taskId = callbackTaskId(body);
	if (taskId === '') return answer(ctx, 400, { message: 'The body has no task id' });
	// The same rule as every Task ID field: "." or ".." would climb out of /mj/task/{id}/fetch.
	if (!isTaskIdToken(taskId))
		return answer(ctx, 400, { message: "The body's id is not a task id" });
	// Progress callbacks need no read: only a finished task starts the workflow, and that is checked at the source.
	if (!isFinalStatus(body.status))
		return answer(ctx, 200, { message: 'Received; the task is not finished' });

	const { baseUrl, redactor, client } = await openApiSession(ctx);
	const read = await settle(async () => await client.fetchTask(taskId));
	if (!read.ok) return answer(ctx, 503, { message: 'The task could not be read from the API' });
	const task = read.value;
	if (!task) return answer(ctx, 404, { message: 'No such task' });
	if (!isFinalStatus(task.status))
		return answer(ctx, 200, { message: 'Received; the task is not finished' });
	if (!filters.statuses.includes(String(task.status)))
		return answer(ctx, 200, { message: 'Received; status filtered out' });
	if (filters.state !== '' && task.state !== filters.state)
		return answer(ctx, 200, { message: 'Received; state filtered out' });
	if (!claimStart(`${String(ctx.getWorkflow().id)}/${ctx.getNode().name}/${taskId}`)) {
		return answer(ctx, 200, { message: 'Received; this task already started an execution' });
	}

	const built = await settle(
		async () => await buildTaskItems(ctx, 0, { ...task, id: taskId }, outputSettings, baseUrl),
	);
	const results = built.ok
		? [{ itemIndex: 0, items: built.value }]
		: [{ itemIndex: 0, error: built.error }];
	// A download that fails still starts the workflow, with the error in the item: the task ended either way.
	const output = collectOutput(
		{ getNode: () => ctx.getNode(), continueOnFail: () => true },
		results,
		redactor,
	);
	return { workflowData: [output.map(({ pairedItem: _paired, ...item }) => item)] };
}
