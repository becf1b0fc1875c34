import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseDataUri } from '../../images/format';
import {
	checkTotalSize,
	imageBytesToDataUri,
	splitImageList,
	splitPropertyNames,
	toImageReference,
	type ImageReference,
} from '../../images/inputChecks';
import { MidjourneyError } from '../../model/errors';
import { binaryPropertyToDataUri } from '../../parameters/binaryImage';
import { downloadFile } from '../../transport/download';
import { readChoice, readText, readTextList } from '../../parameters/readers';

/**
 * Image inputs with n8n context: reads the item's binary properties (through
 * parameters/binaryImage.ts), downloads URLs, and
 * returns checked data URIs.
 */

const IMAGE_SOURCES = ['none', 'url', 'binary'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

function readImageSource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fallback: ImageSource,
): ImageSource {
	return readChoice(ctx, 'imageSource', itemIndex, {
		label: 'Image Source',
		choices: IMAGE_SOURCES,
		fallback,
	});
}

/** The "Image Source / Image URLs / Binary Properties" trio of an operation. */
export function imageSourceFields(options: {
	optional: boolean;
	multiple: boolean;
	what: string;
}): INodeProperties[] {
	const sources = [
		{
			name: 'URL',
			value: 'url',
			description: 'A link to the image (http or https), or the image itself as a data: URL',
		},
		{
			name: 'Binary File',
			value: 'binary',
			description: 'A file from a previous node (form upload, Google Drive, HTTP Request…)',
		},
	];
	const description = `Where the ${options.what} come${options.multiple ? '' : 's'} from`;
	const sourceField: INodeProperties = options.optional
		? {
				displayName: 'Image Source',
				name: 'imageSource',
				type: 'options',
				default: 'none',
				options: [{ name: 'None', value: 'none' }, ...sources],
				description,
			}
		: {
				displayName: 'Image Source',
				name: 'imageSource',
				type: 'options',
				default: 'url',
				options: sources,
				description,
			};
	return [
		sourceField,
		options.multiple
			? {
					displayName: 'Image URLs',
					name: 'imageUrls',
					type: 'string',
					typeOptions: { rows: 3 },
					default: '',
					required: !options.optional,
					placeholder: 'https://example.com/a.png\nhttps://example.com/b.jpg',
					description:
						'One image link (http or https, or a data: URL) per line, or an expression returning a list. The images are downloaded and sent to Midjourney.',
					displayOptions: { show: { imageSource: ['url'] } },
				}
			: {
					displayName: 'Image URL',
					name: 'imageUrl',
					type: 'string',
					default: '',
					required: true,
					placeholder: 'https://example.com/product.jpg',
					description: 'A link to the image (http or https, sent as it is), or a data: URL',
					displayOptions: { show: { imageSource: ['url'] } },
				},
		options.multiple
			? {
					displayName: 'Input Binary Fields',
					name: 'binaryPropertyNames',
					type: 'string',
					default: 'data',
					required: true,
					placeholder: 'data, data2',
					description:
						'Names of the binary properties holding the images, separated by commas, or * for all binary properties of the item',
					displayOptions: { show: { imageSource: ['binary'] } },
				}
			: {
					displayName: 'Input Binary Field',
					name: 'binaryPropertyName',
					type: 'string',
					default: 'data',
					required: true,
					description: 'The name of the input binary field holding the image',
					displayOptions: { show: { imageSource: ['binary'] } },
				},
	];
}

function itemLabel(itemIndex: number, what: string): string {
	return `${what} of item ${itemIndex}`;
}

