import { MidjourneyError } from '../../model/errors';
import { imageSourceFields, readImageList } from '../shared/imageSource';
import type { ImmediateOperation } from '../types';

export const upload: ImmediateOperation = {
	kind: 'immediate',
	displayName: 'Upload Images',
	action: 'Upload images to get their URLs',
	description:
		'Host images on the server and get URLs to use in prompts: image prompts, --sref, --cref (no task, answered at once)',
	fields: [...imageSourceFields({ optional: false, multiple: true, what: 'images to upload' })],
	async run({ ctx, itemIndex, client, baseUrl }) {
		const images = await readImageList(ctx, itemIndex, baseUrl, 'images to upload');
		if (images.length === 0) {
			throw new MidjourneyError('input', `Item ${itemIndex} has no images to upload`, {
				description: 'Give image URLs or data URIs, or the binary properties that hold the images.',
			});
		}
		return { urls: await client.uploadImages(images) };
	},
};
