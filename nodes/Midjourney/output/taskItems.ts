import type { IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { detectImageType } from '../images/format';
import { PngError, splitGrid } from '../images/png';
import { MidjourneyError, settle } from '../model/errors';
import { isMp4 } from './mp4';
import {
	gridPictureItems,
	isGridTask,
	isVideoTask,
	mapTask,
	pictureUrls,
	videoEntries,
	videoItems,
} from './outputMapper';
import type { MjTask } from '../model/task';
import type { OutputSettings } from '../parameters/settings';
import { downloadFile, type ExpectedContent } from '../transport/download';
import type { RequestContext } from '../transport/n8nHttp';

/**
 * Finished task → output items: the mapped JSON, and, when asked, the image
 * as n8n binary data or the grid as four items (one per picture).
 */

async function toBinary(
	ctx: RequestContext,
	data: Buffer,
	fileBaseName: string,
	contentType?: string,
): Promise<IBinaryKeyData[string]> {
	const detected = detectImageType(data);
	const mimeType =
		detected?.mimeType ?? contentType?.split(';')[0]?.trim() ?? 'application/octet-stream';
	const extension = detected?.extension ?? (mimeType === 'image/png' ? 'png' : 'bin');
	return await ctx.helpers.prepareBinaryData(data, `${fileBaseName}.${extension}`, mimeType);
}

async function gridItems(
	ctx: RequestContext,
	itemIndex: number,
	task: MjTask,
	settings: OutputSettings,
	baseUrl: string,
): Promise<INodeExecutionData[]> {
	const pictures = gridPictureItems(task, settings.simplify);
	const taskId = String(task.id);
	const urls = pictureUrls(task);
	const items: INodeExecutionData[] = pictures.map((json) => ({
		json,
		pairedItem: { item: itemIndex },
	}));
	if (urls.length >= pictures.length) {
		// The server cut the grid already: download only when asked.
		if (settings.downloadImage) {
			for (const [index, item] of items.entries()) {
				const file = await downloadFile(
					ctx,
					urls[index],
					baseUrl,
					`picture ${index + 1} of task ${taskId}`,
				);
				item.binary = {
					[settings.binaryPropertyName]: await toBinary(
						ctx,
						file.data,
						`midjourney-${taskId}-${index + 1}`,
						file.contentType,
					),
				};
			}
		}
		return items;
	}
	if (!task.imageUrl) {
		throw new MidjourneyError('badResponse', `Task ${taskId} has no image to cut into pictures`, {
			taskId,
		});
	}
	// No per-picture URLs: cut the grid here, so each item carries its own picture.
	const grid = await downloadFile(ctx, task.imageUrl, baseUrl, `the grid of task ${taskId}`);
	const cut = await settle(async () => await splitGrid(grid.data));
	if (!cut.ok) {
		const reason = cut.error instanceof PngError ? cut.error.message : String(cut.error);
		throw new MidjourneyError(
			'badResponse',
			`The grid image of task ${taskId} could not be cut: ${reason}`,
			{
				taskId,
				description:
					'Only PNG grids can be cut locally. Use Output "One Item per Task" and press U1-U4 to get each picture from Midjourney instead.',
			},
		);
	}
	const quarters = cut.value;
	for (const [index, item] of items.entries()) {
		item.binary = {
			[settings.binaryPropertyName]: await toBinary(
				ctx,
				quarters[index],
				`midjourney-${taskId}-${index + 1}`,
				'image/png',
			),
		};
	}
	return items;
}

/** Largest mp4 downloaded: Midjourney's videos are a few MB to some tens. */
const VIDEO_MAX_BYTES = 200 * 1048576;

const MP4_CONTENT: ExpectedContent = {
	label: 'an mp4 video',
	matches: isMp4,
	maxBytes: VIDEO_MAX_BYTES,
};

/**
 * One mp4 as n8n binary data: downloaded whole and checked to be an mp4
 * before it is stored, so a download cut off mid-way (deadline, size, a
 * broken connection) leaves no partial file in n8n's binary data.
 */
async function videoBinary(
	ctx: RequestContext,
	url: string,
	baseUrl: string,
	fileBaseName: string,
	what: string,
): Promise<IBinaryKeyData[string]> {
	const { data } = await downloadFile(ctx, url, baseUrl, what, MP4_CONTENT);
	return await ctx.helpers.prepareBinaryData(data, `${fileBaseName}.mp4`, 'video/mp4');
}

/** A video task makes a batch of 1, 2 or 4 videos. */
const MAX_VIDEOS_PER_TASK = 4;

/**
 * A finished video task → its items: one for the task, or one per video; with
 * Download Video, each mp4 as binary (the task's item: the first in the field,
 * the others in field_2, field_3…).
 */
async function videoTaskItems(
	ctx: RequestContext,
	itemIndex: number,
	task: MjTask,
	settings: OutputSettings,
	baseUrl: string,
	extra: IDataObject,
): Promise<INodeExecutionData[]> {
	const taskId = String(task.id);
	const videos = videoEntries(task);
	if (settings.downloadVideo && videos.length > MAX_VIDEOS_PER_TASK) {
		throw new MidjourneyError(
			'badResponse',
			`Task ${taskId} lists ${videos.length} videos, more than the ${MAX_VIDEOS_PER_TASK} a video task makes: none downloaded`,
			{
				taskId,
				description:
					'The server answered a task Midjourney cannot make. Turn Download Video off to see the task as it is, or check the Base URL.',
			},
		);
	}
	const field = settings.binaryPropertyName;
	const fileBaseName = (index: number) => `midjourney-${taskId}-${index}`;
	const what = (index: number) => `video ${index} of task ${taskId}`;
	if (settings.output === 'videos' && videos.length > 0) {
		const items: INodeExecutionData[] = videoItems(task, settings.simplify).map((json) => ({
			json: { ...json, ...extra },
			pairedItem: { item: itemIndex },
		}));
		if (settings.downloadVideo) {
			// One after another: peak memory stays that of one video, whatever the number of videos.
			for (const [position, item] of items.entries()) {
				const index = position + 1;
				item.binary = {
					[field]: await videoBinary(
						ctx,
						videos[position].url,
						baseUrl,
						fileBaseName(index),
						what(index),
					),
				};
			}
		}
		return items;
	}
	const item: INodeExecutionData = {
		json: { ...mapTask(task, settings.simplify), ...extra },
		pairedItem: { item: itemIndex },
	};
	if (settings.downloadVideo && videos.length > 0) {
		const binary: IBinaryKeyData = {};
		for (const [position, video] of videos.entries()) {
			const index = position + 1;
			binary[index === 1 ? field : `${field}_${index}`] = await videoBinary(
				ctx,
				video.url,
				baseUrl,
				fileBaseName(index),
				what(index),
			);
		}
		item.binary = binary;
	}
	return [item];
}

export async function buildTaskItems(
	ctx: RequestContext,
	itemIndex: number,
	task: MjTask,
	settings: OutputSettings,
	baseUrl: string,
	extra: IDataObject = {},
): Promise<INodeExecutionData[]> {
	const finished = task.status === 'SUCCESS';
	// A video task's imageUrl is its first mp4: Download Image does not apply, Download Video does.
	if (finished && isVideoTask(task))
		return await videoTaskItems(ctx, itemIndex, task, settings, baseUrl, extra);
	if (settings.output === 'gridImages' && finished && isGridTask(task)) {
		const items = await gridItems(ctx, itemIndex, task, settings, baseUrl);
		for (const item of items) Object.assign(item.json, extra);
		return items;
	}
	const item: INodeExecutionData = {
		json: { ...mapTask(task, settings.simplify), ...extra },
		pairedItem: { item: itemIndex },
	};
	if (settings.downloadImage && finished && task.imageUrl) {
		const taskId = String(task.id);
		const file = await downloadFile(ctx, task.imageUrl, baseUrl, `the image of task ${taskId}`);
		item.binary = {
			[settings.binaryPropertyName]: await toBinary(
				ctx,
				file.data,
				`midjourney-${taskId}`,
				file.contentType,
			),
		};
	}
	return [item];
}
