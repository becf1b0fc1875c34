import type { IDataObject } from 'n8n-workflow';

import type { MjButton } from './buttons';
import { SUBMIT_CODE } from './submitCodes';

/** A task as the server returns it (fetch, list-by-condition, notifyHook). */
export interface MjTask {
	id?: string | number;
	action?: string;
	status?: string;
	progress?: string;
	prompt?: string;
	promptEn?: string;
	description?: string;
	state?: string;
	submitTime?: number;
	startTime?: number;
	finishTime?: number;
	imageUrl?: string;
	imageUrls?: Array<{ url: string; thumbnail?: string } | string>;
	failReason?: string;
	properties?: IDataObject;
	buttons?: MjButton[];
	videoUrl?: string;
	/** each video of a VIDEO batch: `[{url, thumbnail}]` (trueai) or plain URLs */
	videoUrls?: Array<{ url: string; thumbnail?: string } | string>;
	/** seconds */
	videoDuration?: number;
	frameCount?: number;
	seed?: string;
	width?: number;
	height?: number;
	parentId?: string;
	customId?: string;
	botType?: string;
	[key: string]: unknown;
}

export const FINAL_STATUSES = ['SUCCESS', 'FAILURE', 'MODAL', 'CANCEL'];

export function isFinalStatus(status: unknown): boolean {
	return typeof status === 'string' && FINAL_STATUSES.includes(status);
}

/**
 * Spellings servers and gateways use for the contract's statuses (compared
 * in lower case, blanks, dashes and underscores removed). Without this a
 * `success` or `failed` would look unfinished and wait out the whole Timeout.
 */
const STATUS_SPELLINGS: Record<string, string> = {
	notstart: 'NOT_START',
	notstarted: 'NOT_START',
	queued: 'NOT_START',
	pending: 'NOT_START',
	submitted: 'SUBMITTED',
	inprogress: 'IN_PROGRESS',
	running: 'IN_PROGRESS',
	processing: 'IN_PROGRESS',
	success: 'SUCCESS',
	succeeded: 'SUCCESS',
	successful: 'SUCCESS',
	completed: 'SUCCESS',
	failure: 'FAILURE',
	failed: 'FAILURE',
	fail: 'FAILURE',
	error: 'FAILURE',
	modal: 'MODAL',
	cancel: 'CANCEL',
	cancelled: 'CANCEL',
	canceled: 'CANCEL',
};

/** A status in the contract's spelling; an unknown status stays as it is. */
export function normaliseStatus(status: string): string {
	return STATUS_SPELLINGS[status.replace(/[\s_-]+/g, '').toLowerCase()] ?? status;
}

/** The task fields the node reads as text (a server may send a number, or worse, in any of them). */
const TEXT_FIELDS = [
	'status',
	'progress',
	'action',
	'prompt',
	'promptEn',
	'description',
	'state',
	'failReason',
	'imageUrl',
	'videoUrl',
] as const;

/** A server's value where text is expected: numbers and booleans as text, anything else dropped. */
function asText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
		return String(value);
	return undefined;
}

/**
 * A task as read from a server, normalised before anything uses (or redacts)
 * it: text fields as text (a `progress` of 45 becomes "45%"), the status in
 * the contract's spelling.
 */
export function normaliseTask(task: MjTask): MjTask {
	let normalised: MjTask | undefined;
	const set = (name: string, value: unknown) => {
		normalised ??= { ...task };
		if (value === undefined) delete normalised[name];
		else normalised[name] = value;
	};
	for (const name of TEXT_FIELDS) {
		const raw = task[name];
		if (raw === undefined || raw === null || typeof raw === 'string') continue;
		const text = asText(raw);
		set(
			name,
			name === 'progress' && typeof raw === 'number' && text !== undefined ? `${text}%` : text,
		);
	}
	const status = (normalised ?? task).status;
	if (typeof status === 'string' && normaliseStatus(status) !== status)
		set('status', normaliseStatus(status));
	return normalised ?? task;
}

export function parseProgress(progress: unknown, status?: string): number {
	if (status === 'SUCCESS') return 100;
	const value = Number.parseFloat(String(progress ?? '').replace('%', ''));
	return Number.isFinite(value) ? value : 0;
}

/** A submit's answer: the new task's id and what the envelope said about it. */
export interface SubmittedTask {
	/** ids are ~16 digits: kept as text, never as numbers to compute with */
	taskId: string;
	/** the envelope's code (see submitCodes.ts) */
	code: number;
	description?: string;
	/** tasks ahead of this one (code 22) */
	queuePosition?: number;
	properties?: IDataObject;
	/** problems the prompt check found and sent anyway (Prompt Check: Warn), shown in the output */
	promptWarnings?: string[];
}

/** The task as known right after submit, before any poll. */
export function submittedTaskSnapshot(submitted: SubmittedTask): MjTask {
	const status =
		submitted.code === SUBMIT_CODE.modal
			? 'MODAL'
			: submitted.code === SUBMIT_CODE.queued
				? 'NOT_START'
				: 'SUBMITTED';
	return { id: submitted.taskId, status, progress: '0%', description: submitted.description };
}

/**
 * A task id is a plain token (digits on every known server; letters, "-" and
 * "_" allowed): "." or ".." would climb out of its path segment in
 * /mj/task/{id}/fetch, and other characters are never part of an id.
 */
export function isTaskIdToken(id: string): boolean {
	return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

/** What finished tasks of an operation can hold, so the download options that apply show and default on. */
export type TaskResult = 'images' | 'videos';
