import type { IExecuteFunctions } from 'n8n-workflow';

import { checkImageSize, imageBytesToDataUri } from '../images/inputChecks';
import { MidjourneyError, settle } from '../model/errors';

/**
 * An image the item holds as binary data, named by a parameter (Input Binary
 * Field, a mask, a reference): read through n8n's helpers, so filesystem and
 * S3 binary modes work, and checked as an image.
 */

/** Reads one binary property of the item as a checked data URI. */
export async function binaryPropertyToDataUri(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	what: string,
): Promise<string> {
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[property]) {
		const present = Object.keys(binary);
		throw new MidjourneyError(
			'input',
			`Item ${itemIndex} has no binary property "${property}" for the ${what}`,
			{
				description: present.length
					? `Its binary properties are: ${present.join(', ')}. Set the field name to one of them.`
					: 'The item has no binary data at all. Connect a node that outputs a file (Read/Write Files, HTTP Request, Form…) or use a URL.',
			},
		);
	}
	const label = `Binary property "${property}" of item ${itemIndex}`;
	const stored = binary[property].id;
	if (stored) {
		// Kept outside the item (filesystem or S3 mode): refuse an oversized file before reading it.
		const metadata = await settle(async () => await ctx.helpers.getBinaryMetadata(stored));
		if (metadata.ok) checkImageSize(metadata.value.fileSize, label);
	}
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	return imageBytesToDataUri(data, label);
}
