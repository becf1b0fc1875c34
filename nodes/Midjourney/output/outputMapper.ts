import type { IDataObject } from 'n8n-workflow';

import { buttonList, isVideoUpscaleButton, splitButtons } from '../model/buttons';
import { parseProgress, type MjTask } from '../model/task';

/**
 * The output mapper: a task as the server returns it → the documented item.
 *
 * Item shape (keys in this order; absent values are left out):
 * - `taskId` (string, always), `status`, `progress` ("45%"), `progressPercent` (45),
 *   `action`, `prompt`, `promptEn`, `description`, `state`, `failReason`,
 * - `imageUrl`, `imageUrls` (URL strings, when the server gives the 4 pictures), `parentTaskId`,
 * - `submitTime`, `startTime`, `finishTime` (epoch ms) and `submittedAt`, `startedAt`, `finishedAt` (ISO),
 * - one field per button, holding its customId: `U1`..`U4`, `reroll`, `V1`..`V4`,
 *   `upscaleSubtle`, `varyRegion`, `zoomOut2x`, `panLeft`, … (see model/buttons.ts),
 * - `actions`: `[{ label, key, customId, needsModal }]`, `buttons` (raw),
 * - Describe: `prompts` (four clean strings) and `promptsText` (raw); Shorten: `prompts`
 *   (the five shortened prompts, clean) and `promptsText` (the raw answer, important tokens included),
 * - videos: `videoUrl` (the first mp4), `videoUrls` (every video of the batch as
 *   `[{ url, thumbnail }]`, thumbnail only when the server gives one), `videoDuration` (s), `frameCount`,
 * - `finalPrompt`, `botType`, `seed`, `width`, `height` when present.
 *
 * Simplified (the node's Simplify switch, on by default; n8n's convention): `taskId`, `status`, `progress`, `action`,
 * `failReason`, `prompt`, the picture and video URLs, Describe's / Shorten's `prompts`, the
 * split button fields (IF / Switch branch on them) and `buttonLabels`, the labels offered.
 */

/** Splits Describe's "1️⃣ first …\n\n2️⃣ second …" into clean prompts. */
export function parseDescribePrompts(text: string): string[] {
	const marker = /(?:^|\n)\s*(?:[1-9]\uFE0F?\u20E3|[1-9][.)])\s*/g;
	return text
		.replace(/\r\n?/g, '\n')
		.split(marker)
		.map((part) => part.replace(/\s+/g, ' ').trim())
		.filter((part) => part !== '');
}

/** Shorten's answer: the list after "Shortened prompts" (the important tokens before it are not prompts). */
export function parseShortenPrompts(text: string): string[] {
	const heading = /\**\s*shortened prompts\s*\**\s*\n/i.exec(text);
	return parseDescribePrompts(heading ? text.slice(heading.index + heading[0].length) : text);
}

export interface VideoEntry {
	url: string;
	thumbnail?: string;
}

/** Every video of a task, from `videoUrls` (objects or strings), else its single `videoUrl`. */
export function videoEntries(task: MjTask): VideoEntry[] {
	const entries = (task.videoUrls ?? [])
		.map((entry): VideoEntry | undefined => {
			if (typeof entry === 'string') return entry ? { url: entry } : undefined;
			if (!entry || typeof entry.url !== 'string' || entry.url === '') return undefined;
			return typeof entry.thumbnail === 'string' && entry.thumbnail
				? { url: entry.url, thumbnail: entry.thumbnail }
				: { url: entry.url };
		})
		.filter((entry): entry is VideoEntry => entry !== undefined);
	if (entries.length === 0 && typeof task.videoUrl === 'string' && task.videoUrl)
		return [{ url: task.videoUrl }];
	return entries;
}

/** A video batch, an upscaled video or an extension: the task's result is mp4s, not pictures. */
export function isVideoTask(task: MjTask): boolean {
	return task.action === 'VIDEO' || videoEntries(task).length > 0;
}

/** The URLs of a grid's four pictures, when the server gives them (strings or `{ url }` objects). */
export function pictureUrls(task: MjTask): string[] {
	return (task.imageUrls ?? [])
		.map((entry) => (typeof entry === 'string' ? entry : entry?.url))
		.filter((url): url is string => typeof url === 'string' && url !== '');
}

function isoTime(epochMs: unknown): string | undefined {
	return typeof epochMs === 'number' && epochMs > 0 ? new Date(epochMs).toISOString() : undefined;
}

/** The fields the simplified item keeps, in this order (the split button fields follow). */
const SIMPLIFIED_FIELDS = [
	'taskId',
	'status',
	'progress',
	'action',
	'failReason',
	'prompt',
	'imageUrl',
	'imageUrls',
	'videoUrl',
	'videoUrls',
	'prompts',
];

