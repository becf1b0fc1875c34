import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../engine/errors';

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
