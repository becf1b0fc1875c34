import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { textValue } from '../parameters/readers';
import { findRule } from './parameterRules';

/**
 * Midjourney's prompt parameters as fields: what a builder picks in the editor
 * instead of typing `--ar 16:9 --v 7`. Each field becomes its flag, appended
 * to the prompt; the prompt check then reads the whole prompt.
 */

/** A field's flag, with the field's name for messages. */
export interface FieldFlag {
	/** the parameter's full name (parameterRules), so a clash with the prompt text is found by meaning, not spelling */
	parameter: string;
	/** the field as the editor shows it */
	field: string;
	/** what is appended, e.g. `--ar 16:9` */
	flag: string;
}

type FieldReader = (value: unknown, label: string, itemIndex: number) => string | undefined;

const text: FieldReader = (value, label, itemIndex) =>
	textValue(value, label, itemIndex) || undefined;
const number: FieldReader = (value, label, itemIndex) => {
	const written = textValue(value, label, itemIndex);
	return written === '' ? undefined : written;
};
const on: FieldReader = (value) => (value === true || value === 'true' ? '' : undefined);

/** field name → label, parameter and how its value becomes the flag's value ('' = a switch). */
const FIELD_PARAMETERS: Record<string, { label: string; parameter: string; read: FieldReader }> = {
	aspectRatio: {
		label: 'Aspect Ratio',
		parameter: 'aspect',
		read: (value, label, itemIndex) => {
			const ratio = textValue(value, label, itemIndex);
			return ratio === '' || ratio === 'custom' ? undefined : ratio;
		},
	},
	customAspectRatio: { label: 'Custom Aspect Ratio', parameter: 'aspect', read: text },
	stylize: { label: 'Stylize', parameter: 'stylize', read: number },
	chaos: { label: 'Chaos', parameter: 'chaos', read: number },
	weird: { label: 'Weird', parameter: 'weird', read: number },
	quality: { label: 'Quality', parameter: 'quality', read: text },
	hd: { label: 'HD', parameter: 'hd', read: on },
	raw: { label: 'Raw', parameter: 'raw', read: on },
	seed: { label: 'Seed', parameter: 'seed', read: number },
	exclude: { label: 'Exclude', parameter: 'no', read: text },
	tile: { label: 'Tile', parameter: 'tile', read: on },
	draft: { label: 'Draft', parameter: 'draft', read: on },
	personalize: { label: 'Personalize', parameter: 'profile', read: on },
	personalizationCodes: { label: 'Personalization Codes', parameter: 'profile', read: text },
	styleWeight: { label: 'Style Weight', parameter: 'sw', read: number },
	omniWeight: { label: 'Omni Weight', parameter: 'ow', read: number },
	characterWeight: { label: 'Character Weight', parameter: 'cw', read: number },
	imageWeight: { label: 'Image Weight', parameter: 'iw', read: number },
};

const shortName = (parameter: string) => findRule(parameter)?.aliases?.[0] ?? parameter;

