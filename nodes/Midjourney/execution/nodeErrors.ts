import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import type { Redactor } from '../model/redaction';

/**
 * MidjourneyError → the n8n error a user sees: input mistakes become
 * NodeOperationError, API trouble NodeApiError. Every text passes through
 * the execution's redactor, so a server that echoes the key cannot leak it;
 * n8n errors from elsewhere are rebuilt from their redacted texts, since
 * their causes may hold request options.
 */
export function toNodeError(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	error: unknown,
	itemIndex: number,
	redactor: Redactor,
): NodeApiError | NodeOperationError {
	if (!(error instanceof MidjourneyError)) {
		const message = redactor.text(error instanceof Error ? error.message : String(error));
		const description =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? redactor.text(error.description ?? '') || undefined
				: undefined;
		if (error instanceof NodeApiError) {
			return new NodeApiError(
				ctx.getNode(),
				{ message },
				{
					message,
					description,
					httpCode: error.httpCode ?? undefined,
					itemIndex,
				},
			);
		}
		return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	}
	const message = redactor.text(error.message);
	const description = error.details.description
		? redactor.text(error.details.description)
		: undefined;
	if (error.kind === 'input') {
		return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	}
	const response: JsonObject = { message, kind: error.kind };
	if (description) response.description = description;
	if (error.details.code !== undefined) response.code = error.details.code;
	if (error.details.taskId) response.taskId = redactor.text(error.details.taskId);
	// Not `status`: NodeApiError would read a task status as the HTTP status code.
	if (error.details.status) response.taskStatus = redactor.text(error.details.status);
	if (error.details.progress !== undefined)
		response.progress = redactor.text(error.details.progress);
	const apiError = new NodeApiError(ctx.getNode(), response, {
		message,
		description,
		httpCode: error.details.httpCode !== undefined ? String(error.details.httpCode) : undefined,
		itemIndex,
	});
	// NodeApiError swaps a message that names a network code ("… failed (ECONNRESET)") for its
	// generic sentence, which names neither the file nor the task: keep the node's own.
	apiError.message = message;
	return apiError;
}

/**
 * The JSON of an error item under Continue On Fail: the message, every id
 * that was created and the task as last seen, all redacted.
 */
export function errorItemJson(error: unknown, redactor: Redactor): IDataObject {
	const json: IDataObject = {
		error: error instanceof Error ? error.message : String(error),
	};
	if (error instanceof MidjourneyError) {
		Object.assign(json, error.details.task ?? {}, { error: json.error });
		json.errorKind = error.kind;
		if (error.details.description) json.errorDescription = error.details.description;
		if (error.details.code !== undefined) json.code = error.details.code;
		if (error.details.taskId) json.taskId = error.details.taskId;
		if (error.details.status) json.status = error.details.status;
		if (error.details.progress !== undefined) json.progress = error.details.progress;
	} else if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.errorDescription = error.description;
	}
	return redactor.json(json);
}
