/**
 * Midjourney's prompt parameters as the prompt check knows them: names,
 * aliases, what value each takes, and which model versions take it. Every
 * entry names its source; the README's "Prompt check" table lists them.
 *
 * Sources:
 * - PARSER: the reference server's prompt parser, trueai-org/midjourney-proxy
 *   src/Midjourney.Base/Utils/MjPromptParser.cs (`ParamDefinitions`, `AliasMap`, `Parse`).
 * - MJ_DOCS: Midjourney's Parameter List, docs.midjourney.com/hc/en-us/articles/32859204029709-Parameter-List
 *   (the page the parser itself cites), and its Omni Reference page, .../36285124473997-Omni-Reference.
 * - V7_GUIDE / V8_GUIDE: the V7 and V8.1 prompt parameter guides of a Midjourney API gateway
 *   (docs.evolink.ai/en/api-manual/image-series/midjourney/midjourney-v7-prompt-guide, ...-v8-1-prompt-guide):
 *   quality values per version, --oref with --q 4, --hd and --sv on V8.
 */

export const SOURCES = {
	PARSER: 'MjPromptParser.cs (trueai-org/midjourney-proxy)',
	MJ_DOCS: "Midjourney's Parameter List",
	V7_GUIDE: 'Midjourney V7 parameter guide',
	V8_GUIDE: 'Midjourney V8.1 parameter guide',
} as const;

/** The model a prompt runs on; `number` undefined is the account's default (V7 or later today). */
export interface ModelVersion {
	family: 'mj' | 'niji';
	number?: number;
}

export type ValueKind =
	/** a switch: no value */
	| 'none'
	/** one number in [min, max]; `integer` refuses fractions */
	| 'number'
	/** one value of `choices` */
	| 'choice'
	/** w:h in whole numbers */
	| 'ratio'
	/** free text, several words (--no) */
	| 'text'
	/** one or more words: URLs, codes (--sref, --p) */
	| 'words'
	/** one http(s) URL */
	| 'url'
	/** one or more http(s) URLs */
	| 'urls';

export interface ParameterRule {
	/** the full name, as MjPromptParser's ParamDefinitions key it */
	fullName: string;
	aliases?: string[];
	takes: ValueKind;
	/** a value may be left out (--niji, --p) */
	valueOptional?: boolean;
	min?: number;
	max?: number;
	integer?: boolean;
	choices?: string[];
	/** why a version cannot take it, or undefined when it can */
	versionProblem?: (version: ModelVersion) => string | undefined;
	/** what to use instead on a version that refuses it */
	versionFix?: string;
	source: string;
	/** the README's line for it */
	summary: string;
}

const mjAtLeast = (least: number, what: string) => (version: ModelVersion) => {
	if (version.family === 'niji') return `${what} needs Midjourney V${least} or later, not Niji`;
	if (version.number !== undefined && version.number < least)
		return `${what} needs V${least} or later, not V${version.number}`;
	return undefined;
};

const ALL_VERSIONS = [
	'1',
	'2',
	'3',
	'4',
	'5',
	'5.0',
	'5.1',
	'5.2',
	'6',
	'6.0',
	'6.1',
	'7',
	'7.0',
	'8',
	'8.0',
	'8.1',
];
const NIJI_VERSIONS = ['4', '5', '6', '7'];