/** The Prompt Parameters collection of Imagine and Edit. */
export const promptParametersField: INodeProperties = {
	displayName: 'Prompt Parameters',
	name: 'promptParameters',
	type: 'collection',
	placeholder: 'Add Parameter',
	default: {},
	description:
		"Midjourney's parameters as fields, appended to the prompt as flags (e.g. --ar 16:9). Do not type the same flag into the prompt too.",
	options: [
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			default: '1:1',
			options: [
				{ name: '1:1', value: '1:1' },
				{ name: '16:9', value: '16:9' },
				{ name: '2:3', value: '2:3' },
				{ name: '21:9', value: '21:9' },
				{ name: '3:2', value: '3:2' },
				{ name: '3:4', value: '3:4' },
				{ name: '4:3', value: '4:3' },
				{ name: '4:5', value: '4:5' },
				{ name: '5:4', value: '5:4' },
				{ name: '9:16', value: '9:16' },
				{ name: 'Custom', value: 'custom' },
			],
			description:
				'Width to height (--ar). Choose Custom and fill Custom Aspect Ratio for any other.',
		},
		{
			displayName: 'Chaos',
			name: 'chaos',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 0,
			description: 'How different the four pictures are (--c, 0–100)',
		},
		{
			displayName: 'Character Weight',
			name: 'characterWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 100 },
			default: 100,
			description:
				'How much of the Character Reference is kept (--cw): 0 the face only, 100 face, hair and clothes. V6 only.',
		},
		{
			displayName: 'Custom Aspect Ratio',
			name: 'customAspectRatio',
			type: 'string',
			default: '',
			placeholder: '7:4',
			description:
				'Width:height in whole numbers (--ar), used when Aspect Ratio is Custom or not set',
		},
		{
			displayName: 'Draft',
			name: 'draft',
			type: 'boolean',
			default: true,
			description:
				'Whether to render fast at half the cost and lower quality (--draft, V7 and later)',
		},
		{
			displayName: 'Exclude',
			name: 'exclude',
			type: 'string',
			default: '',
			placeholder: 'text, watermark',
			description: 'What must not be in the picture, separated by commas (--no)',
		},
		{
			displayName: 'HD',
			name: 'hd',
			type: 'boolean',
			default: true,
			description: 'Whether to render at native 2K resolution (--hd, V8 and later)',
		},
		{
			displayName: 'Image Weight',
			name: 'imageWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3, numberPrecision: 2 },
			default: 1,
			description: 'How much the image prompts count against the text (--iw, 0–3)',
		},
		{
			displayName: 'Omni Weight',
			name: 'omniWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1000 },
			default: 100,
			description: 'How closely the Omni Reference is followed (--ow, 0–1000). V7 and later.',
		},
		{
			displayName: 'Personalization Codes',
			name: 'personalizationCodes',
			type: 'string',
			default: '',
			placeholder: 'abc123',
			description: 'Profile or moodboard codes, separated by spaces (--p code)',
		},
		{
			displayName: 'Personalize',
			name: 'personalize',
			type: 'boolean',
			default: true,
			description: 'Whether to use your personalization profile (--p)',
		},
		{
			displayName: 'Quality',
			name: 'quality',
			type: 'options',
			default: '1',
			options: [
				{ name: '.5 (Faster)', value: '.5' },
				{ name: '1 (Default)', value: '1' },
				{ name: '2', value: '2' },
				{ name: '4 (V7 and Later)', value: '4' },
			],
			description: 'Time spent on the picture (--q)',
		},
		{
			displayName: 'Raw',
			name: 'raw',
			type: 'boolean',
			default: true,
			description: "Whether to tone down Midjourney's own style (--raw)",
		},
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 4294967295 },
			default: 0,
			description: 'The same seed and prompt give similar pictures (--seed, 0–4294967295)',
		},
		{
			displayName: 'Style Weight',
			name: 'styleWeight',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1000 },
			default: 100,
			description: 'How strongly the Style Reference applies (--sw, 0–1000)',
		},
		{
			displayName: 'Stylize',
			name: 'stylize',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1000 },
			default: 100,
			description: "How strongly Midjourney's aesthetic applies (--s, 0–1000)",
		},
		{
			displayName: 'Tile',
			name: 'tile',
			type: 'boolean',
			default: true,
			description: 'Whether to make a seamless repeating pattern (--tile)',
		},
		{
			displayName: 'Version',
			name: 'version',
			type: 'options',
			default: '',
			options: [
				{ name: 'Account Default', value: '' },
				{ name: 'Niji 6', value: 'niji 6' },
				{ name: 'Niji 7', value: 'niji 7' },
				{ name: 'V6.1', value: '6.1' },
				{ name: 'V7', value: '7' },
				{ name: 'V8.1 (Current)', value: '8.1' },
			],
			description: 'The model (--v, or --niji for the anime model)',
		},
		{
			displayName: 'Weird',
			name: 'weird',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 3000 },
			default: 0,
			description: 'Unusual, quirky looks (--weird, 0–3000)',
		},
	],
};

/** The item's Prompt Parameters as flags, in the order the fields are listed. */
export function readFieldFlags(ctx: IExecuteFunctions, itemIndex: number): FieldFlag[] {
	const values = ctx.getNodeParameter('promptParameters', itemIndex, {}) as IDataObject;
	const flags: FieldFlag[] = [];
	const version = textValue(values.version, 'Version', itemIndex);
	if (version !== '') {
		const niji = /^niji\s*(\d+)$/i.exec(version);
		flags.push(
			niji
				? { parameter: 'niji', field: 'Version', flag: `--niji ${niji[1]}` }
				: { parameter: 'version', field: 'Version', flag: `--v ${version}` },
		);
	}
	for (const [name, spec] of Object.entries(FIELD_PARAMETERS)) {
		if (!(name in values)) continue;
		const value = spec.read(values[name], spec.label, itemIndex);
		if (value === undefined) continue;
		// Personalize and its codes are one --p.
		if (spec.parameter === 'profile' && flags.some((flag) => flag.parameter === 'profile')) {
			const index = flags.findIndex((flag) => flag.parameter === 'profile');
			flags[index] = {
				parameter: 'profile',
				field: 'Personalization Codes',
				flag: `--p ${value}`.trimEnd(),
			};
			continue;
		}
		flags.push({
			parameter: spec.parameter,
			field: spec.label,
			flag: `--${shortName(spec.parameter)} ${value}`.trimEnd(),
		});
	}
	return flags;
}
