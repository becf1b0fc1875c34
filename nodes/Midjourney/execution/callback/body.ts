import type { IWebhookFunctions } from 'n8n-workflow';

import { normaliseTask, type MjTask } from '../../model/task';
import { parseJsonKeepingIds } from '../../transport/jsonBody';

/**
 * The task a server's callback carries, read as API answers are: from the
 * raw body n8n keeps (`rawBody`), so an id above 2^53 sent as a JSON number
 * keeps every digit (n8n's parsed body has rounded it), then normalised.
 * Falls back to n8n's parsed body when there is no raw JSON body.
 */
export function callbackTask(ctx: IWebhookFunctions): MjTask {
	const raw = (ctx.getRequestObject() as { rawBody?: unknown }).rawBody;
	let body: unknown;
	if (raw instanceof Uint8Array && raw.length > 0) {
		try {
			body = parseJsonKeepingIds(new TextDecoder().decode(raw));
		} catch {
			body = undefined;
		}
	}
	body ??= ctx.getBodyData();
	const task =
		body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as MjTask) : {};
	return normaliseTask(task);
}

/** The callback's task id as text ('' when there is none). */
export function callbackTaskId(task: MjTask): string {
	return task.id === undefined || task.id === null ? '' : String(task.id).trim();
}