export const PARAMETER_RULES: ParameterRule[] = [
	// Versions: PARSER ValueRange "1, 2, 3, 4, 5, 5.1, 5.2, 6, 6.1, 7, 8.1"; niji "4, 5, 6, 7".
	{
		fullName: 'version',
		aliases: ['v'],
		takes: 'choice',
		choices: ALL_VERSIONS,
		source: SOURCES.PARSER,
		summary: 'one of 1–7, 5.1, 5.2, 6.1, 8, 8.1',
	},
	{
		fullName: 'niji',
		takes: 'choice',
		choices: NIJI_VERSIONS,
		valueOptional: true,
		source: SOURCES.PARSER,
		summary: 'optional 4, 5, 6 or 7',
	},
	// PARSER: "不支持小数，用整数比例如 139:100 代替 1.39:1" (whole numbers only).
	{
		fullName: 'aspect',
		aliases: ['ar'],
		takes: 'ratio',
		source: SOURCES.PARSER,
		summary: 'w:h in whole numbers',
	},
	{
		fullName: 'chaos',
		aliases: ['c'],
		takes: 'number',
		min: 0,
		max: 100,
		integer: true,
		source: SOURCES.PARSER,
		summary: '0–100',
	},
	{
		fullName: 'stylize',
		aliases: ['s'],
		takes: 'number',
		min: 0,
		max: 1000,
		integer: true,
		source: SOURCES.PARSER,
		summary: '0–1000',
	},
	{
		fullName: 'weird',
		aliases: ['w'],
		takes: 'number',
		min: 0,
		max: 3000,
		integer: true,
		versionProblem: mjAtLeast(5.2, '--weird'),
		source: SOURCES.PARSER,
		summary: '0–3000, V5.2+',
	},
	// PARSER ".25, .5, 1 (V7支持 4)"; V7_GUIDE "1, 2, 4"; V8_GUIDE --q 4 on V8: 4 only from V7 on.
	{
		fullName: 'quality',
		aliases: ['q'],
		takes: 'choice',
		choices: ['.25', '0.25', '.5', '0.5', '1', '2', '4'],
		source: `${SOURCES.PARSER}, ${SOURCES.V7_GUIDE}`,
		summary: '.25, .5, 1, 2 or 4 (4 from V7)',
	},
	{
		fullName: 'seed',
		takes: 'number',
		min: 0,
		max: 4294967295,
		integer: true,
		source: SOURCES.PARSER,
		summary: '0–4294967295',
	},
	{
		fullName: 'stop',
		takes: 'number',
		min: 10,
		max: 100,
		integer: true,
		source: SOURCES.PARSER,
		summary: '10–100',
	},
	{
		fullName: 'repeat',
		aliases: ['r'],
		takes: 'number',
		min: 1,
		max: 40,
		integer: true,
		source: SOURCES.PARSER,
		summary: '1–40',
	},
	// PARSER cref/cw: "V6, Niji 6"; MJ_DOCS Omni Reference: V7 replaces --cref with --oref.
	{
		fullName: 'cref',
		takes: 'urls',
		versionProblem: characterReferenceProblem('--cref'),
		versionFix:
			'On V7 and later use Omni Reference (--oref with --ow), or add --v 6.1 to the prompt.',
		source: `${SOURCES.PARSER}, ${SOURCES.MJ_DOCS}`,
		summary: 'image URLs, V6 / V6.1 / Niji 6 only',
	},
	{
		fullName: 'cw',
		takes: 'number',
		min: 0,
		max: 100,
		integer: true,
		versionProblem: characterReferenceProblem('--cw'),
		versionFix: 'On V7 and later use --ow with --oref, or add --v 6.1 to the prompt.',
		source: SOURCES.PARSER,
		summary: '0–100, with --cref',
	},
	// PARSER sref "V6+": a URL, a style code or "random", several allowed.
	{
		fullName: 'sref',
		takes: 'words',
		versionProblem: mjOrNijiAtLeast(6, '--sref'),
		source: SOURCES.PARSER,
		summary: 'image URLs, style codes or random, V6+',
	},
	{
		fullName: 'sw',
		takes: 'number',
		min: 0,
		max: 1000,
		integer: true,
		source: SOURCES.PARSER,
		summary: '0–1000',
	},
	{
		fullName: 'sv',
		takes: 'number',
		min: 1,
		max: 7,
		integer: true,
		source: `${SOURCES.PARSER}, ${SOURCES.V8_GUIDE}`,
		summary: '1–7',
	},
	{
		fullName: 'iw',
		takes: 'number',
		min: 0,
		max: 3,
		source: SOURCES.PARSER,
		summary: '0–3, with an image prompt',
	},
	// PARSER oref/ow "V7", MJ_DOCS Omni Reference: one image, V7 (and later versions that take it).
	{
		fullName: 'oref',
		takes: 'url',
		versionProblem: mjAtLeast(7, '--oref'),
		versionFix: 'Add --v 7 (Omni Reference is a V7 feature), or use --cref on V6.',
		source: `${SOURCES.PARSER}, ${SOURCES.MJ_DOCS}`,
		summary: 'one image URL, V7+',
	},
	{
		fullName: 'ow',
		takes: 'number',
		min: 0,
		max: 1000,
		integer: true,
		versionProblem: mjAtLeast(7, '--ow'),
		source: SOURCES.PARSER,
		summary: '0–1000, V7+',
	},
	{ fullName: 'no', takes: 'text', source: SOURCES.PARSER, summary: 'words to exclude' },
	// PARSER style: "raw (V5.1+), cute/scenic/expressive/original (Niji)", 4a/4b/4c on V4.
	{
		fullName: 'style',
		takes: 'choice',
		choices: ['raw', 'cute', 'scenic', 'expressive', 'original', '4a', '4b', '4c'],
		source: SOURCES.PARSER,
		summary: 'raw, cute, scenic, expressive, original, 4a–4c',
	},
	{
		fullName: 'raw',
		takes: 'none',
		versionProblem: mjOrNijiAtLeast(5.1, '--raw'),
		source: SOURCES.PARSER,
		summary: 'switch, V5.1+',
	},
	{ fullName: 'turbo', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{ fullName: 'fast', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{ fullName: 'relax', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{
		fullName: 'draft',
		takes: 'none',
		versionProblem: mjAtLeast(7, '--draft'),
		source: SOURCES.PARSER,
		summary: 'switch, V7+',
	},
	{ fullName: 'stealth', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{ fullName: 'public', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{ fullName: 'tile', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{ fullName: 'video', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	// PARSER profile / p; MJ_DOCS also spells it --personalize.
	{
		fullName: 'profile',
		aliases: ['p', 'personalize'],
		takes: 'words',
		valueOptional: true,
		source: `${SOURCES.PARSER}, ${SOURCES.MJ_DOCS}`,
		summary: 'optional profile codes',
	},
	// PARSER video parameters (docs.midjourney.com Video).
	{
		fullName: 'motion',
		takes: 'choice',
		choices: ['low', 'high'],
		source: SOURCES.PARSER,
		summary: 'low or high',
	},
	{ fullName: 'loop', takes: 'none', source: SOURCES.PARSER, summary: 'switch' },
	{ fullName: 'end', takes: 'url', source: SOURCES.PARSER, summary: 'an image URL' },
	{
		fullName: 'bs',
		takes: 'number',
		min: 1,
		max: 4,
		integer: true,
		source: SOURCES.PARSER,
		summary: '1–4',
	},
	{
		fullName: 'exp',
		takes: 'number',
		min: 0,
		max: 100,
		integer: true,
		versionProblem: mjAtLeast(7, '--exp'),
		source: SOURCES.PARSER,
		summary: '0–100, V7+',
	},
	// V8_GUIDE: native 2K output on V8 and later; not in the parser's table.
	{
		fullName: 'hd',
		takes: 'none',
		versionProblem: mjAtLeast(8, '--hd'),
		source: SOURCES.V8_GUIDE,
		summary: 'switch, V8+',
	},
];

function mjOrNijiAtLeast(least: number, what: string) {
	return (version: ModelVersion) =>
		version.number !== undefined && version.number < least
			? `${what} needs ${version.family === 'niji' ? 'Niji' : 'V'}${least} or later, not ${version.family === 'niji' ? 'Niji ' : 'V'}${version.number}`
			: undefined;
}

/** --cref / --cw: V6.x and Niji 6 only; the account default (V7 or later) does not take them. */
function characterReferenceProblem(what: string) {
	return (version: ModelVersion) => {
		const number = version.number;
		if (number !== undefined && number >= 6 && number < 7) return undefined;
		if (number === undefined)
			return `${what} (Character Reference) works on V6 only, and the account default is V7 or later`;
		return `${what} (Character Reference) works on V6 and Niji 6 only, not ${version.family === 'niji' ? 'Niji ' : 'V'}${number}`;
	};
}

const BY_NAME = new Map<string, ParameterRule>();
for (const rule of PARAMETER_RULES) {
	BY_NAME.set(rule.fullName, rule);
	for (const alias of rule.aliases ?? []) BY_NAME.set(alias, rule);
}

/** A rule by full name or alias (case-insensitive, as MjPromptParser.GetFullName). */
export function findRule(name: string): ParameterRule | undefined {
	return BY_NAME.get(name.toLowerCase());
}

/** Every name and alias, for "did you mean". */
export function knownNames(): string[] {
	return [...BY_NAME.keys()];
}
