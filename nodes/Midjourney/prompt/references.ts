import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import { binaryPropertyToDataUri } from '../parameters/binaryImage';
import { textValue } from '../parameters/readers';
import type { MidjourneyClient } from '../transport/client';

/**
 * References: pictures Midjourney takes as URLs in the prompt (style, omni,
 * character references and image prompts), from a URL or from a file of the
 * item. A file is uploaded through the API's upload endpoint (Upload Images)
 * and its URL used; one node run uploads each distinct file once.
 */

export type ReferenceKind = 'style' | 'omni' | 'character' | 'image';

/** Where each kind goes: a parameter, or the start of the prompt (image prompts). */
export const REFERENCE_PARAMETERS: Record<ReferenceKind, { label: string; parameter?: string }> = {
	style: { label: 'Style Reference', parameter: 'sref' },
	omni: { label: 'Omni Reference', parameter: 'oref' },
	character: { label: 'Character Reference', parameter: 'cref' },
	image: { label: 'Image Prompt' },
};

export const referencesField: INodeProperties = {
	displayName: 'References',
	name: 'references',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Reference',
	default: {},
	description:
		'Pictures Midjourney follows, from a URL or a file of the item (uploaded once, then used by URL). Weights are in Prompt Parameters.',
	options: [
		{
			displayName: 'Reference',
			name: 'reference',
			values: [
				{
					displayName: 'Type',
					name: 'kind',
					type: 'options',
					default: 'style',
					options: [
						{
							name: 'Style Reference (--Sref)',
							value: 'style',
							description: 'Match the look: colours, medium, mood',
						},
						{
							name: 'Omni Reference (--Oref)',
							value: 'omni',
							description:
								'Put this person or object into the picture (V7 and later; one per prompt)',
						},
						{
							name: 'Character Reference (--Cref)',
							value: 'character',
							description: 'Keep this character (V6 and Niji 6 only)',
						},
						{
							name: 'Image Prompt',
							value: 'image',
							description: 'An image at the start of the prompt, weighed by Image Weight (--iw)',
						},
					],
				},
				{
					displayName: 'Source',
					name: 'source',
					type: 'options',
					default: 'url',
					options: [
						{ name: 'URL', value: 'url' },
						{
							name: 'Binary Property',
							value: 'binary',
							description: 'A file of the item, uploaded through Upload Images',
						},
					],
				},
				{
					displayName: 'URL',
					name: 'url',
					type: 'string',
					default: '',
					placeholder: 'https://example.com/brand-style.png',
					displayOptions: { show: { source: ['url'] } },
				},
				{
					displayName: 'Input Binary Field',
					name: 'binaryPropertyName',
					type: 'string',
					default: 'data',
					description: 'Name of the binary property holding the picture',
					displayOptions: { show: { source: ['binary'] } },
				},
			],
		},
	],
};

export interface ResolvedReference {
	kind: ReferenceKind;
	url: string;
}

interface ReferenceEntry {
	kind: ReferenceKind;
	source: 'url' | 'binary';
	value: string;
}

/** The item's references as entered, type-checked; nothing read or uploaded yet. */
export function readReferenceEntries(ctx: IExecuteFunctions, itemIndex: number): ReferenceEntry[] {
	const collection = ctx.getNodeParameter('references', itemIndex, {}) as IDataObject;
	const rows = (collection.reference as IDataObject[] | undefined) ?? [];
	return rows.map((row, position) => {
		const kind = (row.kind as ReferenceKind | undefined) ?? 'style';
		if (!REFERENCE_PARAMETERS[kind]) {
			throw new MidjourneyError(
				'input',
				`Reference ${position + 1} of item ${itemIndex} has the unknown type "${String(kind)}"`,
				{
					description: 'Choose Style, Omni, Character Reference or Image Prompt.',
				},
			);
		}
		const label = `${REFERENCE_PARAMETERS[kind].label} ${position + 1}`;
		if (row.source === 'binary') {
			const value =
				textValue(row.binaryPropertyName, `${label} (Input Binary Field)`, itemIndex) || 'data';
			return { kind, source: 'binary', value };
		}
		const value = textValue(row.url, `${label} (URL)`, itemIndex);
		if (!/^https?:\/\/\S+$/i.test(value)) {
			throw new MidjourneyError(
				'input',
				`${label} of item ${itemIndex} is not an http(s) URL: "${value.slice(0, 80)}"`,
				{
					description:
						"Give the picture's public URL, or choose Binary Property to use a file of the item.",
				},
			);
		}
		return { kind, source: 'url', value };
	});
}

/**
 * Uploads of one node run, by file content: the same file (in one item or
 * several) is uploaded once, also while items are prepared in parallel.
 */
const uploadsByRun = new WeakMap<IExecuteFunctions, Map<string, Promise<string>>>();

async function uploadOnce(
	ctx: IExecuteFunctions,
	client: MidjourneyClient,
	dataUri: string,
): Promise<string> {
	let uploads = uploadsByRun.get(ctx);
	if (!uploads) {
		uploads = new Map();
		uploadsByRun.set(ctx, uploads);
	}
	let url = uploads.get(dataUri);
	if (!url) {
		url = client.uploadImages([dataUri]).then((urls) => urls[0]);
		uploads.set(dataUri, url);
		// A failed upload is not kept: the next item tries again.
		url.catch(() => uploads.delete(dataUri));
	}
	return await url;
}

/** The references as URLs, uploading files (each distinct one once per run). */
export async function resolveReferences(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: MidjourneyClient,
	entries: ReferenceEntry[],
): Promise<ResolvedReference[]> {
	const resolved: ResolvedReference[] = [];
	for (const entry of entries) {
		if (entry.source === 'url') {
			resolved.push({ kind: entry.kind, url: entry.value });
			continue;
		}
		const what = REFERENCE_PARAMETERS[entry.kind].label.toLowerCase();
		const dataUri = await binaryPropertyToDataUri(ctx, itemIndex, entry.value, what);
		resolved.push({ kind: entry.kind, url: await uploadOnce(ctx, client, dataUri) });
	}
	return resolved;
}
