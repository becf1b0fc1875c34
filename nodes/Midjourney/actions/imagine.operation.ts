import type { INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../engine/errors';
import { imageSourceFields, readImageList } from './imageInput';
import { commonSubmitFields } from './settings';
import type { OperationInput, SubmitTask } from './types';

export const description: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'a lighthouse at dawn, watercolor --ar 16:9 --v 6.1',
		description:
			'What to draw. Midjourney parameters such as --ar 16:9, --v 6.1, --stylize 250 or --no text go at the end and pass through as they are.',
		displayOptions: { show: { operation: ['imagine'] } },
	},
	...imageSourceFields('imagine', { optional: true, multiple: true, what: 'reference images' }),
];

export async function prepare({ ctx, itemIndex, client, settings, baseUrl }: OperationInput): Promise<SubmitTask> {
	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '').trim();
	if (prompt === '') {
		throw new MidjourneyError('input', `The prompt of item ${itemIndex} is empty`, {
			description: 'Enter a prompt, or map a field that holds one.',
		});
	}
	const images = await readImageList(ctx, itemIndex, baseUrl, 'reference images');
	const body = { prompt, ...(images.length ? { base64Array: images } : {}), ...commonSubmitFields(settings) };
	return async (deadline) => await client.submit('imagine', body, settings.speed, deadline);
}
