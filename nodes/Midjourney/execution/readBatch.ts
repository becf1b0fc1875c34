import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { normaliseTask } from '../model/task';
import { readOutputSettings } from '../parameters/settings';
import type { ReadOperation } from '../operations/types';
import type { MidjourneyClient } from '../transport/client';
import type { ItemResult } from '../output/itemResult';
import { buildTaskItems } from '../output/taskItems';

/** A read operation (Fetch): its tasks per item → each item's output, as a finished task would give. */
export async function runReadBatch(
	ctx: IExecuteFunctions,
	operation: ReadOperation,
	client: MidjourneyClient,
	baseUrl: string,
): Promise<ItemResult[]> {
	const results: ItemResult[] = [];
	for (const { itemIndex, tasks, error } of await operation.read(ctx, client)) {
		if (error !== undefined || !tasks) {
			results.push({ itemIndex, error });
			continue;
		}
		try {
			const settings = readOutputSettings(ctx, itemIndex);
			const items: INodeExecutionData[] = [];
			for (const task of tasks) items.push(...(await buildTaskItems(ctx, itemIndex, normaliseTask(task), settings, baseUrl)));
			results.push({ itemIndex, items });
		} catch (buildError) {
			results.push({ itemIndex, error: buildError });
		}
	}
	return results;
}