function simplified(item: IDataObject, fields: IDataObject, labels: string[]): IDataObject {
	const compact: IDataObject = {};
	for (const name of SIMPLIFIED_FIELDS) if (item[name] !== undefined) compact[name] = item[name];
	return { ...compact, ...fields, buttonLabels: labels };
}

export function mapTask(task: MjTask, simplify = false): IDataObject {
	const properties = task.properties ?? {};
	const { fields, actions: buttonActions } = splitButtons(task.buttons);
	const taskId = task.id === undefined || task.id === null ? undefined : String(task.id);
	// Each entry carries its task id, so that after a Split Out on `actions`
	// every item alone is enough for the next Action node to press it.
	const actions = buttonActions.map((action) => ({ ...action, taskId }));
	const urls = pictureUrls(task);
	const item: IDataObject = {
		taskId,
		status: task.status,
		progress: task.progress,
		progressPercent: parseProgress(task.progress, task.status),
		action: task.action,
		prompt: task.prompt,
		promptEn: task.promptEn,
		description: task.description,
		state: task.state,
		failReason: task.failReason || undefined,
		imageUrl: task.imageUrl || undefined,
		imageUrls: urls.length ? urls : undefined,
		parentTaskId: task.parentId ?? (properties.parentId as string | undefined),
		submitTime: task.submitTime,
		startTime: task.startTime,
		finishTime: task.finishTime,
		submittedAt: isoTime(task.submitTime),
		startedAt: isoTime(task.startTime),
		finishedAt: isoTime(task.finishTime),
		...fields,
		actions,
		buttons: buttonList(task.buttons),
	};
	if (task.action === 'DESCRIBE') {
		const text = String(properties.finalPrompt ?? task.promptEn ?? task.prompt ?? '');
		item.prompts = parseDescribePrompts(text);
		item.promptsText = text;
	} else if (task.action === 'SHORTEN') {
		const text = String(properties.finalPrompt ?? task.description ?? '');
		item.prompts = parseShortenPrompts(text);
		item.promptsText = text;
	}
	item.finalPrompt = properties.finalPrompt as string | undefined;
	item.botType = task.botType ?? (properties.botType as string | undefined);
	for (const extra of ['seed', 'width', 'height', 'videoUrl'] as const) item[extra] = task[extra];
	const videos = videoEntries(task);
	if (videos.length) {
		item.videoUrl = task.videoUrl || videos[0].url;
		item.videoUrls = videos.map((video) => ({ ...video }));
	}
	if (typeof task.videoDuration === 'number') item.videoDuration = task.videoDuration;
	if (typeof task.frameCount === 'number') item.frameCount = task.frameCount;
	for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
	return simplify
		? simplified(
				item,
				fields,
				buttonActions.map((action) => action.label),
			)
		: item;
}

/** A 2x2 grid: a task with U1..U4 (a video batch's U1..U4 upscale videos, not pictures). */
export function isGridTask(task: MjTask): boolean {
	if (isVideoTask(task)) return false;
	const customIds = splitButtons(task.buttons).fields;
	return ['U1', 'U2', 'U3', 'U4'].every(
		(key) => customIds[key] !== undefined && !isVideoUpscaleButton(customIds[key]),
	);
}

/**
 * One item per picture of a grid: index 1-4 (Midjourney's order: top-left,
 * top-right, bottom-left, bottom-right), the picture's own URL when the
 * server gives one, and that picture's U and V customIds.
 */
export function gridPictureItems(task: MjTask, simplify = false): IDataObject[] {
	const base = mapTask(task, simplify);
	const urls = pictureUrls(task);
	return [1, 2, 3, 4].map((index) => {
		const item: IDataObject = {
			...base,
			index,
			// Only a URL of this very picture: without one, the item carries the cut picture as binary.
			imageUrl: urls[index - 1],
			gridImageUrl: task.imageUrl,
			U: base[`U${index}`],
			V: base[`V${index}`],
		};
		for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
		return item;
	});
}

/**
 * One item per video of a finished video task: index 1-n, that video's
 * `videoUrl` and `thumbnailUrl`, and its own upscale button as `U`.
 */
export function videoItems(task: MjTask, simplify = false): IDataObject[] {
	const base = mapTask(task, simplify);
	return videoEntries(task).map((video, position) => {
		const index = position + 1;
		const item: IDataObject = {
			...base,
			index,
			videoUrl: video.url,
			thumbnailUrl: video.thumbnail,
			U: base[`U${index}`],
		};
		for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
		return item;
	});
}
