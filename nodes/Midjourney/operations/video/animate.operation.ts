import { updateDisplayOptions, type IDataObject, type INodeProperties } from 'n8n-workflow';

import { toImageReference } from '../../images/inputChecks';
import { MidjourneyError } from '../../model/errors';
import { preparePrompt, promptCheckField, withPromptWarnings } from '../../prompt/preparePrompt';
import { readImageUrlOrDataUri, imageSourceFields } from '../shared/imageSource';
import { textValue } from '../../parameters/readers';
import { motionField, readMotion, readVideoPrompt, videoPromptField } from '../shared/motion';
import { buttonPress, customIdOn, readParentTask } from '../shared/pressButton';
import { commonSubmitFields } from '../../parameters/settings';
import { readTaskId, taskIdField } from '../shared/taskId';
import type { OperationInput, SubmitOperation, SubmitRequest } from '../types';

/** trueai's video types by what the user picks. */
const VIDEO_TYPES: Record<string, string> = {
	'480p': 'vid_1.1_i2v_480',
	'720p': 'vid_1.1_i2v_720',
};
const BATCH_SIZES = [1, 2, 4];

const fields: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'upscale',
		options: [
			{
				name: 'Upscaled Picture (Task ID)',
				value: 'upscale',
				description: 'A finished upscale (U1-U4): presses its Animate button',
			},
			{
				name: 'Image',
				value: 'image',
				description: 'Any image as the first frame: a link or a file from a previous node',
			},
		],
		description: 'What to animate',
	},
	{
		...taskIdField('The ID of the finished upscale (the task a U1-U4 press returned) to animate'),
		displayOptions: { show: { source: ['upscale'] } },
	},
	...updateDisplayOptions(
		{ show: { source: ['image'] } },
		imageSourceFields({ optional: false, multiple: false, what: 'first frame' }),
	),
	motionField,
	videoPromptField(
		'Optional: what should happen in the video. From an image it is sent with the image; from an upscale the node presses Animate in remix mode and answers its dialog with this prompt.',
	),
	promptCheckField,
	{
		displayName: 'Video Options',
		name: 'videoOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'options',
				default: 4,
				options: [
					{ name: '1 Video', value: 1 },
					{ name: '2 Videos', value: 2 },
					{ name: '4 Videos', value: 4 },
				],
				description: 'How many videos to make (trueai servers; CometAPI ignores it and makes 4)',
				displayOptions: { show: { '/source': ['image'] } },
			},
			{
				displayName: 'Enable Remix',
				name: 'enableRemix',
				type: 'boolean',
				default: false,
				description:
					'Whether to press Animate in remix mode without a prompt: the node then returns the MODAL task for a Modal operation to answer. With a Prompt, remix is used anyway.',
				displayOptions: { show: { '/source': ['upscale'] } },
			},
			{
				displayName: 'End Frame',
				name: 'endImage',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/last-frame.png',
				description:
					'An http(s) URL or data URI of the last frame (trueai servers; CometAPI ignores it)',
				displayOptions: { show: { '/source': ['image'] } },
			},
			{
				displayName: 'Loop',
				name: 'loop',
				type: 'boolean',
				default: false,
				description:
					'Whether the video ends on its first frame, so it loops (trueai servers; CometAPI ignores it)',
				displayOptions: { show: { '/source': ['image'] } },
			},
			{
				displayName: 'Video Type',
				name: 'videoType',
				type: 'options',
				default: '480p',
				options: [
					{ name: '480p', value: '480p' },
					{ name: '720p', value: '720p' },
				],
				description: 'The resolution (trueai servers; CometAPI ignores it)',
				displayOptions: { show: { '/source': ['image'] } },
			},
		],
	},
];

/** The trueai extras, each sent only when the user set it. */
function readExtras(options: IDataObject, itemIndex: number): IDataObject {
	const extras: IDataObject = {};
	const endImage = textValue(options.endImage, 'End Frame', itemIndex);
	if (options.loop === true && endImage !== '') {
		throw new MidjourneyError('input', `End Frame and Loop are both set for item ${itemIndex}`, {
			description: 'A looping video ends on its first frame: set either End Frame or Loop.',
		});
	}
	if (endImage !== '') {
		toImageReference(endImage, `End Frame of item ${itemIndex}`);
		extras.endImage = endImage;
	}
	if (options.loop === true) extras.loop = true;
	if (options.videoType !== undefined) {
		const videoType = VIDEO_TYPES[String(options.videoType)];
		if (!videoType) {
			throw new MidjourneyError(
				'input',
				`Video Type must be 480p or 720p; item ${itemIndex} has "${String(options.videoType)}"`,
				{
					description: 'Choose 480p or 720p.',
				},
			);
		}
		extras.videoType = videoType;
	}
	if (options.batchSize !== undefined) {
		const batchSize = Number(options.batchSize);
		if (!BATCH_SIZES.includes(batchSize)) {
			throw new MidjourneyError(
				'input',
				`Batch Size must be 1, 2 or 4; item ${itemIndex} has "${String(options.batchSize)}"`,
				{
					description: 'Choose 1, 2 or 4 videos.',
				},
			);
		}
		extras.batchSize = batchSize;
	}
	return extras;
}

async function prepare(input: OperationInput): Promise<SubmitRequest> {
	const { ctx, itemIndex, settings, baseUrl } = input;
	const motion = readMotion(ctx, itemIndex);
	const prompt = readVideoPrompt(ctx, itemIndex);
	const options = ctx.getNodeParameter('videoOptions', itemIndex, {}) as IDataObject;
	const checked = await preparePrompt({
		ctx,
		itemIndex,
		client: input.client,
		text: prompt,
		parameters: false,
		bodyFlags: [{ parameter: 'motion', field: 'Motion', flag: `--motion ${motion}` }],
	});
	if (ctx.getNodeParameter('source', itemIndex, 'upscale') === 'upscale') {
		const taskId = readTaskId(ctx, itemIndex);
		const parent = await readParentTask(input, taskId);
		const customId = customIdOn(parent, taskId, motion === 'high' ? 'animateHigh' : 'animateLow');
		const press = buttonPress(input, {
			taskId,
			customId,
			enableRemix: options.enableRemix === true || prompt !== '',
			modalPrompt: prompt,
		});
		return withPromptWarnings(press, checked);
	}
	const extras = readExtras(options, itemIndex);
	const image = await readImageUrlOrDataUri(ctx, itemIndex, baseUrl, 'first frame');
	const body: IDataObject = {
		image,
		motion,
		...(prompt ? { prompt } : {}),
		...extras,
		...commonSubmitFields(settings),
	};
	return withPromptWarnings({ endpoint: animate.endpoint, body }, checked);
}

export const animate: SubmitOperation = {
	kind: 'submit',
	displayName: 'Animate',
	action: 'Animate an image into a video',
	description:
		'Make short videos from an upscaled picture (its Animate button) or from any image as the first frame',
	endpoint: 'video',
	takesBot: false,
	results: ['videos'],
	fields,
	prepare,
};
