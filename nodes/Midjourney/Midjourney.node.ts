import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { route } from './execution/router';
import { nodeProperties } from './operations/description';

export class Midjourney implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Midjourney',
		name: 'midjourney',
		icon: { light: 'file:../../icons/midjourney.svg', dark: 'file:../../icons/midjourney.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Generate and edit images with Midjourney through CometAPI (or a self-hosted midjourney-proxy): imagine, press buttons such as U1-U4 / V1-V4, blend, describe, and wait for the result',
		defaults: { name: 'Midjourney' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		properties: nodeProperties(),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
