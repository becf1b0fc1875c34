import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { testCometApiConnection } from './transport/connectionTest';
import { route } from './execution/router';
import { nodeProperties } from './operations/description';
import { resumeOnCallback } from './execution/callback/resume';
import { NO_HOOK_REGISTRATION } from './hookRegistration';

export class Midjourney implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Midjourney',
		name: 'midjourney',
		icon: {
			light: 'file:../../icons/midjourney.svg',
			dark: 'file:../../icons/midjourney.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Generate and edit images and short videos with Midjourney through CometAPI (or a self-hosted midjourney-proxy): imagine, press buttons such as U1-U4 / V1-V4, blend, describe, edit, animate, and wait for the result',
		defaults: { name: 'Midjourney' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true, testedBy: 'cometApiConnection' }],
		// Wait Mode "Callback": the server calls the parked execution's resume URL.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		properties: nodeProperties(),
	};

	// The credential dialog's Test (testedBy above).
	methods = { credentialTest: { cometApiConnection: testCometApiConnection } };

	webhookMethods = NO_HOOK_REGISTRATION;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
