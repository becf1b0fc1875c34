import { imageSourceFields, readSingleImage } from '../shared/imageSource';
import { commonSubmitFields } from '../../parameters/settings';
import type { SubmitOperation } from '../types';

export const describe: SubmitOperation = {
	kind: 'submit',
	displayName: 'Describe',
	action: 'Describe an image as prompts',
	description: 'Get four suggested prompts for an image',
	endpoint: 'describe',
	takesBot: true,
	results: [],
	fields: [...imageSourceFields({ optional: false, multiple: false, what: 'image to describe' })],
	async prepare({ ctx, itemIndex, settings, baseUrl }) {
		const image = await readSingleImage(ctx, itemIndex, baseUrl, 'image to describe');
		return { endpoint: describe.endpoint, body: { ...image, ...commonSubmitFields(settings) } };
	},
};
