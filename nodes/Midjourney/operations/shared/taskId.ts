import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../../model/errors';

/** A task id parameter, as text (ids are ~16 digits: never turned into numbers to compute with). */
export function readTaskId(ctx: IExecuteFunctions, itemIndex: number, name = 'taskId'): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	const taskId = String(value ?? '').trim();
	if (taskId === '') {
		throw new MidjourneyError('input', `Task ID is empty for item ${itemIndex}`, {
			description: 'Map the taskId of a previous Midjourney node, e.g. {{ $json.taskId }}.',
		});
	}
	return taskId;
}

/** The Task ID field of an operation that continues an existing task. */
export function taskIdField(description: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '={{ $json.taskId }}',
		description,
	};
}
