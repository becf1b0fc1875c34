import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import type { SpeedMode } from '../transport/client';
import { executionResumeUrl } from './resumeUrl';
import {
	DEFAULT_MAX_CONCURRENCY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from './options.description';
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
	initialDelayMs: number;
	onTimeout: 'fail' | 'returnTask';
}

/** What the item's output carries: binary downloads, one item per task, picture or video. */
export interface OutputSettings {
	downloadImage: boolean;
	downloadVideo: boolean;
	binaryPropertyName: string;
	output: OutputMode;
}

/** The Options collection and Wait for Completion of one item, read and checked, by the stage that uses them. */
export interface ItemSettings {
	submit: SubmitSettings;
	wait: WaitSettings;
	output: OutputSettings;
}

/** First poll by speed mode: a grid takes ~30-60 s in fast mode, minutes in relax. */
const INITIAL_DELAY_SECONDS: Record<SpeedMode, number> = { turbo: 5, fast: 10, default: 10, relax: 30 };

/** The Options collection's text options, by the names they show. */
const TEXT_OPTION_LABELS = {
	botType: 'Bot',
	state: 'State',
	notifyHook: 'Notify Hook URL',
	binaryPropertyName: 'Put Image In Field',
} as const;

const SPEEDS = new Set<SpeedMode>(['default', 'relax', 'fast', 'turbo']);

/** An option's number; unset (an expression giving null or blank text) means the default, not 0. */
function numberOption(options: IDataObject, name: string, fallback: number): number {
	const raw = options[name];
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return fallback;
	const value = Number(raw);
	return Number.isFinite(value) ? value : fallback;
}

/** What of an operation decides which options apply to it. */
export interface SettingsScope {
	/** submits a task (so Wait for Completion and the waiting options apply) */
	submits: boolean;
	takesBot: boolean;
}

function optionsOf(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

function textOption(options: IDataObject, name: keyof typeof TEXT_OPTION_LABELS, itemIndex: number): string | undefined {
	return textValue(options[name], TEXT_OPTION_LABELS[name], itemIndex) || undefined;
}

function readOutputOptions(options: IDataObject, itemIndex: number): OutputSettings {
	return {
		downloadImage: options.downloadImage === true,
		downloadVideo: options.downloadVideo === true,
		binaryPropertyName: textOption(options, 'binaryPropertyName', itemIndex) ?? 'data',
		output: OUTPUT_MODES.has(options.output as OutputMode) ? (options.output as OutputMode) : 'task',
	};
}

/** The output options alone: for an operation that reads tasks (Fetch) rather than submitting them. */
export function readOutputSettings(ctx: IExecuteFunctions, itemIndex: number): OutputSettings {
	return readOutputOptions(optionsOf(ctx, itemIndex), itemIndex);
}

export function readItemSettings(ctx: IExecuteFunctions, itemIndex: number, scope: SettingsScope): ItemSettings {
	const options = optionsOf(ctx, itemIndex);
	const speed = (options.speed as SpeedMode | undefined) ?? 'default';
	const pollIntervalSeconds = Math.max(0.2, numberOption(options, 'pollInterval', DEFAULT_POLL_INTERVAL_SECONDS));
	const timeoutSeconds = Math.max(1, numberOption(options, 'timeout', DEFAULT_TIMEOUT_SECONDS));
	const initialDelaySetting = numberOption(options, 'initialDelay', -1);
	const initialDelaySeconds =
		initialDelaySetting >= 0
			? initialDelaySetting
			: Math.min(INITIAL_DELAY_SECONDS[SPEEDS.has(speed) ? speed : 'default'], pollIntervalSeconds * 6);
	const text = (name: keyof typeof TEXT_OPTION_LABELS) => textOption(options, name, itemIndex);
	const waitForCompletion = scope.submits && (ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean);
	const waitMode: WaitMode =
		waitForCompletion && options.waitMode === 'callback' && !ctx.getNode().type.endsWith('Tool') ? 'callback' : 'poll';
	if (waitMode === 'callback' && text('notifyHook') !== undefined) {
		throw new MidjourneyError('input', `Notify Hook URL and Wait Mode "Callback" are both set for item ${itemIndex}`, {
			description:
				'In Callback mode the server calls this execution back, so the hook is taken. Remove the Notify Hook URL, or use Wait Mode "Poll".',
		});
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
		initialDelayMs: initialDelaySeconds * 1000,
		onTimeout: options.onTimeout === 'returnTask' ? 'returnTask' : 'fail',
	};
	return { submit, wait, output: readOutputOptions(options, itemIndex) };
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
function sameForEveryItem<T>(itemIndexes: number[], label: string, why: string, valueOf: (itemIndex: number) => T): T {
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
