import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../../model/errors';
import { readMask } from '../shared/imageSource';
import { readText, textValue } from '../../parameters/readers';
import { buttonPress, resolveCustomId } from '../shared/pressButton';
import { readTaskId, taskIdField } from '../shared/taskId';
import type { OperationInput, SubmitOperation, SubmitRequest } from '../types';

const fields: INodeProperties[] = [
	taskIdField('The ID of the finished task whose button to press (the parent task)'),
	{
		displayName: 'Button',
		name: 'button',
		type: 'string',
		default: 'U1',
		required: true,
		placeholder: 'U1',
		description:
			'The button to press, by its label as Midjourney shows it: U1-U4 (upscale), V1-V4 (variation), 🔄 or reroll, and after an upscale e.g. Upscale (Subtle), Vary (Strong), Vary (Region), Zoom Out 2x, Custom Zoom, ⬅️ (or pan left), Animate (Low motion); on a video U1-U4 upscale that video, then Extend (High motion). Case and spaces do not matter. A customId (MJ::JOB::…) or a key such as upscaleSubtle from a previous node works too.',
	},
	{
		displayName: 'Action Options',
		name: 'actionOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Enable Remix',
				name: 'enableRemix',
				type: 'boolean',
				default: false,
				description:
					'Whether to press the button in remix mode: variations, rerolls and pans then open a dialog (MODAL) for a new prompt',
			},
			{
				displayName: 'Modal Mask Binary Field',
				name: 'modalMaskBinaryProperty',
				type: 'string',
				default: '',
				description: 'For Vary (Region): the binary property holding the mask (white = repaint)',
			},
			{
				displayName: 'Modal Mask URL',
				name: 'modalMaskUrl',
				type: 'string',
				default: '',
				description: 'For Vary (Region): the mask as an http(s) URL or data URI (white = repaint)',
			},
			{
				displayName: 'Modal Prompt',
				name: 'modalPrompt',
				type: 'string',
				default: '',
				description:
					'When the button opens a dialog (Vary (Region), Custom Zoom, remix), submit it at once with this prompt and keep waiting. Without it, the node returns the MODAL task for a Modal operation to follow.',
			},
		],
	},
];

async function prepare(input: OperationInput): Promise<SubmitRequest> {
	const { ctx, itemIndex, baseUrl } = input;
	const taskId = readTaskId(ctx, itemIndex);
	const wanted = readText(ctx, 'button', itemIndex, { label: 'Button' });
	if (wanted === '') {
		throw new MidjourneyError('input', `Button is empty for item ${itemIndex}`, {
			description: 'Enter a button label such as U1, V2, 🔄 or Upscale (Subtle).',
		});
	}
	const actionOptions = ctx.getNodeParameter('actionOptions', itemIndex, {}) as IDataObject;
	const option = (name: string, label: string) => textValue(actionOptions[name], label, itemIndex);
	const modalPrompt = option('modalPrompt', 'Modal Prompt');
	const maskBase64 = await readMask(ctx, itemIndex, baseUrl, {
		url: option('modalMaskUrl', 'Modal Mask URL') || undefined,
		binaryProperty: option('modalMaskBinaryProperty', 'Modal Mask Binary Field') || undefined,
	});
	return buttonPress(input, {
		taskId,
		customId: await resolveCustomId(input, taskId, wanted),
		enableRemix: actionOptions.enableRemix === true,
		modalPrompt,
		maskBase64,
	});
}

export const action: SubmitOperation = {
	kind: 'submit',
	displayName: 'Action (Press a Button)',
	action: 'Press a button of a task',
	description:
		'Press a button of a finished task by its label: U1-U4 upscale a picture, V1-V4 make variations, 🔄 rerolls, and after an upscale Upscale (Subtle), Vary (Region), Zoom Out 2x…',
	endpoint: 'action',
	takesBot: false,
	fields,
	prepare,
};
