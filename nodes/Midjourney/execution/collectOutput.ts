import type {
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import type { Redactor } from '../model/redaction';
import type { ItemResult } from '../output/itemResult';
import { errorItemJson, toNodeError } from './nodeErrors';

/**
 * Continue On Fail: error items in place, with pairedItem and the task id.
 * Otherwise the first error stops the node; its description names every
 * other task this run created, so none is lost. Every item leaves redacted:
 * its JSON deep, and the names of its binary files.
 */
export function collectOutput(
	ctx: Pick<IExecuteFunctions, 'getNode' | 'continueOnFail'>,
	results: ItemResult[],
	redactor: Redactor,
): INodeExecutionData[] {
	const output: INodeExecutionData[] = [];
	const continueOnFail = ctx.continueOnFail();
	let firstError: { itemIndex: number; error: NodeApiError | NodeOperationError } | undefined;
	for (const result of results) {
		if (result.error === undefined) {
			output.push(...(result.items ?? []).map((item) => redactItem(item, redactor)));
			continue;
		}
		if (continueOnFail) {
			output.push({
				json: errorItemJson(result.error, redactor),
				pairedItem: { item: result.itemIndex },
			});
		} else {
			firstError ??= {
				itemIndex: result.itemIndex,
				error: toNodeError(ctx, result.error, result.itemIndex, redactor),
			};
		}
	}
	if (firstError) {
		const others = results
			.filter((result) => result.itemIndex !== firstError!.itemIndex)
			.flatMap((result) => [
				...(result.items ?? []).map(
					(item) =>
						`item ${result.itemIndex}: task ${String(item.json.taskId)} (${String(item.json.status)})`,
				),
				...(result.error instanceof MidjourneyError && result.error.details.taskId
					? [
							`item ${result.itemIndex}: task ${result.error.details.taskId} (${result.error.details.status ?? result.error.kind})`,
						]
					: []),
			]);
		if (others.length) {
			const error = firstError.error;
			error.description = redactor.text(
				`${error.description ?? ''}\nOther tasks this run created: ${others.join('; ')}.`.trim(),
			);
		}
		throw firstError.error;
	}
	return output;
}

/** An output item with its JSON and its binary files' metadata redacted (the file contents are the user's). */
function redactItem(item: INodeExecutionData, redactor: Redactor): INodeExecutionData {
	const redacted: INodeExecutionData = { ...item, json: redactor.json(item.json) };
	if (item.binary) {
		redacted.binary = Object.fromEntries(
			Object.entries(item.binary).map(([name, { data, id, ...metadata }]) => [
				redactor.text(name),
				{ ...redactor.json(metadata), data, ...(id !== undefined ? { id } : {}) },
			]),
		);
	}
	return redacted;
}
