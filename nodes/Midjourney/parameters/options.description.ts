import type { INodeProperties } from 'n8n-workflow';

/**
 * Fields shared by several operations: Wait for Completion with its Waiting Options
 * collection (mode, poll interval, timeout …, shown only while waiting), Simplify and the
 * Options collection (speed, bot, state, notifyHook, concurrency, downloads, output): each
 * option shows only for the operations it applies to.
 * Which operations show each one comes from the registry (operations/description.ts).
 */

export interface SharedFieldTargets {
	/** operations whose output is tasks (submit and read): the Options collection applies */
	tasks: string[];
	/** operations that submit a task */
	submit: string[];
	/** operations that read existing tasks and may wait for them to end (Fetch) */
	waitingReads: string[];
	/** operations that take the Bot option */
	bot: string[];
	/** operations whose tasks can hold pictures (Download Image applies) */
	images: string[];
	/** operations whose tasks can hold videos (Download Video applies) */
	videos: string[];
}

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const DEFAULT_TIMEOUT_SECONDS = 900;
export const DEFAULT_MAX_CONCURRENCY = 10;

export function waitForCompletionFields(targets: SharedFieldTargets): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until the task has finished (SUCCESS, FAILURE, MODAL or CANCEL) and return the finished task. When off, the node returns the new task ID at once; use the Fetch operation later.',
			displayOptions: { show: { operation: targets.submit } },
		},
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			description:
				'Whether to wait until every task has finished (polling every Poll Interval, up to the Timeout) and return the finished tasks. After a Callback-mode wait limit, this picks up the tasks whose final callback was lost.',
			displayOptions: { show: { operation: targets.waitingReads } },
		},
	];
}

/** n8n's convention (HTTP Request, OpenAI, Notion …): a compact item by default, the raw answer on demand. */
export function simplifyField(targets: SharedFieldTargets): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return a simplified version of the task (ID, status, prompt, picture and video URLs, the U1–U4 / V1–V4 and other button fields, the button labels) instead of the whole task',
		displayOptions: { show: { operation: targets.tasks } },
	};
}

export function optionsCollection(targets: SharedFieldTargets): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: targets.tasks } },
		options: [
			{
				displayName: 'Bot',
				name: 'botType',
				type: 'options',
				default: 'MID_JOURNEY',
				options: [
					{ name: 'Midjourney', value: 'MID_JOURNEY' },
					{ name: 'Niji', value: 'NIJI_JOURNEY', description: 'The anime-styled Niji bot' },
				],
				description: 'Which Midjourney bot runs the task',
				displayOptions: { show: { '/operation': targets.bot } },
			},
			{
				displayName: 'Download Image',
				name: 'downloadImage',
				type: 'boolean',
				default: true,
				description:
					"Whether to output the finished picture as a file (binary), ready for an upload node (WordPress, S3, Google Drive…). On unless turned off here; off, the item has the picture's URL only.",
				displayOptions: { show: { '/operation': targets.images } },
			},
			{
				displayName: 'Download Video',
				name: 'downloadVideo',
				type: 'boolean',
				default: true,
				description:
					'Whether to output the finished videos as mp4 files (binary): the first in the Put Output File in Field name, the others in the same name with _2, _3, _4 (or one per item with Output One Item per Video). On unless turned off here.',
				displayOptions: { show: { '/operation': targets.videos } },
			},
			{
				displayName: 'Max Concurrent Tasks',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: DEFAULT_MAX_CONCURRENCY,
				description:
					'How many of the input items run at the same time (submitted and not yet finished). 1 runs them one after another. Accounts run about 3 at once and queue about 10 more.',
				displayOptions: { show: { '/operation': targets.submit } },
			},
			{
				displayName: 'Notify Hook URL',
				name: 'notifyHook',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/webhook/midjourney',
				description:
					'A URL the server POSTs the task to on every status change (for example an n8n Webhook node). At most 2000 characters.',
				displayOptions: { show: { '/operation': targets.submit } },
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'task',
				options: [
					{ name: 'One Item per Task', value: 'task' },
					{
						name: 'One Item per Grid Image',
						value: 'gridImages',
						description:
							'For a 2x2 grid (Imagine, Variation, Reroll, Blend, Edit): four items, each with its index (1-4), its own image and its own U and V buttons',
					},
					{
						name: 'One Item per Video',
						value: 'videos',
						description:
							'For a video task (Animate, Extend): one item per video, each with its index, videoUrl, thumbnailUrl, its own U button and, with Download Video, its own mp4',
					},
				],
				description: 'How finished tasks become output items',
				displayOptions: {
					show: { '/operation': [...new Set([...targets.images, ...targets.videos])] },
				},
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				hint: 'The name of the output binary field to put the file in',
				description:
					'The name of the output binary field the downloaded picture (or video) is put in',
				displayOptions: {
					show: { '/operation': [...new Set([...targets.images, ...targets.videos])] },
				},
			},
			{
				displayName: 'Speed',
				name: 'speed',
				type: 'options',
				default: 'default',
				options: [
					{
						name: 'Account Default',
						value: 'default',
						description: 'No prefix: the account default (Relax on CometAPI)',
					},
					{ name: 'Fast', value: 'fast', description: 'About 30-60 s for a grid' },
					{ name: 'Relax', value: 'relax', description: 'Cheaper, minutes per grid' },
					{ name: 'Turbo', value: 'turbo', description: 'Fastest and most expensive' },
				],
				description:
					'The generation speed mode, sent as the path prefix (/mj-fast, /mj-turbo, /mj-relax)',
				displayOptions: { show: { '/operation': targets.submit } },
			},
			{
				displayName: 'State',
				name: 'state',
				type: 'string',
				default: '',
				description:
					'Any text (up to 255 characters) stored with the task and echoed back by Fetch and the notify hook, e.g. a post ID',
				displayOptions: { show: { '/operation': targets.submit } },
			},
		],
	};
}

