import { MidjourneyError } from '../../model/errors';
import { imageSourceFields, readImageList } from '../shared/imageSource';
import { readChoice } from '../../parameters/readers';
import { commonSubmitFields } from '../../parameters/settings';
import type { SubmitOperation } from '../types';

export const MIN_BLEND_IMAGES = 2;
export const MAX_BLEND_IMAGES = 5;
const DIMENSIONS = ['PORTRAIT', 'SQUARE', 'LANDSCAPE'] as const;

export const blend: SubmitOperation = {
	kind: 'submit',
	displayName: 'Blend',
	action: 'Blend 2 to 5 images',
	description: 'Blend 2 to 5 images into a new 2x2 grid',
	endpoint: 'blend',
	takesBot: true,
	results: ['images'],
	fields: [
		...imageSourceFields({ optional: false, multiple: true, what: '2 to 5 images to blend' }),
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
		},
	],
	async prepare({ ctx, itemIndex, settings, baseUrl }) {
		const dimensions = readChoice(ctx, 'dimensions', itemIndex, {
			label: 'Dimensions',
			choices: DIMENSIONS,
			fallback: 'SQUARE',
		});
		const images = await readImageList(ctx, itemIndex, baseUrl, 'images to blend');
		if (images.length < MIN_BLEND_IMAGES || images.length > MAX_BLEND_IMAGES) {
			throw new MidjourneyError(
				'input',
				`Blend needs 2 to 5 images; item ${itemIndex} has ${images.length}`,
				{
					description: 'Give between 2 and 5 image URLs, data URIs or binary properties.',
				},
			);
		}
		return {
			endpoint: blend.endpoint,
			body: { base64Array: images, dimensions, ...commonSubmitFields(settings) },
		};
	},
};
