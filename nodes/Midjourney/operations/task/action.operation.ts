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
		type: 'options',
		default: 'U1',
		required: true,
		// Values are the labels as Midjourney shows them (what saved workflows hold); any other
		// label, a key (upscaleSubtle) or a customId works by expression, e.g. {{ $json.U }}.
		options: [
			{ name: 'Animate (High Motion)', value: 'Animate (High motion)' },
			{ name: 'Animate (Low Motion)', value: 'Animate (Low motion)' },
			{ name: 'Custom Zoom (Opens a Dialog)', value: 'Custom Zoom' },
			{ name: 'Extend Video (High Motion)', value: 'Extend (High motion)' },
			{ name: 'Extend Video (Low Motion)', value: 'Extend (Low motion)' },
			{ name: 'Pan Down ⬇️', value: '⬇️' },
			{ name: 'Pan Left ⬅️', value: '⬅️' },
			{ name: 'Pan Right ➡️', value: '➡️' },
			{ name: 'Pan Up ⬆️', value: '⬆️' },
			{ name: 'Reroll 🔄', value: '🔄', description: 'Run the prompt again: a new grid' },
			{
				name: 'U1 (Upscale Picture 1)',
				value: 'U1',
				description: 'Top left picture of the grid (or video 1)',
			},
			{
				name: 'U2 (Upscale Picture 2)',
				value: 'U2',
				description: 'Top right picture of the grid (or video 2)',
			},
			{
				name: 'U3 (Upscale Picture 3)',
				value: 'U3',
				description: 'Bottom left picture of the grid (or video 3)',
			},
			{
				name: 'U4 (Upscale Picture 4)',
				value: 'U4',
				description: 'Bottom right picture of the grid (or video 4)',
			},
			{ name: 'Upscale (Creative)', value: 'Upscale (Creative)' },
			{ name: 'Upscale (Subtle)', value: 'Upscale (Subtle)' },
			{ name: 'V1 (Vary Picture 1)', value: 'V1' },
			{ name: 'V2 (Vary Picture 2)', value: 'V2' },
			{ name: 'V3 (Vary Picture 3)', value: 'V3' },
			{ name: 'V4 (Vary Picture 4)', value: 'V4' },
			{ name: 'Vary (Region) (Opens a Dialog)', value: 'Vary (Region)' },
			{ name: 'Vary (Strong)', value: 'Vary (Strong)' },
			{ name: 'Vary (Subtle)', value: 'Vary (Subtle)' },
			{ name: 'Zoom Out 1.5x', value: 'Zoom Out 1.5x' },
			{ name: 'Zoom Out 2x', value: 'Zoom Out 2x' },
		],
		hint: 'Any other button works by expression: its label as Midjourney shows it, its key or its customId',
		description:
			'The button to press on the previous task: U1–U4 upscale a picture of the grid, V1–V4 make variations of it, then on the upscaled picture Upscale, Vary, Zoom, Pan or Animate. The task must offer the button (its buttonLabels field lists them).',
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
				description:
					'For Vary (Region): the name of the input binary field holding the mask (white = repaint)',
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
	results: ['images', 'videos'],
	fields,
	prepare,
};
