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
}

/** The task as known right after submit, before any poll. */
export function submittedTaskSnapshot(submitted: SubmittedTask): MjTask {
	const status =
		submitted.code === SUBMIT_CODE.modal ? 'MODAL' : submitted.code === SUBMIT_CODE.queued ? 'NOT_START' : 'SUBMITTED';
	return { id: submitted.taskId, status, progress: '0%', description: submitted.description };
}
