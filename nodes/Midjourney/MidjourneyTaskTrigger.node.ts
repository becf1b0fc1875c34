import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { NO_HOOK_REGISTRATION } from './hookRegistration';
import { readTriggerSettings } from './parameters/triggerSettings';
import { testCometApiConnection } from './transport/connectionTest';
import { receiveFinishedTask } from './trigger/receiveFinishedTask';

export class MidjourneyTaskTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Midjourney Trigger',
		// Not "midjourneyTrigger": n8n's node creator merges a trigger named like a node plus "Trigger"
		// into that node's entry and gives it the trigger's description; each entry reads as itself.
		name: 'midjourneyTaskTrigger',
		icon: {
			light: 'file:../../icons/midjourney.svg',
			dark: 'file:../../icons/midjourney.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + $parameter["statuses"].join(", ") }}',
		description:
			'Starts the workflow when a Midjourney task finishes (the server calls this node back)',
		defaults: { name: 'Midjourney Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cometApi', required: true, testedBy: 'cometApiConnection' }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'midjourney' },
		],
		properties: [
			{
				displayName:
					"Set this node's Production URL as the Notify Hook URL of the Midjourney node (Wait for Completion off) and activate the workflow. Each finished task starts one execution.",
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
						displayName: 'Put Output File in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The name of the output binary field the downloaded picture is put in',
					},
					{
						displayName: 'Only State',
						name: 'state',
						type: 'string',
						default: '',
						description:
							'Start only for tasks submitted with this State (e.g. the name of the submitting workflow); empty: any',
					},
				],
			},
		],
	};

	// The credential dialog's Test (testedBy above).
	methods = { credentialTest: { cometApiConnection: testCometApiConnection } };

	webhookMethods = NO_HOOK_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { filters, output } = readTriggerSettings(this);
		return await receiveFinishedTask(this, filters, output);
	}
}
