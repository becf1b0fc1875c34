import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { NO_HOOK_REGISTRATION } from './hookRegistration';
import { readTriggerSettings } from './parameters/triggerSettings';
import { receiveFinishedTask } from './trigger/receiveFinishedTask';

export class MidjourneyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Midjourney Trigger',
		name: 'midjourneyTrigger',
		icon: { light: 'file:../../icons/midjourney.svg', dark: 'file:../../icons/midjourney.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + $parameter["statuses"].join(", ") }}',
		description: 'Starts the workflow when a Midjourney task finishes (the server calls this node back)',
		defaults: { name: 'Midjourney Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'midjourney' }],
		properties: [
			{
				displayName:
					'Set this node\'s Production URL as the Notify Hook URL of the Midjourney node (Wait for Completion off) and activate the workflow. Each finished task starts one execution.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				default: ['SUCCESS', 'FAILURE', 'CANCEL', 'MODAL'],
				options: [
					{ name: 'Cancel', value: 'CANCEL' },
					{ name: 'Failure', value: 'FAILURE' },
					{ name: 'Modal', value: 'MODAL' },
					{ name: 'Success', value: 'SUCCESS' },
				],
				description: 'Which final statuses start the workflow',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Image',
						name: 'downloadImage',
						type: 'boolean',
						default: false,
						description: "Whether to attach the finished task's image as binary data",
					},
					{
						displayName: 'Put Image In Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The name of the binary property the downloaded image is put in',
					},
					{
						displayName: 'Only State',
						name: 'state',
						type: 'string',
						default: '',
						description: 'Start only for tasks submitted with this State (e.g. the name of the submitting workflow); empty: any',
					},
				],
			},
		],
	};

	webhookMethods = NO_HOOK_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { filters, output } = readTriggerSettings(this);
		return await receiveFinishedTask(this, filters, output);
	}
}
