import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import type { SpeedMode } from '../transport/client';
import { executionResumeUrl } from './resumeUrl';
import {
	DEFAULT_MAX_CONCURRENCY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from './options.description';
import type { TaskResult } from '../model/task';
import { textValue } from './readers';

export type OutputMode = 'task' | 'gridImages' | 'videos';

/** Poll: the node checks the tasks and holds the execution. Callback: n8n parks the execution until the server calls back. */
export type WaitMode = 'poll' | 'callback';

const OUTPUT_MODES = new Set<OutputMode>(['task', 'gridImages', 'videos']);

/** What a submit sends besides the operation's own fields (speed as the path prefix). */
export interface SubmitSettings {
	speed: SpeedMode;
	botType?: string;
	state?: string;
	notifyHook?: string;
}

/** How the batch waits for the item's task. */
export interface WaitSettings {
	waitForCompletion: boolean;
	/** only 'callback' when waiting, and never as an AI tool (a tool answers in-line) */
	waitMode: WaitMode;
	pollIntervalMs: number;
	timeoutMs: number;
	/** Callback mode: how long the execution stays parked for callbacks before it goes on for a Fetch (at most the Timeout) */
	callbackWaitLimitMs: number;
	initialDelayMs: number;
	onTimeout: 'fail' | 'returnTask';
}

/** What the item's output carries: binary downloads, one item per task, picture or video. */
export interface OutputSettings {
	downloadImage: boolean;
	downloadVideo: boolean;
	binaryPropertyName: string;
	output: OutputMode;
	/** the compact item (n8n's Simplify convention) instead of the whole task */
	simplify: boolean;
}

/** Wait for Completion, the Waiting Options and the Options of one item, read and checked, by the stage that uses them. */
export interface ItemSettings {
	submit: SubmitSettings;
	wait: WaitSettings;
	output: OutputSettings;
}

/** First poll by speed mode: a grid takes ~30-60 s in fast mode, minutes in relax. */
const INITIAL_DELAY_SECONDS: Record<SpeedMode, number> = {
	turbo: 5,
	fast: 10,
	default: 10,
	relax: 30,
};

/** The Options collection's text options, by the names they show. */
const TEXT_OPTION_LABELS = {
	botType: 'Bot',
	state: 'State',
	notifyHook: 'Notify Hook URL',
	binaryPropertyName: 'Put Output File in Field',
} as const;

const SPEEDS = new Set<SpeedMode>(['default', 'relax', 'fast', 'turbo']);

/** An option's number; unset (an expression giving null or blank text) means the default, not 0. */
function numberOption(options: IDataObject, name: string, fallback: number): number {
	const raw = options[name];
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
		return fallback;
	const value = Number(raw);
	return Number.isFinite(value) ? value : fallback;
}

/** Initial Delay: "auto" (or unset) is -1, else a number of seconds. */
function initialDelayOption(raw: unknown, itemIndex: number): number {
	if (
		raw === undefined ||
		raw === null ||
		(typeof raw === 'string' && /^\s*(auto)?\s*$/i.test(raw))
	)
		return -1;
	const value = Number(raw);
	// A negative number (the -1 of earlier versions) means auto too.
	if (Number.isFinite(value) && value < 0) return -1;
	if (!Number.isFinite(value)) {
		throw new MidjourneyError(
			'input',
			`Initial Delay "${String(raw).slice(0, 40)}" of item ${itemIndex} is neither "auto" nor seconds`,
			{
				description:
					'Enter "auto" (a delay to suit the speed mode) or a number of seconds, e.g. 10.',
			},
		);
	}
	return value;
}

/** What of an operation decides which options apply to it. */
export interface SettingsScope {
	/** submits a task (so Wait for Completion and the waiting options apply) */
	submits: boolean;
	takesBot: boolean;
	/** reads existing tasks and may wait for them to end (Fetch): Wait for Completion applies, in Poll mode */
	waits?: boolean;
	/** what the operation's tasks hold: its downloads are on unless turned off */
	results: TaskResult[];
}

function optionsOf(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** The Waiting Options collection: only read while Wait for Completion is on (n8n hides it otherwise). */
function waitingOptionsOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	waitForCompletion: boolean,
): IDataObject {
	if (!waitForCompletion) return {};
	return ctx.getNodeParameter('waitingOptions', itemIndex, {}) as IDataObject;
}

function textOption(
	options: IDataObject,
	name: keyof typeof TEXT_OPTION_LABELS,
	itemIndex: number,
): string | undefined {
	return textValue(options[name], TEXT_OPTION_LABELS[name], itemIndex) || undefined;
}

function readOutputOptions(
	ctx: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
	results: TaskResult[],
): OutputSettings {
	return {
		// On by default where they apply, as n8n's OpenAI image action returns the file.
		downloadImage: results.includes('images') && options.downloadImage !== false,
		downloadVideo: results.includes('videos') && options.downloadVideo !== false,
		binaryPropertyName: textOption(options, 'binaryPropertyName', itemIndex) ?? 'data',
		output: OUTPUT_MODES.has(options.output as OutputMode)
			? (options.output as OutputMode)
			: 'task',
		simplify: ctx.getNodeParameter('simplify', itemIndex, true) !== false,
	};
}

export function readItemSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	scope: SettingsScope,
): ItemSettings {
	const options = optionsOf(ctx, itemIndex);
	const speed = (options.speed as SpeedMode | undefined) ?? 'default';
	const text = (name: keyof typeof TEXT_OPTION_LABELS) => textOption(options, name, itemIndex);
	const waitForCompletion =
		(scope.submits || scope.waits === true) &&
		(ctx.getNodeParameter('waitForCompletion', itemIndex, scope.submits) as boolean) === true;
	const waiting = waitingOptionsOf(ctx, itemIndex, waitForCompletion);
	const pollIntervalSeconds = Math.max(
		0.2,
		numberOption(waiting, 'pollInterval', DEFAULT_POLL_INTERVAL_SECONDS),
	);
	const timeoutSeconds = Math.max(1, numberOption(waiting, 'timeout', DEFAULT_TIMEOUT_SECONDS));
	const initialDelaySetting = initialDelayOption(waiting.initialDelay, itemIndex);
	const initialDelaySeconds =
		initialDelaySetting >= 0
			? initialDelaySetting
			: Math.min(
					INITIAL_DELAY_SECONDS[SPEEDS.has(speed) ? speed : 'default'],
					pollIntervalSeconds * 6,
				);
	const waitMode: WaitMode =
		scope.submits &&
		waitForCompletion &&
		waiting.waitMode === 'callback' &&
		!ctx.getNode().type.endsWith('Tool')
			? 'callback'
			: 'poll';
	// 0 (unset): the Timeout. Never longer: the tasks are given up on at the Timeout anyway.
	const callbackWaitLimitSeconds = numberOption(waiting, 'callbackWaitLimit', 0);
	if (waitMode === 'callback' && text('notifyHook') !== undefined) {
		throw new MidjourneyError(
			'input',
			`Notify Hook URL and Wait Mode "Callback" are both set for item ${itemIndex}`,
			{
				description:
					'In Callback mode the server calls this execution back, so the hook is taken. Remove the Notify Hook URL, or use Wait Mode "Poll".',
			},
		);
	}
	const submit: SubmitSettings = {
		speed: SPEEDS.has(speed) ? speed : 'default',
		botType: scope.takesBot ? text('botType') : undefined,
		state: text('state'),
		notifyHook: waitMode === 'callback' ? executionResumeUrl(ctx) : text('notifyHook'),
	};
	const wait: WaitSettings = {
		waitForCompletion,
		waitMode,
		pollIntervalMs: pollIntervalSeconds * 1000,
		timeoutMs: timeoutSeconds * 1000,
		callbackWaitLimitMs:
			callbackWaitLimitSeconds > 0
				? Math.min(callbackWaitLimitSeconds, timeoutSeconds) * 1000
				: timeoutSeconds * 1000,
		initialDelayMs: initialDelaySeconds * 1000,
		onTimeout: waiting.onTimeout === 'returnTask' ? 'returnTask' : 'fail',
	};
	return { submit, wait, output: readOutputOptions(ctx, options, itemIndex, scope.results) };
}

