import type { INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../engine/errors';
import { imageSourceFields, readImageList } from './imageInput';
import { commonSubmitFields } from './settings';
import type { OperationInput, SubmitTask } from './types';

export const MIN_BLEND_IMAGES = 2;
export const MAX_BLEND_IMAGES = 5;

export const description: INodeProperties[] = [
	...imageSourceFields('blend', { optional: false, multiple: true, what: '2 to 5 images to blend' }),
	{
		displayName: 'Dimensions',
		name: 'dimensions',
		type: 'options',
		default: 'SQUARE',
		options: [
			{ name: 'Portrait (2:3)', value: 'PORTRAIT' },
			{ name: 'Square (1:1)', value: 'SQUARE' },
			{ name: 'Landscape (3:2)', value: 'LANDSCAPE' },
		],
		description: 'The aspect ratio of the blended image',
		displayOptions: { show: { operation: ['blend'] } },
	},
];

export async function prepare({ ctx, itemIndex, client, settings, baseUrl }: OperationInput): Promise<SubmitTask> {
	const images = await readImageList(ctx, itemIndex, baseUrl, 'images to blend');
	if (images.length < MIN_BLEND_IMAGES || images.length > MAX_BLEND_IMAGES) {
		throw new MidjourneyError('input', `Blend needs 2 to 5 images; item ${itemIndex} has ${images.length}`, {
			description: 'Give between 2 and 5 image URLs, data URIs or binary properties.',
		});
	}
	const dimensions = String(ctx.getNodeParameter('dimensions', itemIndex, 'SQUARE'));
	const body = { base64Array: images, dimensions, ...commonSubmitFields(settings) };
	return async (deadline) => await client.submit('blend', body, settings.speed, deadline);
}
