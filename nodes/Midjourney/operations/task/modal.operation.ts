import type { INodeProperties } from 'n8n-workflow';

import { readMask } from '../shared/imageSource';
import { readChoice, readText } from '../../parameters/readers';
import { commonSubmitFields } from '../../parameters/settings';
import { readTaskId, taskIdField } from '../shared/taskId';
import type { OperationInput, SubmitOperation, SubmitRequest } from '../types';

const MASK_SOURCES = ['none', 'url', 'binary'] as const;

const fields: INodeProperties[] = [
	taskIdField('The ID of the task waiting in status MODAL (after Vary (Region) or Custom Zoom)'),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description:
			'For Vary (Region): what to paint in the masked area. For Custom Zoom: the prompt with --zoom (1-2), e.g. "a wide beach --zoom 1.5 --ar 16:9".',
	},
	{
		displayName: 'Mask Source',
		name: 'maskSource',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'URL', value: 'url' },
			{ name: 'Binary File', value: 'binary' },
		],
		description: 'Vary (Region) needs a mask: a black image with the area to repaint in white',
	},
	{
		displayName: 'Mask URL',
		name: 'maskUrl',
		type: 'string',
		default: '',
		placeholder: 'data:image/png;base64,…',
		description: 'A link to the mask image (http or https), or a data: URL',
		displayOptions: { show: { maskSource: ['url'] } },
	},
	{
		displayName: 'Mask Binary Field',
		name: 'maskBinaryProperty',
		type: 'string',
		default: 'data',
		description: 'The name of the input binary field holding the mask image',
		displayOptions: { show: { maskSource: ['binary'] } },
	},
];

async function prepare({
	ctx,
	itemIndex,
	settings,
	baseUrl,
}: OperationInput): Promise<SubmitRequest> {
	const taskId = readTaskId(ctx, itemIndex);
	const prompt = readText(ctx, 'prompt', itemIndex, { label: 'Prompt' });
	const maskSource = readChoice(ctx, 'maskSource', itemIndex, {
		label: 'Mask Source',
		choices: MASK_SOURCES,
		fallback: 'none',
	});
	const maskBase64 = await readMask(ctx, itemIndex, baseUrl, {
		url:
			maskSource === 'url' ? readText(ctx, 'maskUrl', itemIndex, { label: 'Mask URL' }) : undefined,
		binaryProperty:
			maskSource === 'binary'
				? readText(ctx, 'maskBinaryProperty', itemIndex, {
						label: 'Mask Binary Field',
						fallback: 'data',
					})
				: undefined,
	});
	const { state, notifyHook } = commonSubmitFields(settings);
	const body = {
		taskId,
		...(prompt ? { prompt } : {}),
		...(maskBase64 ? { maskBase64 } : {}),
		...(state !== undefined ? { state } : {}),
		...(notifyHook !== undefined ? { notifyHook } : {}),
	};
	return { endpoint: modal.endpoint, body };
}

export const modal: SubmitOperation = {
	kind: 'submit',
	displayName: 'Modal',
	action: 'Answer a task that asks for a prompt',
	description:
		'Give the new prompt (and the mask) a task asks for after Vary (Region), Custom Zoom or a remix (its status is MODAL)',
	endpoint: 'modal',
	takesBot: false,
	results: ['images'],
	fields,
	prepare,
};
