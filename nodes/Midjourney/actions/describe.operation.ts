import type { INodeProperties } from 'n8n-workflow';

import { imageSourceFields, readSingleImage } from './imageInput';
import { commonSubmitFields } from './settings';
import type { OperationInput, SubmitTask } from './types';

export const description: INodeProperties[] = [
	...imageSourceFields('describe', { optional: false, multiple: false, what: 'image to describe' }),
];

export async function prepare({ ctx, itemIndex, client, settings, baseUrl }: OperationInput): Promise<SubmitTask> {
	const image = await readSingleImage(ctx, itemIndex, baseUrl, 'image to describe');
	const body = { ...image, ...commonSubmitFields(settings) };
	return async (deadline) => await client.submit('describe', body, settings.speed, deadline);
}
