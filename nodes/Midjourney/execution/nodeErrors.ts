import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import { redactSecret } from '../model/redaction';

/**
 * MidjourneyError → the n8n error a user sees: input mistakes become
 * NodeOperationError, API trouble NodeApiError. Every text passes through
 * redaction, so a server that echoes the key cannot leak it.
 */
export function toNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	secret: string,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (!(error instanceof MidjourneyError)) {
		const message = redactSecret(error instanceof Error ? error.message : String(error), secret);
		return new NodeOperationError(ctx.getNode(), message, { itemIndex });
	}
	const message = redactSecret(error.message, secret);
	const description = error.details.description ? redactSecret(error.details.description, secret) : undefined;
	if (error.kind === 'input') {
		return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
	}
	const response: JsonObject = { message, kind: error.kind };
	if (description) response.description = description;
	if (error.details.code !== undefined) response.code = error.details.code;
	if (error.details.taskId) response.taskId = error.details.taskId;
	// Not `status`: NodeApiError would read a task status as the HTTP status code.
	if (error.details.status) response.taskStatus = error.details.status;
	if (error.details.progress !== undefined) response.progress = error.details.progress;
	return new NodeApiError(ctx.getNode(), response, {
		message,
		description,
		httpCode: error.details.httpCode !== undefined ? String(error.details.httpCode) : undefined,
		itemIndex,
	});
}

/** The JSON of an error item under Continue On Fail: the message and every id that was created. */
export function errorItemJson(error: unknown, secret: string): IDataObject {
	const json: IDataObject = {
		error: redactSecret(error instanceof Error ? error.message : String(error), secret),
	};
	if (error instanceof MidjourneyError) {
		json.errorKind = error.kind;
		if (error.details.description) json.errorDescription = redactSecret(error.details.description, secret);
		if (error.details.code !== undefined) json.code = error.details.code;
		if (error.details.taskId) json.taskId = error.details.taskId;
		if (error.details.status) json.status = error.details.status;
		if (error.details.progress !== undefined) json.progress = error.details.progress;
	} else if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.errorDescription = redactSecret(error.description, secret);
	}
	return json;
}
