import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { buttonList, findButton } from '../../model/buttons';
import { MidjourneyError } from '../../model/errors';
import { videoEntries } from '../../output/outputMapper';
import { motionField, readMotion, readVideoPrompt, videoPromptField } from '../shared/motion';
import { buttonPress, readParentTask } from '../shared/pressButton';
import { commonSubmitFields } from '../../parameters/settings';
import { readTaskId, taskIdField } from '../shared/taskId';
import type { OperationInput, SubmitOperation, SubmitRequest } from '../types';

/** Videos in a batch when the parent does not list them (Midjourney's default). */
const DEFAULT_BATCH = 4;

const fields: INodeProperties[] = [
	taskIdField(
		'The ID of the finished video task to extend: an Animate result, or a video upscaled with U1-U4',
	),
	{
		displayName: 'Video',
		name: 'videoNumber',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 4 },
		default: 1,
		description:
			'Which video of the batch to extend, 1-4 as the task lists them (ignored for an upscaled video, which is one video)',
	},
	motionField,
	videoPromptField(
		'Optional: what should happen next. For an upscaled video the node presses Extend in remix mode and answers its dialog with this prompt.',
	),
];

function readVideoNumber(ctx: OperationInput['ctx'], itemIndex: number): number {
	const value = Number(ctx.getNodeParameter('videoNumber', itemIndex, 1));
	if (!Number.isInteger(value) || value < 1 || value > DEFAULT_BATCH) {
		throw new MidjourneyError(
			'input',
			`Video must be 1 to 4; item ${itemIndex} has ${String(value)}`,
			{
				description:
					'Give the number of the video in its batch, as the task lists them in videoUrls (1 = the first).',
			},
		);
	}
	return value;
}

/**
 * An upscaled video is extended by its Extend button; a video batch through
 * /mj/submit/video with action "extend" and the 0-based index of the video.
 */
async function prepare(input: OperationInput): Promise<SubmitRequest> {
	const { ctx, itemIndex, settings } = input;
	const taskId = readTaskId(ctx, itemIndex);
	const motion = readMotion(ctx, itemIndex);
	const videoNumber = readVideoNumber(ctx, itemIndex);
	const prompt = readVideoPrompt(ctx, itemIndex);
	const parent = await readParentTask(input, taskId);
	if (parent.status !== 'SUCCESS') {
		throw new MidjourneyError(
			'input',
			`Task ${taskId} is ${parent.status ?? 'not finished'}; only a finished video can be extended`,
			{
				taskId,
				status: parent.status,
				progress: parent.progress,
				description:
					'Turn on Wait for Completion in the node that made the video, or Fetch it until it is SUCCESS.',
			},
		);
	}
	const extendButton = findButton(
		buttonList(parent.buttons),
		motion === 'high' ? 'extendHigh' : 'extendLow',
	);
	if (extendButton) {
		return buttonPress(input, {
			taskId,
			customId: extendButton.customId,
			enableRemix: prompt !== '',
			modalPrompt: prompt,
		});
	}
	if (parent.action !== 'VIDEO') {
		throw new MidjourneyError(
			'input',
			`Task ${taskId} is ${parent.action ?? 'a task'} without videos to extend`,
			{
				taskId,
				description:
					'Extend takes a finished video task: the result of Animate (Video resource), or a video upscaled with U1-U4. Animate a picture first.',
			},
		);
	}
	const count = videoEntries(parent).length || DEFAULT_BATCH;
	if (videoNumber > count) {
		throw new MidjourneyError(
			'input',
			`Task ${taskId} has ${count} video${count === 1 ? '' : 's'}; there is no video ${videoNumber}`,
			{
				taskId,
				description: `Choose a Video from 1 to ${count}.`,
			},
		);
	}
	const body: IDataObject = {
		action: 'extend',
		// The user counts from 1, the API from 0.
		index: videoNumber - 1,
		taskId,
		motion,
		...(prompt ? { prompt } : {}),
		...commonSubmitFields(settings),
	};
	return { endpoint: extend.endpoint, body };
}

export const extend: SubmitOperation = {
	kind: 'submit',
	displayName: 'Extend',
	action: 'Extend a video',
	description:
		'Make a finished video about 4 seconds longer, from one video of a batch or an upscaled video',
	endpoint: 'video',
	takesBot: false,
	results: ['videos'],
	fields,
	prepare,
};
