import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../engine/errors';
import type { MjTask } from '../engine/taskOutput';
import type { MidjourneyClient } from '../transport/api';
import { buildTaskItems } from './output';
import { readItemSettings } from './settings';

export const description: INodeProperties[] = [
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.taskId }}',
		description:
			'One task ID, or several separated by commas, spaces or new lines (or an expression returning an array). Each task becomes one output item. Several are read in one request.',
		displayOptions: { show: { operation: ['fetch'] } },
	},
];

/** "1, 2\n3" or [1, "2"] → ["1", "2", "3"], as text. */
export function splitTaskIds(value: unknown): string[] {
	const entries = Array.isArray(value) ? value : [value];
	return entries
		.flatMap((entry) => String(entry ?? '').split(/[\s,;]+/))
		.map((id) => id.trim())
		.filter((id) => id !== '');
}

export interface FetchItemResult {
	itemIndex: number;
	items?: INodeExecutionData[];
	error?: unknown;
}

/** Reads every item's tasks in one batched read, then builds each item's output. */
export async function execute(
	ctx: IExecuteFunctions,
	client: MidjourneyClient,
	baseUrl: string,
): Promise<FetchItemResult[]> {
	const inputs = ctx.getInputData();
	const requested = inputs.map((_, itemIndex) => {
		try {
			const ids = splitTaskIds(ctx.getNodeParameter('taskIds', itemIndex, ''));
			if (ids.length === 0) {
				throw new MidjourneyError('input', `Task IDs is empty for item ${itemIndex}`, {
					description: 'Map the taskId of a previous Midjourney node, e.g. {{ $json.taskId }}.',
				});
			}
			return { itemIndex, ids };
		} catch (error) {
			return { itemIndex, ids: [] as string[], error };
		}
	});
	const allIds = [...new Set(requested.flatMap((request) => request.ids))];
	let tasks = new Map<string, MjTask>();
	let readError: unknown;
	try {
		if (allIds.length === 1) {
			// One id: the plain fetch endpoint, which every server has.
			const task = await client.fetchTask(allIds[0]);
			if (task) tasks.set(allIds[0], task);
		} else if (allIds.length > 1) {
			tasks = await client.fetchTasks(allIds);
		}
	} catch (error) {
		readError = error;
	}
	const results: FetchItemResult[] = [];
	for (const request of requested) {
		const { itemIndex } = request;
		if (request.error || readError) {
			results.push({ itemIndex, error: request.error ?? readError });
			continue;
		}
		try {
			const settings = readItemSettings(ctx, itemIndex, 'fetch');
			const items: INodeExecutionData[] = [];
			for (const id of request.ids) {
				const task = tasks.get(id);
				if (!task) {
					throw new MidjourneyError('notFound', `Task ${id} was not found`, {
						taskId: id,
						description: 'Check the ID: tasks are visible only to the API key that created them.',
					});
				}
				items.push(...(await buildTaskItems(ctx, itemIndex, task, settings, baseUrl)));
			}
			results.push({ itemIndex, items });
		} catch (error) {
			results.push({ itemIndex, error });
		}
	}
	return results;
}
