import { readTaskId, taskIdField } from '../shared/taskId';
import type { ImmediateOperation } from '../types';

export const getSeed: ImmediateOperation = {
	kind: 'immediate',
	displayName: 'Get Seed',
	action: 'Get the seed of a task',
	description: 'Read the seed of a finished task, to repeat its look with --seed',
	fields: [
		taskIdField('The ID of the finished task (a grid, an upscale or a video) whose seed to read'),
	],
	async run({ ctx, itemIndex, client }) {
		const taskId = readTaskId(ctx, itemIndex);
		return { taskId, seed: await client.imageSeed(taskId) };
	},
};
