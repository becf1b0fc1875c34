import type { IExecuteFunctions } from 'n8n-workflow';

import type { ImmediateOperation } from '../operations/types';
import type { MidjourneyClient } from '../transport/client';
import { mapWithConcurrency } from '../waiting/runner';
import type { ItemResult } from '../output/itemResult';

/** Items answered at the same time: each is one short request. */
const IMMEDIATE_CONCURRENCY = 4;

/** An immediate operation (Upload Images, Get Seed): each item's answer is its output item. */
export async function runImmediateBatch(
	ctx: IExecuteFunctions,
	operation: ImmediateOperation,
	client: MidjourneyClient,
	baseUrl: string,
): Promise<ItemResult[]> {
	return await mapWithConcurrency(
		ctx.getInputData(),
		IMMEDIATE_CONCURRENCY,
		async (_, itemIndex): Promise<ItemResult> => {
			try {
				const json = await operation.run({ ctx, itemIndex, client, baseUrl });
				return { itemIndex, items: [{ json, pairedItem: { item: itemIndex } }] };
			} catch (error) {
				return { itemIndex, error };
			}
		},
	);
}
