import {
	findRule,
	knownNames,
	SOURCES,
	type ModelVersion,
	type ParameterRule,
} from './parameterRules';

/**
 * The prompt check: reads a prompt as Midjourney does (image URLs first, then
 * text, then `--name value` parameters) and lists what Midjourney would refuse.
 * Pure: no n8n, no I/O. It never changes the prompt; it only answers.
 */

export interface PromptProblem {
	/** the parameter as typed, e.g. `--stylise` */
	flag: string;
	message: string;
	/** what to do about it */
	fix: string;
}

export interface PromptParameter {
	/** as typed, without dashes, lowercased */
	name: string;
	rule?: ParameterRule;
	/** the words after it, up to the next parameter */
	words: string[];
	/** the parameter as typed, e.g. `--ar 16:9` */
	typed: string;
	/** already reported as a name with its value glued on (`--ar16:9`) */
	glued?: boolean;
}

export interface ReadPrompt {
	imagePrompts: string[];
	text: string;
	parameters: PromptParameter[];
	problems: PromptProblem[];
}

export interface CheckOptions {
	/** images sent beside the prompt (base64Array) count as image prompts for --iw */
	extraImagePrompts?: number;
	/** the bot chosen in the options: Niji makes the default model Niji */
	niji?: boolean;
}

// "--" as Midjourney's parser reads it (PARSER `Parse`: `--([a-zA-Z]+)`); Midjourney also
// takes the em dash that phones turn "--" into (MJ_DOCS: "--v or —v").
const PARAMETER = /^(?:--|\u2014)([A-Za-z]+)(.*)$/;
const SINGLE_DASH = /^-([A-Za-z]+)$/;
const URL = /^<?https?:\/\/\S+?>?$/i;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Splits a prompt into image prompts, text and parameters, noting malformed parameter names. */
export function readPrompt(prompt: string): ReadPrompt {
	const words = prompt
		.trim()
		.split(/\s+/)
		.filter((word) => word !== '');
	const result: ReadPrompt = { imagePrompts: [], text: '', parameters: [], problems: [] };
	const text: string[] = [];
	let current: PromptParameter | undefined;
	let leading = true;
	for (const [position, word] of words.entries()) {
		if (leading && URL.test(word)) {
			result.imagePrompts.push(word);
			continue;
		}
		leading = false;
		const parameter = PARAMETER.exec(word);
		if (parameter) {
			const [, name, rest] = parameter;
			current = { name: name.toLowerCase(), rule: findRule(name), words: [], typed: word };
			result.parameters.push(current);
			if (rest !== '') noteGluedValue(result, current, word, name, rest);
			continue;
		}
		const singleDash = SINGLE_DASH.exec(word);
		if (singleDash && looksLikeParameter(singleDash[1], words[position + 1])) {
			result.problems.push({
				flag: word,
				message: `\`${word}\` has one dash`,
				fix: `Did you mean \`--${singleDash[1].toLowerCase()}\`? Parameters start with two dashes.`,
			});
			current = {
				name: singleDash[1].toLowerCase(),
				rule: findRule(singleDash[1]),
				words: [],
				typed: word,
			};
			continue;
		}
		if (current) {
			current.words.push(word);
			current.typed += ` ${word}`;
		} else text.push(word);
	}
	result.text = text.join(' ');
	return result;
}

/**
 * A one-dash word is a typo for a parameter when it names one (-ar, -stylize), not when it is
 * a word (-ish); a one-letter name (-v, -s) only when a number follows it (-v 6.1).
 */
function looksLikeParameter(name: string, next: string | undefined): boolean {
	if (findRule(name) === undefined) return false;
	return name.length >= 2 || (next !== undefined && /^[\d.:]+$/.test(next));
}

/** `--ar16:9`, `--v6.1`, `--s250`: a known name with its value glued on. */
function noteGluedValue(
	result: ReadPrompt,
	parameter: PromptParameter,
	word: string,
	name: string,
	rest: string,
): void {
	const value = rest.replace(/^[:=]/, '');
	const rule = findRule(name);
	// `--stylize250` reads as the name "stylize" + "250": the typed name is known.
	const fix = rule
		? `Did you mean \`--${name.toLowerCase()} ${value}\`? Put a space between the parameter and its value.`
		: 'Parameter names are letters only, with a space before the value.';
	result.problems.push({ flag: word, message: `\`${word}\` is not a Midjourney parameter`, fix });
	parameter.rule = undefined;
	parameter.name = word.replace(/^(?:--|\u2014)/, '').toLowerCase();
	parameter.glued = true;
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const saved = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = saved;
		}
	}
	return row[b.length];
}

