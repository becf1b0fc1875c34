import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../../model/errors';
import type { SpeedMode } from '../../transport/client';
import {
	DEFAULT_MAX_CONCURRENCY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from './options.description';

export type OutputMode = 'task' | 'gridImages';

/** The Options collection and Wait for Completion of one item, read and checked. */
export interface ItemSettings {
	speed: SpeedMode;
	botType?: string;
	state?: string;
	notifyHook?: string;
	waitForCompletion: boolean;
	pollIntervalMs: number;
	timeoutMs: number;
	initialDelayMs: number;
	onTimeout: 'fail' | 'returnTask';
	downloadImage: boolean;
	binaryPropertyName: string;
	output: OutputMode;
}

/** First poll by speed mode: a grid takes ~30-60 s in fast mode, minutes in relax. */
const INITIAL_DELAY_SECONDS: Record<SpeedMode, number> = { turbo: 5, fast: 10, default: 10, relax: 30 };

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

export function readItemSettings(ctx: IExecuteFunctions, itemIndex: number, scope: SettingsScope): ItemSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const speed = (options.speed as SpeedMode | undefined) ?? 'default';
	const pollIntervalSeconds = Math.max(0.2, numberOption(options, 'pollInterval', DEFAULT_POLL_INTERVAL_SECONDS));
	const timeoutSeconds = Math.max(1, numberOption(options, 'timeout', DEFAULT_TIMEOUT_SECONDS));
	const initialDelaySetting = numberOption(options, 'initialDelay', -1);
	const initialDelaySeconds =
		initialDelaySetting >= 0
			? initialDelaySetting
			: Math.min(INITIAL_DELAY_SECONDS[SPEEDS.has(speed) ? speed : 'default'], pollIntervalSeconds * 6);
	const text = (name: string) => {
		const value = options[name];
		return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
	};
	return {
		speed: SPEEDS.has(speed) ? speed : 'default',
		botType: scope.takesBot ? text('botType') : undefined,
		state: text('state'),
		notifyHook: text('notifyHook'),
		waitForCompletion: scope.submits && (ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean),
		pollIntervalMs: pollIntervalSeconds * 1000,
		timeoutMs: timeoutSeconds * 1000,
		initialDelayMs: initialDelaySeconds * 1000,
		onTimeout: options.onTimeout === 'returnTask' ? 'returnTask' : 'fail',
		downloadImage: options.downloadImage === true,
		binaryPropertyName: text('binaryPropertyName') ?? 'data',
		output: options.output === 'gridImages' ? 'gridImages' : 'task',
	};
}

function maxConcurrencyOf(ctx: IExecuteFunctions, itemIndex: number): number {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const value = Math.floor(numberOption(options, 'maxConcurrency', DEFAULT_MAX_CONCURRENCY));
	return Math.min(100, Math.max(1, value));
}

/**
 * Max Concurrent Tasks bounds the whole node's batch, so it is one value for
 * the node: an expression that gives items different values is refused
 * rather than silently taking the first item's.
 */
export function readMaxConcurrency(ctx: IExecuteFunctions, itemIndexes: number[]): number {
	const first = maxConcurrencyOf(ctx, itemIndexes[0] ?? 0);
	for (const itemIndex of itemIndexes.slice(1)) {
		const value = maxConcurrencyOf(ctx, itemIndex);
		if (value !== first) {
			throw new MidjourneyError(
				'input',
				`Max Concurrent Tasks is ${value} for item ${itemIndex} but ${first} for item ${itemIndexes[0]}`,
				{ description: 'Max Concurrent Tasks limits the whole node at once, so it must be the same for every item. Use a fixed number.' },
			);
		}
	}
	return first;
}

/** The body fields every submit may carry. */
export function commonSubmitFields(settings: ItemSettings): IDataObject {
	const fields: IDataObject = {};
	if (settings.botType) fields.botType = settings.botType;
	if (settings.state !== undefined) fields.state = settings.state;
	if (settings.notifyHook !== undefined) fields.notifyHook = settings.notifyHook;
	return fields;
}
