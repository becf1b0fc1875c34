import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { findButton, formatAvailableButtons, type MjButton } from '../../model/buttons';
import { MidjourneyError, attachTaskId, settle } from '../../model/errors';
import { isGridTask } from '../../model/outputMapper';
import { SUBMIT_CODE } from '../../model/submitCodes';
import type { SubmittedTask } from '../../model/task';
import { readMask } from '../shared/imageSource';
import { commonSubmitFields } from '../shared/settings';
import { readTaskId, taskIdField } from '../shared/taskId';
import type { OperationInput, SubmitOperation, SubmitTask } from '../types';
import { modal } from './modal.operation';

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
			'The button to press, by its label as Midjourney shows it: U1-U4 (upscale), V1-V4 (variation), 🔄 or reroll, and after an upscale e.g. Upscale (Subtle), Vary (Strong), Vary (Region), Zoom Out 2x, Custom Zoom, ⬅️ (or pan left). Case and spaces do not matter. A customId (MJ::JOB::…) or a key such as upscaleSubtle from a previous node works too.',
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

/** Resolves the Button field against the parent task's buttons. */
async function resolveCustomId(
	{ client, itemIndex }: OperationInput,
	taskId: string,
	wanted: string,
): Promise<string> {
	// A raw customId is pressed as given: the server checks it against the parent.
	if (wanted.includes('::')) return wanted;
	const parent = await client.fetchTask(taskId);
	if (!parent) {
		throw new MidjourneyError('notFound', `Task ${taskId} was not found (item ${itemIndex})`, {
			taskId,
			description: 'Check the Task ID: it must be a task created with the same API key.',
		});
	}
	const buttons = (parent.buttons ?? []) as MjButton[];
	const button = findButton(buttons, wanted);
	if (button) return button.customId;
	if (parent.status !== 'SUCCESS') {
		throw new MidjourneyError('input', `Task ${taskId} is ${parent.status ?? 'not finished'}; its buttons are not available yet`, {
			taskId,
			status: parent.status,
			progress: parent.progress,
			description: 'Press buttons on finished tasks: turn on Wait for Completion in the node that created it, or Fetch it first.',
		});
	}
	// Users press Vary (Region), Zoom or Pan on a grid and get a cryptic refusal elsewhere.
	const gridHint = isGridTask(parent)
		? ' Upscale (Subtle/Creative), Vary (Subtle/Strong/Region), Zoom Out, Custom Zoom and the pan arrows are on an upscaled picture: press U1-U4 first, then this button on the task that returns.'
		: '';
	throw new MidjourneyError('input', `Button "${wanted}" is not on task ${taskId}`, {
		taskId,
		description: buttons.length
			? `This task offers: ${formatAvailableButtons(buttons)}.${gridHint}`
			: 'This task has no buttons (for example a finished upscale from an old model, or a video).',
	});
}

async function prepare(input: OperationInput): Promise<SubmitTask> {
	const { ctx, itemIndex, submit, settings, baseUrl } = input;
	const taskId = readTaskId(ctx, itemIndex);
	const wanted = String(ctx.getNodeParameter('button', itemIndex, '') ?? '').trim();
	if (wanted === '') {
		throw new MidjourneyError('input', `Button is empty for item ${itemIndex}`, {
			description: 'Enter a button label such as U1, V2, 🔄 or Upscale (Subtle).',
		});
	}
	const actionOptions = ctx.getNodeParameter('actionOptions', itemIndex, {}) as IDataObject;
	const modalPrompt = String(actionOptions.modalPrompt ?? '').trim();
	const maskBase64 = await readMask(ctx, itemIndex, baseUrl, {
		url: String(actionOptions.modalMaskUrl ?? '').trim() || undefined,
		binaryProperty: String(actionOptions.modalMaskBinaryProperty ?? '').trim() || undefined,
	});
	const customId = await resolveCustomId(input, taskId, wanted);
	const { state, notifyHook } = commonSubmitFields(settings);
	const body: IDataObject = {
		taskId,
		customId,
		...(actionOptions.enableRemix === true ? { enableRemix: true } : {}),
		...(state !== undefined ? { state } : {}),
		...(notifyHook !== undefined ? { notifyHook } : {}),
	};

	return async (deadline): Promise<SubmittedTask> => {
		const submitted = await submit(action.endpoint, body, deadline);
		if (submitted.code !== SUBMIT_CODE.modal || modalPrompt === '') return submitted;
		// The button opened a dialog and the user gave its input: submit it and keep waiting.
		const answered = await settle(
			async () =>
				await submit(
					modal.endpoint,
					{ taskId: submitted.taskId, prompt: modalPrompt, ...(maskBase64 ? { maskBase64 } : {}) },
					deadline,
				),
		);
		// The MODAL task exists: its id must reach the user with any error.
		if (!answered.ok) throw attachTaskId(answered.error, submitted.taskId, 'MODAL');
		return { ...answered.value, taskId: answered.value.taskId || submitted.taskId };
	};
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
