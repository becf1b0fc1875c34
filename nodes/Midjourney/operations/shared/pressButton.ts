import type { IDataObject } from 'n8n-workflow';

import { buttonList, findButton, formatAvailableButtons } from '../../model/buttons';
import { MidjourneyError } from '../../model/errors';
import { isGridTask } from '../../output/outputMapper';
import { normaliseTask, type MjTask } from '../../model/task';
import { versionLacksButton } from '../../model/versions';
import type { OperationInput, SubmitRequest } from '../types';
import { commonSubmitFields } from '../../parameters/settings';

/**
 * Pressing a button of a finished task (/mj/submit/action), and answering the
 * dialog it may open (/mj/submit/modal) at once: the Action operation and the
 * video operations that press Animate or Extend share it.
 */

const ACTION_ENDPOINT = 'action';
const MODAL_ENDPOINT = 'modal';

/** The parent task, or a not-found error naming it. */
export async function readParentTask(
	{ client, itemIndex }: OperationInput,
	taskId: string,
): Promise<MjTask> {
	const parent = await client.fetchTask(taskId);
	if (!parent) {
		throw new MidjourneyError('notFound', `Task ${taskId} was not found (item ${itemIndex})`, {
			taskId,
			description: 'Check the Task ID: it must be a task created with the same API key.',
		});
	}
	return normaliseTask(parent);
}

/** The customId of the button `wanted` (label, emoji or key) on a fetched parent, or why there is none. */
export function customIdOn(parent: MjTask, taskId: string, wanted: string): string {
	const buttons = buttonList(parent.buttons);
	const button = findButton(buttons, wanted);
	if (button) return button.customId;
	if (parent.status !== 'SUCCESS') {
		throw new MidjourneyError(
			'input',
			`Task ${taskId} is ${parent.status ?? 'not finished'}; its buttons are not available yet`,
			{
				taskId,
				status: parent.status,
				progress: parent.progress,
				description:
					'Press buttons on finished tasks: turn on Wait for Completion in the node that created it, or Fetch it first.',
			},
		);
	}
	// Users press Vary (Region), Zoom, Pan or Animate on a grid and get a cryptic refusal elsewhere.
	const gridHint = isGridTask(parent)
		? ' Vary (Subtle/Strong/Region), Animate and, up to V7, Upscale (Subtle/Creative), Zoom Out, Custom Zoom and the pan arrows are on an upscaled picture: press U1-U4 first, then this button on the task that returns.'
		: '';
	const byVersion = isGridTask(parent) ? undefined : versionLacksButton(parent, wanted);
	throw new MidjourneyError('input', `Button "${wanted}" is not on task ${taskId}`, {
		taskId,
		description: byVersion
			? `${byVersion.lacks}; these are offered: ${formatAvailableButtons(buttons)}. ${byVersion.remedy}`
			: buttons.length
				? `This task offers: ${formatAvailableButtons(buttons)}.${gridHint}`
				: 'This task has no buttons (for example a finished upscale from an old model, or a video).',
	});
}

/** Resolves a button as the user gave it against the parent task's buttons. */
export async function resolveCustomId(
	input: OperationInput,
	taskId: string,
	wanted: string,
): Promise<string> {
	// A raw customId is pressed as given: the server checks it against the parent.
	if (wanted.includes('::')) return wanted;
	return customIdOn(await readParentTask(input, taskId), taskId, wanted);
}

export interface ButtonPress {
	taskId: string;
	customId: string;
	enableRemix: boolean;
	/** answers the dialog the button opens (Vary (Region), Custom Zoom, remix) at once */
	modalPrompt?: string;
	maskBase64?: string;
}

/**
 * The request of a button press. When a modal prompt is given and the button
 * opens a dialog (code 21), the batch answers the dialog at once and the task
 * that then runs is the result; without one, the MODAL task is.
 */
export function buttonPress(
	{ settings }: Pick<OperationInput, 'settings'>,
	press: ButtonPress,
): SubmitRequest {
	const { state, notifyHook } = commonSubmitFields(settings);
	const body: IDataObject = {
		taskId: press.taskId,
		customId: press.customId,
		...(press.enableRemix ? { enableRemix: true } : {}),
		...(state !== undefined ? { state } : {}),
		...(notifyHook !== undefined ? { notifyHook } : {}),
	};
	const modalPrompt = press.modalPrompt ?? '';
	if (modalPrompt === '') return { endpoint: ACTION_ENDPOINT, body };
	const answer = {
		prompt: modalPrompt,
		...(press.maskBase64 ? { maskBase64: press.maskBase64 } : {}),
	};
	return {
		endpoint: ACTION_ENDPOINT,
		body,
		answerDialog: { endpoint: MODAL_ENDPOINT, body: answer },
	};
}
