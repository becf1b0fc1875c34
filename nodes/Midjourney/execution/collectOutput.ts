import type { IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import type { ItemResult } from './itemResult';
import { errorItemJson, toNodeError } from './nodeErrors';

/**
 * Continue On Fail: error items in place, with pairedItem and the task id.
 * Otherwise the first error stops the node; its description names every
 * other task this run created, so none is lost.
 */
export function collectOutput(ctx: IExecuteFunctions, results: ItemResult[], secret: string): INodeExecutionData[] {
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