/** A reference → a data URI (downloading URLs). */
async function referenceToDataUri(
	ctx: IExecuteFunctions,
	itemIndex: number,
	reference: ImageReference,
	baseUrl: string,
	what: string,
): Promise<string> {
	if (reference.kind === 'binary')
		return await binaryPropertyToDataUri(ctx, itemIndex, reference.property, what);
	if (reference.kind === 'dataUri') {
		const parsed = parseDataUri(reference.value);
		if (!parsed) {
			throw new MidjourneyError(
				'input',
				`A data URI for the ${itemLabel(itemIndex, what)} is not valid`,
				{
					description: 'Expected data:image/<type>;base64,<data>.',
				},
			);
		}
		return imageBytesToDataUri(parsed.data, `A data URI for the ${itemLabel(itemIndex, what)}`);
	}
	const file = await downloadFile(
		ctx,
		reference.url,
		baseUrl,
		`the ${itemLabel(itemIndex, what)} (${reference.url})`,
	);
	return imageBytesToDataUri(file.data, `The image at ${reference.url} (item ${itemIndex})`);
}

/**
 * The images an operation sends as `base64Array`, from the item's
 * imageSource / imageUrls / binaryPropertyNames parameters.
 */
export async function readImageList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	what: string,
): Promise<string[]> {
	const source = readImageSource(ctx, itemIndex, 'none');
	let references: ImageReference[] = [];
	if (source === 'url') {
		references = splitImageList(
			readTextList(ctx, 'imageUrls', itemIndex, { label: 'Image URLs' }),
		).map((entry) => toImageReference(entry, `An entry of Image URLs (item ${itemIndex})`));
	} else if (source === 'binary') {
		const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
		const names = readText(ctx, 'binaryPropertyNames', itemIndex, {
			label: 'Input Binary Fields',
			fallback: 'data',
		});
		references = splitPropertyNames(names, available).map((property) => ({
			kind: 'binary',
			property,
		}));
		if (references.length === 0) {
			throw new MidjourneyError('input', `Item ${itemIndex} has no binary data for the ${what}`, {
				description: 'Connect a node that outputs files, or choose URL as the Image Source.',
			});
		}
	}
	const dataUris: string[] = [];
	for (const reference of references) {
		dataUris.push(await referenceToDataUri(ctx, itemIndex, reference, baseUrl, what));
	}
	checkTotalSize(dataUris);
	return dataUris;
}

/** Describe's single image: a URL is passed as `link`, anything else as `base64`. */
export async function readSingleImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	what: string,
): Promise<{ link: string } | { base64: string }> {
	const source = readImageSource(ctx, itemIndex, 'url');
	if (source === 'binary') {
		const property = readText(ctx, 'binaryPropertyName', itemIndex, {
			label: 'Input Binary Field',
			fallback: 'data',
		});
		return { base64: await binaryPropertyToDataUri(ctx, itemIndex, property, what) };
	}
	const entry = readText(ctx, 'imageUrl', itemIndex, { label: 'Image URL' });
	if (entry === '') {
		throw new MidjourneyError('input', `Image URL is empty for item ${itemIndex}`, {
			description: `Give the URL or data URI of the ${what}.`,
		});
	}
	const reference = toImageReference(entry, `Image URL of item ${itemIndex}`);
	if (reference.kind === 'url') return { link: reference.url };
	return { base64: await referenceToDataUri(ctx, itemIndex, reference, baseUrl, what) };
}

/** One image for a field that takes either form (`image` of Video and Edit): a URL as is, else a data URI. */
export async function readImageUrlOrDataUri(
	ctx: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	what: string,
): Promise<string> {
	const image = await readSingleImage(ctx, itemIndex, baseUrl, what);
	return 'link' in image ? image.link : image.base64;
}

/** The mask of a Modal (Vary (Region)): a URL or data URI string, or a binary property. */
export async function readMask(
	ctx: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	mask: { url?: string; binaryProperty?: string },
): Promise<string | undefined> {
	if (mask.binaryProperty)
		return await binaryPropertyToDataUri(ctx, itemIndex, mask.binaryProperty, 'mask');
	if (!mask.url) return undefined;
	const reference = toImageReference(mask.url, `The mask of item ${itemIndex}`);
	return await referenceToDataUri(ctx, itemIndex, reference, baseUrl, 'mask');
}
