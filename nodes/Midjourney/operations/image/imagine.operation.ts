import { preparePrompt, promptFields, withPromptWarnings } from '../../prompt/preparePrompt';
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
	results: ['images'],
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
				'What to draw. Midjourney parameters such as --ar 16:9 or --no text go at the end (or use Prompt Parameters); the prompt check refuses what Midjourney would.',
		},
		...promptFields({ references: true }),
		...imageSourceFields({ optional: true, multiple: true, what: 'reference images' }),
	],
	async prepare({ ctx, itemIndex, client, settings, baseUrl }) {
		const text = readRequiredText(ctx, 'prompt', itemIndex, {
			label: 'Prompt',
			hint: 'Enter a prompt, or map a field that holds one.',
		});
		const images = await readImageList(ctx, itemIndex, baseUrl, 'reference images');
		const niji = settings.botType === 'NIJI_JOURNEY';
		const prepared = await preparePrompt({
			ctx,
			itemIndex,
			client,
			text,
			extraImagePrompts: images.length,
			niji,
			references: true,
		});
		const body = {
			prompt: prepared.prompt,
			...(images.length ? { base64Array: images } : {}),
			...commonSubmitFields(settings),
		};
		return withPromptWarnings({ endpoint: imagine.endpoint, body }, prepared);
	},
};