/** The known name nearest a mistyped one (`stylise` → `stylize`), if one is near enough. */
export function nearestName(name: string): string | undefined {
	const limit = Math.max(1, Math.floor(name.length / 3));
	let best: { name: string; distance: number } | undefined;
	for (const known of knownNames()) {
		const distance = editDistance(name, known);
		// On a tie, the full name beats an alias.
		if (
			distance <= limit &&
			(!best ||
				distance < best.distance ||
				(distance === best.distance && known.length > best.name.length))
		) {
			best = { name: known, distance };
		}
	}
	return best?.name;
}

/** The model the prompt runs on, from --v / --version / --niji (last one wins, as fields are appended last). */
function versionOf(parameters: PromptParameter[], options: CheckOptions): ModelVersion {
	let version: ModelVersion = { family: options.niji ? 'niji' : 'mj' };
	for (const parameter of parameters) {
		const value = parameter.words[0];
		if (parameter.rule?.fullName === 'version' && value !== undefined && NUMBER.test(value)) {
			version = { family: 'mj', number: Number(value) };
		} else if (parameter.rule?.fullName === 'niji') {
			version = {
				family: 'niji',
				number: value !== undefined && NUMBER.test(value) ? Number(value) : undefined,
			};
		}
	}
	return version;
}

const dashed = (parameter: PromptParameter) => `--${parameter.name}`;

/** The value problem of one known parameter, if any. */
function valueProblem(parameter: PromptParameter, rule: ParameterRule): PromptProblem | undefined {
	const flag = `\`${parameter.typed}\``;
	const words = parameter.words;
	const name = dashed(parameter);
	const problem = (message: string, fix: string) => ({ flag: parameter.typed, message, fix });
	if (words.length === 0) {
		if (rule.takes === 'none' || rule.valueOptional) return undefined;
		return problem(`${name} has no value`, `Give ${name} a value (${rule.summary}).`);
	}
	const single = rule.takes !== 'text' && rule.takes !== 'words' && rule.takes !== 'urls';
	if (rule.takes === 'none' || (single && words.length > 1)) {
		const extra = (rule.takes === 'none' ? words : words.slice(1)).join(' ');
		return problem(
			`${flag} is followed by "${extra}"`,
			`${name} takes ${rule.takes === 'none' ? 'no value' : 'one value'}. Parameters go at the end of the prompt: move the text before them.`,
		);
	}
	const value = words[0];
	switch (rule.takes) {
		case 'number': {
			const number = NUMBER.test(value) ? Number(value) : Number.NaN;
			if (Number.isNaN(number) || (rule.integer && !Number.isInteger(number))) {
				return problem(
					`${flag}: ${name} takes ${rule.integer ? 'a whole number' : 'a number'}`,
					`Use ${name} ${rule.min}–${rule.max}.`,
				);
			}
			if (number < (rule.min ?? -Infinity) || number > (rule.max ?? Infinity)) {
				return problem(`${flag} is out of range`, `${name} takes ${rule.min}–${rule.max}.`);
			}
			return undefined;
		}
		case 'choice':
			if (rule.choices?.includes(value.toLowerCase())) return undefined;
			return problem(`${flag} is not a value ${name} takes`, `Use ${rule.summary}.`);
		case 'ratio': {
			const ratio = /^(\d+):(\d+)$/.exec(value);
			if (ratio && Number(ratio[1]) > 0 && Number(ratio[2]) > 0) return undefined;
			return problem(
				`${flag} is not an aspect ratio`,
				/\d\.\d/.test(value)
					? `Use whole numbers, e.g. --ar 139:100 instead of 1.39:1.`
					: 'Write it as width:height in whole numbers, e.g. --ar 16:9.',
			);
		}
		case 'url':
		case 'urls': {
			const bad = words.find((word) => !URL.test(word.replace(/::[\d.]+$/, '')));
			if (bad === undefined) return undefined;
			return problem(
				`${flag}: "${bad}" is not an image URL`,
				`${name} takes http(s) image URLs; upload a file first (or use a References field).`,
			);
		}
		default:
			return undefined;
	}
}