/**
 * The waiting settings, a collection of their own so a first-time user sees a short Options
 * list: shown only while Wait for Completion is on (n8n's larger nodes group options the same way).
 */
export function waitingOptionsCollection(targets: SharedFieldTargets): INodeProperties {
	return {
		displayName: 'Waiting Options',
		name: 'waitingOptions',
		type: 'collection',
		placeholder: 'Add Waiting Option',
		default: {},
		displayOptions: {
			show: {
				operation: [...targets.submit, ...targets.waitingReads],
				waitForCompletion: [true],
			},
		},
		options: [
			{
				displayName: 'Callback Wait Limit (Seconds)',
				name: 'callbackWaitLimit',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Wait Mode "Callback" only: how long to trust the callbacks before handing over. When the limit ends without them, the items go on with their task IDs and waitEndedWithoutCallback, for a Fetch with Wait for Completion on. 0 means the Timeout.',
				displayOptions: { show: { '/operation': targets.submit } },
			},
			{
				displayName: 'Initial Delay (Seconds)',
				name: 'initialDelay',
				type: 'string',
				default: 'auto',
				placeholder: 'auto',
				hint: '"auto" waits to suit the speed: Turbo 5 s, Fast 10 s, Relax 30 s; or enter seconds',
				description:
					'How long to wait before the first status check: "auto", or a number of seconds. Auto is never longer than the Poll Interval times 6.',
				displayOptions: { show: { '/operation': targets.submit } },
			},
			{
				displayName: 'On Timeout',
				name: 'onTimeout',
				type: 'options',
				default: 'fail',
				options: [
					{
						name: 'Fail',
						value: 'fail',
						description:
							'Stop with an error that carries the task ID, its last status and progress',
					},
					{
						name: 'Return Task As Is',
						value: 'returnTask',
						description: 'Output the task with its current status; pick it up later with Fetch',
					},
				],
				description: 'What to do when the task has not finished within the Timeout',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.2, numberPrecision: 1 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				description:
					'How often to check the status while waiting. All tasks of the node are checked together in one request.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description:
					'How long to wait for each task before giving up (the task keeps running on the server). Fast mode takes 30-60 s, Relax mode several minutes.',
			},
			{
				displayName: 'Wait Mode',
				name: 'waitMode',
				type: 'options',
				default: 'poll',
				options: [
					{
						name: 'Poll',
						value: 'poll',
						description:
							'The node checks the status every Poll Interval and holds the execution until the tasks end',
					},
					{
						name: 'Callback',
						value: 'callback',
						description:
							'The server calls this execution back when a task changes; n8n parks the execution in its database meanwhile (it survives a restart). Needs an n8n URL the server can reach.',
					},
				],
				description:
					'How to wait for the tasks. Callback makes no status requests while waiting; if no callback comes within the Timeout, the items go on with the task IDs and status SUBMITTED, for a Fetch. As an AI tool the node always polls.',
				displayOptions: { show: { '/operation': targets.submit } },
			},
		],
	};
}
