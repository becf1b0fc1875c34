import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../../model/errors';
import type { MjTask } from '../../model/task';
import type { MidjourneyClient } from '../../transport/client';
import { readTextList } from '../../parameters/readers';
import { checkTaskId } from '../shared/taskId';
import type { ReadOperation, TaskReadResult } from '../types';

/** ["1, 2\n3", "4"] → ["1", "2", "3", "4"]. */
export function splitTaskIds(entries: string[]): string[] {
	return entries
		.flatMap((entry) => entry.split(/[\s,;]+/))
		.map((id) => id.trim())
		.filter((id) => id !== '');
}

/** Reads every item's tasks in one batched read, cut off at `deadline`. */
async function read(
	ctx: IExecuteFunctions,
	client: MidjourneyClient,
	deadline?: number,
): Promise<TaskReadResult[]> {
	const requested = ctx.getInputData().map((_, itemIndex) => {
		try {
			const ids = splitTaskIds(readTextList(ctx, 'taskIds', itemIndex, { label: 'Task IDs' }));
			if (ids.length === 0) {
				throw new MidjourneyError('input', `Task IDs is empty for item ${itemIndex}`, {
					description: 'Map the taskId of a previous Midjourney node, e.g. {{ $json.taskId }}.',
				});
			}
			return { itemIndex, ids: ids.map((id) => checkTaskId(id, itemIndex)) };
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
			const task = await client.fetchTask(allIds[0], deadline);
			if (task) tasks.set(allIds[0], task);
		} else if (allIds.length > 1) {
			tasks = await client.fetchTasks(allIds, deadline);
		}
	} catch (error) {
		readError = error;
	}
	return requested.map(({ itemIndex, ids, error }): TaskReadResult => {
		if (error || readError) return { itemIndex, error: error ?? readError };
		const missing = ids.find((id) => !tasks.has(id));
		if (missing !== undefined) {
			return {
				itemIndex,
				error: new MidjourneyError('notFound', `Task ${missing} was not found`, {
					taskId: missing,
					description: 'Check the ID: tasks are visible only to the API key that created them.',
				}),
			};
		}
		return { itemIndex, tasks: ids.map((id) => tasks.get(id)!) };
	});
}

export const fetch: ReadOperation = {
	kind: 'read',
	results: ['images', 'videos'],
	displayName: 'Fetch',
	action: 'Fetch tasks by ID',
	description:
		'Get the status and results (pictures, videos, buttons) of one or more tasks by their ID, or wait until they have finished',
	waits: true,
	fields: [
		{
			displayName: 'Task IDs',
			name: 'taskIds',
			type: 'string',
			// The previous Midjourney node's task, so a chain needs no typing.
			default: '={{ $json.taskId }}',
			required: true,
			placeholder: 'e.g. 1712345678901234',
			description:
				'One task ID, or several separated by commas, spaces or new lines (or an expression returning an array). Each task becomes one output item. Several are read in one request.',
		},
	],
	read,
};
