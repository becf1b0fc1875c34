import { MidjourneyError } from '../model/errors';
import { detectImageType, toDataUri } from './format';

/**
 * Image inputs, without n8n context: what the user typed → a list of
 * references, and bytes → a checked data URI.
 */

/** Largest image the node sends (the gateway refuses request bodies above ~30 MB). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** Largest total of images in one submit, base64 included. */
export const MAX_TOTAL_BASE64_BYTES = 28 * 1024 * 1024;

export type ImageReference =
	| { kind: 'dataUri'; value: string }
	| { kind: 'url'; url: string }
	| { kind: 'binary'; property: string };

/**
 * Splits a list of URLs / data URIs: an array (from an expression), or text
 * with one entry per line. Commas separate entries only where the next one
 * starts a URL or data URI, since a data URI itself contains a comma.
 */
export function splitImageList(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((entry) => String(entry ?? ''))
		: [String(value ?? '')];
	return parts
		.flatMap((part) => part.split(/\s*[\r\n]+\s*|\s*,\s*(?=(?:https?:|data:))/i))
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

/** A typed entry → a reference; an entry that is neither URL nor data URI is refused. */
export function toImageReference(entry: string, label: string): ImageReference {
	if (/^data:/i.test(entry)) return { kind: 'dataUri', value: entry };
	if (/^https?:\/\//i.test(entry)) return { kind: 'url', url: entry };
	throw new MidjourneyError(
		'input',
		`${label} is not an image URL or data URI: "${entry.slice(0, 60)}"`,
		{
			description: 'Give an http(s) URL, or a data URI such as data:image/png;base64,iVBORw0…',
		},
	);
}

/** Comma-separated binary property names; "*" means all binary properties of the item. */
export function splitPropertyNames(value: unknown, available: string[]): string[] {
	const names = String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	return names.includes('*') ? available : names;
}

/** Refuses an image over MAX_IMAGE_BYTES. */
export function checkImageSize(bytes: number, label: string): void {
	if (bytes <= MAX_IMAGE_BYTES) return;
	const limit = MAX_IMAGE_BYTES / 1048576;
	// Two decimals, so that a file just over the limit does not read "10.0 MB".
	throw new MidjourneyError(
		'input',
		`${label} is too large (${(bytes / 1048576).toFixed(2)} MB, the limit is ${limit} MB)`,
		{
			description: `Images may be at most ${limit} MB. Resize or compress it first.`,
		},
	);
}

/** Checks the bytes are a PNG/JPEG/WebP/GIF under the size limit and returns the data URI. */
export function imageBytesToDataUri(data: Buffer, label: string): string {
	if (data.length === 0) {
		throw new MidjourneyError('input', `${label} is empty`, {
			description: 'The file has no content.',
		});
	}
	checkImageSize(data.length, label);
	const type = detectImageType(data);
	if (!type) {
		throw new MidjourneyError('input', `${label} is not a PNG, JPEG, WebP or GIF image`, {
			description: 'Midjourney accepts PNG, JPEG, WebP and GIF images. Convert the file first.',
		});
	}
	return toDataUri(data, type.mimeType);
}

/** Refuses a set of data URIs too large for one request. */
export function checkTotalSize(dataUris: string[]): void {
	const total = dataUris.reduce((sum, uri) => sum + uri.length, 0);
	if (total > MAX_TOTAL_BASE64_BYTES) {
		throw new MidjourneyError(
			'input',
			`The images are too large together (${(total / 1048576).toFixed(1)} MB encoded)`,
			{
				description: `One request may carry at most ${MAX_TOTAL_BASE64_BYTES / 1048576} MB of encoded images. Use fewer or smaller images.`,
			},
		);
	}
}
