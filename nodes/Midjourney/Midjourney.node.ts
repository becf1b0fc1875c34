import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as action from './actions/action.operation';
import * as blend from './actions/blend.operation';
import { optionsCollection, waitForCompletionField } from './actions/common.description';
import * as describe from './actions/describe.operation';
import * as fetch from './actions/fetch.operation';
import * as imagine from './actions/imagine.operation';
import * as modal from './actions/modal.operation';
import { route } from './actions/router';

export class Midjourney implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Midjourney',
		name: 'midjourney',
		icon: { light: 'file:../../icons/midjourney.svg', dark: 'file:../../icons/midjourney.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] }}',
		description:
			'Generate and edit images with Midjourney through CometAPI (or a self-hosted midjourney-proxy): imagine, press buttons such as U1-U4 / V1-V4, blend, describe, and wait for the result',
		defaults: { name: 'Midjourney' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'imagine',
				options: [
					{
						name: 'Action (Press a Button)',
						value: 'action',
						action: 'Press a button of a task',
						description:
							'Press a button of a finished task by its label: U1-U4 upscale a picture, V1-V4 make variations, 🔄 rerolls, and after an upscale Upscale (Subtle), Vary (Region), Zoom Out 2x…',
					},
					{
						name: 'Blend',
						value: 'blend',
						action: 'Blend 2 to 5 images',
						description: 'Blend 2 to 5 images into a new 2x2 grid',
					},
					{
						name: 'Describe',
						value: 'describe',
						action: 'Describe an image as prompts',
						description: 'Get four suggested prompts for an image',
					},
					{
						name: 'Fetch',
						value: 'fetch',
						action: 'Fetch tasks by ID',
						description: 'Read the current state of one or more tasks by ID',
					},
					{
						name: 'Imagine',
						value: 'imagine',
						action: 'Generate images from a prompt',
						description: 'Generate a 2x2 grid of images from a text prompt (and optional reference images)',
					},
					{
						name: 'Modal',
						value: 'modal',
						action: 'Submit the dialog of a modal task',
						description:
							'Give the prompt (and mask) a MODAL task waits for, after Vary (Region) or Custom Zoom',
					},
				],
			},
			...imagine.description,
			...action.description,
			...modal.description,
			...blend.description,
			...describe.description,
			...fetch.description,
			waitForCompletionField,
			optionsCollection,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
