import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { detectImageType } from '../images/format';
import { PngError, splitGrid } from '../images/png';
import { MidjourneyError, settle } from '../model/errors';
import { gridPictureItems, isGridTask, mapTask } from '../model/outputMapper';
import type { MjTask } from '../model/task';
import type { ItemSettings } from '../operations/shared/settings';
import { downloadFile } from '../transport/download';

/**
 * Finished task → output items: the mapped JSON, and, when asked, the image
 * as n8n binary data or the grid as four items (one per picture).
 */

async function toBinary(
	ctx: IExecuteFunctions,
	data: Buffer,
	fileBaseName: string,
	contentType?: string,
): Promise<IBinaryKeyData[string]> {
	const detected = detectImageType(data);
	const mimeType = detected?.mimeType ?? contentType?.split(';')[0]?.trim() ?? 'application/octet-stream';
	const extension = detected?.extension ?? (mimeType === 'image/png' ? 'png' : 'bin');
	return await ctx.helpers.prepareBinaryData(data, `${fileBaseName}.${extension}`, mimeType);
}

function urlOf(entry: unknown): string | undefined {
	if (typeof entry === 'string') return entry;
	if (entry && typeof entry === 'object' && typeof (entry as { url?: unknown }).url === 'string') {
		return (entry as { url: string }).url;
	}
	return undefined;
}

async function gridItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	task: MjTask,
	settings: ItemSettings,
	baseUrl: string,
): Promise<INodeExecutionData[]> {
	const pictures = gridPictureItems(task);
	const taskId = String(task.id);
	const pictureUrls = (task.imageUrls ?? []).map(urlOf).filter((url): url is string => !!url);
	const items: INodeExecutionData[] = pictures.map((json) => ({ json, pairedItem: { item: itemIndex } }));
	if (pictureUrls.length >= pictures.length) {
		// The server cut the grid already: download only when asked.
		if (settings.downloadImage) {
			for (const [index, item] of items.entries()) {
				const file = await downloadFile(ctx, pictureUrls[index], baseUrl, `picture ${index + 1} of task ${taskId}`);
				item.binary = {
					[settings.binaryPropertyName]: await toBinary(ctx, file.data, `midjourney-${taskId}-${index + 1}`, file.contentType),
				};
			}
		}
		return items;
	}
	if (!task.imageUrl) {
		throw new MidjourneyError('badResponse', `Task ${taskId} has no image to cut into pictures`, { taskId });
	}
	// No per-picture URLs: cut the grid here, so each item carries its own picture.
	const grid = await downloadFile(ctx, task.imageUrl, baseUrl, `the grid of task ${taskId}`);
	const cut = await settle(async () => splitGrid(grid.data));
	if (!cut.ok) {
		const reason = cut.error instanceof PngError ? cut.error.message : String(cut.error);
		throw new MidjourneyError('badResponse', `The grid image of task ${taskId} could not be cut: ${reason}`, {
			taskId,
			description:
				'Only PNG grids can be cut locally. Use Output "One Item per Task" and press U1-U4 to get each picture from Midjourney instead.',
		});
	}
	const quarters = cut.value;
	for (const [index, item] of items.entries()) {
		item.binary = {
			[settings.binaryPropertyName]: await toBinary(ctx, quarters[index], `midjourney-${taskId}-${index + 1}`, 'image/png'),
		};
	}
	return items;
}

export async function buildTaskItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	task: MjTask,
	settings: ItemSettings,
	baseUrl: string,
	extra: IDataObject = {},
): Promise<INodeExecutionData[]> {
	const finished = task.status === 'SUCCESS';
	if (settings.output === 'gridImages' && finished && isGridTask(task)) {
		const items = await gridItems(ctx, itemIndex, task, settings, baseUrl);
		for (const item of items) Object.assign(item.json, extra);
		return items;
	}
	const item: INodeExecutionData = { json: { ...mapTask(task), ...extra }, pairedItem: { item: itemIndex } };
	if (settings.downloadImage && finished && task.imageUrl) {
		const taskId = String(task.id);
		const file = await downloadFile(ctx, task.imageUrl, baseUrl, `the image of task ${taskId}`);
		item.binary = {
			[settings.binaryPropertyName]: await toBinary(ctx, file.data, `midjourney-${taskId}`, file.contentType),
		};
	}
	return [item];
}