/** The combinations Midjourney refuses, and parameters given twice. */
function combinationProblems(read: ReadPrompt, options: CheckOptions): PromptProblem[] {
	const problems: PromptProblem[] = [];
	const known = read.parameters.filter((parameter) => parameter.rule);
	const named = (name: string) => known.filter((parameter) => parameter.rule!.fullName === name);
	const seen = new Map<string, PromptParameter>();
	for (const parameter of known) {
		const rule = parameter.rule!;
		const earlier = seen.get(rule.fullName);
		// PARSER Rebuild(mergeNo): several --no merge; any other parameter twice is a contradiction.
		if (earlier && rule.fullName !== 'no') {
			problems.push({
				flag: parameter.typed,
				message: `--${rule.fullName} is given twice (\`${earlier.typed}\` and \`${parameter.typed}\`)`,
				fix: 'Keep one of them.',
			});
		}
		seen.set(rule.fullName, parameter);
	}
	// PARSER GetVersion: --version/--v and --niji pick the model, so only one may be given.
	const version = [...named('version'), ...named('niji')];
	if (named('version').length > 0 && named('niji').length > 0) {
		problems.push({
			flag: version.map((parameter) => parameter.typed).join(' '),
			message: `\`${named('version')[0].typed}\` and \`${named('niji')[0].typed}\` both choose the model`,
			fix: 'Keep one: --v for Midjourney, --niji for Niji.',
		});
	}
	// PARSER turbo/fast/relax: one speed per job.
	const speeds = known.filter((parameter) =>
		['turbo', 'fast', 'relax'].includes(parameter.rule!.fullName),
	);
	if (new Set(speeds.map((parameter) => parameter.rule!.fullName)).size > 1) {
		problems.push({
			flag: speeds.map((parameter) => parameter.typed).join(' '),
			message: `${speeds.map(dashed).join(' and ')} are different speeds`,
			fix: 'Keep one speed (or set it with the Speed option).',
		});
	}
	// PARSER stealth/public: one visibility.
	if (named('stealth').length > 0 && named('public').length > 0) {
		problems.push({
			flag: '--stealth --public',
			message: '--stealth and --public contradict each other',
			fix: 'Keep one of them.',
		});
	}
	// PARSER iw: "image weight relative to text": there must be an image prompt to weigh.
	if (named('iw').length > 0 && read.imagePrompts.length + (options.extraImagePrompts ?? 0) === 0) {
		problems.push({
			flag: named('iw')[0].typed,
			message: '--iw weighs image prompts, but the prompt has none',
			fix: 'Put image URLs at the start of the prompt (or add Image Prompt references), or remove --iw.',
		});
	}
	// V7_GUIDE quality: "4 (experimental, not compatible with --oref)".
	const quality = named('quality')[0];
	if (named('oref').length > 0 && quality?.words[0] === '4') {
		problems.push({
			flag: quality.typed,
			message: '--q 4 does not work with --oref',
			fix: 'Use --q 1 or 2 with Omni Reference.',
		});
	}
	return problems;
}

/** Everything Midjourney would refuse in the prompt, in the order it is written. */
export function checkPrompt(prompt: string, options: CheckOptions = {}): PromptProblem[] {
	const read = readPrompt(prompt);
	const problems = [...read.problems];
	// Permutation prompts ({16:9, 1:1}) expand into several jobs: their values are Midjourney's to read.
	const permutations = /\{[^}]*\}/.test(prompt);
	const version = versionOf(read.parameters, options);
	for (const parameter of read.parameters) {
		if (parameter.glued) continue;
		const rule = parameter.rule;
		if (!rule) {
			const near = nearestName(parameter.name);
			problems.push({
				flag: `--${parameter.name}`,
				message: `\`--${parameter.name}\` is not a Midjourney parameter`,
				fix: near ? `Did you mean \`--${near}\`?` : `See the parameter list (${SOURCES.MJ_DOCS}).`,
			});
			continue;
		}
		const value = permutations ? undefined : valueProblem(parameter, rule);
		if (value) problems.push(value);
		const unsupported = rule.versionProblem?.(version);
		if (unsupported) {
			problems.push({
				flag: parameter.typed,
				message: unsupported,
				fix: rule.versionFix ?? 'Choose a version that takes it, or remove it.',
			});
		}
		if (
			rule.fullName === 'quality' &&
			parameter.words[0] === '4' &&
			version.number !== undefined &&
			version.number < 7
		) {
			problems.push({
				flag: parameter.typed,
				message: `--q 4 needs V7 or later, not V${version.number}`,
				fix: 'Use --q .25, .5, 1 or 2.',
			});
		}
	}
	return [...problems, ...combinationProblems(read, options)];
}
