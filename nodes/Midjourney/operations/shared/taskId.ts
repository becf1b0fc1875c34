import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../../model/errors';
import { isTaskIdToken } from '../../model/task';
import { readText } from '../../parameters/readers';

/** A task id parameter, as text (ids are ~16 digits: never turned into numbers to compute with). */
export function readTaskId(ctx: IExecuteFunctions, itemIndex: number, name = 'taskId'): string {
	const taskId = readText(ctx, name, itemIndex, { label: 'Task ID' });
	if (taskId === '') {
		throw new MidjourneyError('input', `Task ID is empty for item ${itemIndex}`, {
			description: 'Map the taskId of a previous Midjourney node, e.g. {{ $json.taskId }}.',
		});
	}
	return checkTaskId(taskId, itemIndex);
}

/** Refuses what is not a task id (".", "..", "a/b") before anything is sent. */
export function checkTaskId(taskId: string, itemIndex: number): string {
	if (!isTaskIdToken(taskId)) {
		throw new MidjourneyError(
			'input',
			`Task ID "${taskId.slice(0, 60)}" of item ${itemIndex} is not a task id`,
			{
				description:
					'A task id is made of digits (some servers also use letters, "-" and "_"). Map the taskId of a previous Midjourney node, e.g. {{ $json.taskId }}.',
			},
		);
	}
	return taskId;
}

/** The Task ID field of an operation that continues an existing task. */
export function taskIdField(description: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		// The previous Midjourney node's task, so Imagine → Action needs no typing.
		default: '={{ $json.taskId }}',
		required: true,
		placeholder: 'e.g. 1712345678901234',
		description,
	};
}
