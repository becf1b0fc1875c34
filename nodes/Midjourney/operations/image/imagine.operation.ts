import { imageSourceFields, readImageList } from '../shared/imageSource';
import { readRequiredText } from '../../parameters/readers';
import { commonSubmitFields } from '../../parameters/settings';
import type { SubmitOperation } from '../types';

export const imagine: SubmitOperation = {
	kind: 'submit',
	displayName: 'Imagine',
	action: 'Generate images from a prompt',
	description: 'Generate a 2x2 grid of images from a text prompt (and optional reference images)',
	endpoint: 'imagine',
	takesBot: true,
	fields: [
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
		},
		...imageSourceFields({ optional: true, multiple: true, what: 'reference images' }),
	],
	async prepare({ ctx, itemIndex, settings, baseUrl }) {
		const prompt = readRequiredText(ctx, 'prompt', itemIndex, { label: 'Prompt', hint: 'Enter a prompt, or map a field that holds one.' });
		const images = await readImageList(ctx, itemIndex, baseUrl, 'reference images');
		const body = { prompt, ...(images.length ? { base64Array: images } : {}), ...commonSubmitFields(settings) };
		return { endpoint: imagine.endpoint, body };
	},
};