function maxConcurrencyOf(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = optionsOf(ctx, itemIndex);
	const value = Math.floor(numberOption(options, 'maxConcurrency', DEFAULT_MAX_CONCURRENCY));
	return Math.min(100, Math.max(1, value));
}

/**
 * An option that applies to the whole node at once: an expression that gives
 * items different values is refused rather than silently taking the first item's.
 */
function sameForEveryItem<T>(
	itemIndexes: number[],
	label: string,
	why: string,
	valueOf: (itemIndex: number) => T,
): T {
	const first = valueOf(itemIndexes[0] ?? 0);
	for (const itemIndex of itemIndexes.slice(1)) {
		const value = valueOf(itemIndex);
		if (value !== first) {
			throw new MidjourneyError(
				'input',
				`${label} is ${String(value)} for item ${itemIndex} but ${String(first)} for item ${itemIndexes[0]}`,
				{ description: `${why} Use a fixed value.` },
			);
		}
	}
	return first;
}

/** Max Concurrent Tasks bounds the whole node's batch, so it is one value for the node. */
export function readMaxConcurrency(ctx: IExecuteFunctions, itemIndexes: number[]): number {
	return sameForEveryItem(
		itemIndexes,
		'Max Concurrent Tasks',
		'Max Concurrent Tasks limits the whole node at once, so it must be the same for every item.',
		(itemIndex) => maxConcurrencyOf(ctx, itemIndex),
	);
}

/** The wait mode of the items that wait: Callback parks the whole execution, so it is one mode for the node. */
export function readWaitMode(items: Array<{ itemIndex: number; wait: WaitSettings }>): WaitMode {
	const waiting = items.filter((entry) => entry.wait.waitForCompletion);
	if (waiting.length === 0) return 'poll';
	const modeOf = new Map(waiting.map((entry) => [entry.itemIndex, entry.wait.waitMode]));
	return sameForEveryItem(
		waiting.map((entry) => entry.itemIndex),
		'Wait Mode',
		'Callback mode parks the whole execution, so Wait Mode must be the same for every item.',
		(itemIndex) => modeOf.get(itemIndex)!,
	);
}

/** The body fields every submit may carry. */
export function commonSubmitFields(settings: SubmitSettings): IDataObject {
	const fields: IDataObject = {};
	if (settings.botType) fields.botType = settings.botType;
	if (settings.state !== undefined) fields.state = settings.state;
	if (settings.notifyHook !== undefined) fields.notifyHook = settings.notifyHook;
	return fields;
}
