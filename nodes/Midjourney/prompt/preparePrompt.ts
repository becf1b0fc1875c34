import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import { readChoice } from '../parameters/readers';
import type { MidjourneyClient } from '../transport/client';
import { checkPrompt, readPrompt, type PromptProblem } from './checkPrompt';
import { promptParametersField, readFieldFlags, type FieldFlag } from './promptFields';
import {
	readReferenceEntries,
	REFERENCE_PARAMETERS,
	referencesField,
	resolveReferences,
} from './references';

/**
 * One item's prompt as it is sent: the text, the Prompt Parameters fields and
 * the References put together, then checked as Midjourney would read it. A
 * refused prompt stops the item before anything is uploaded or submitted.
 */

const CHECK_MODES = ['refuse', 'warn', 'off'] as const;
export type PromptCheckMode = (typeof CHECK_MODES)[number];

export const promptCheckField: INodeProperties = {
	displayName: 'Prompt Check',
	name: 'promptCheck',
	type: 'options',
	default: 'refuse',
	options: [
		{
			name: 'Refuse',
			value: 'refuse',
			description: 'Stop the item with the reason; nothing is sent or charged',
		},
		{
			name: 'Warn',
			value: 'warn',
			description: 'Send it anyway and list the problems in the output (promptWarnings)',
		},
		{ name: 'Off', value: 'off', description: 'Send the prompt unchecked' },
	],
	description:
		'What to do with a prompt Midjourney would refuse: a mistyped flag, a value out of range, a flag the version does not take',
};

/** The fields an operation with a prompt adds: parameters, references and the check. */
export function promptFields(options: { references: boolean }): INodeProperties[] {
	return [
		promptParametersField,
		...(options.references ? [referencesField] : []),
		promptCheckField,
	];
}

export interface PreparedPrompt {
	prompt: string;
	/** the problems sent anyway (Prompt Check: Warn) */
	warnings: string[];
}

interface PrepareInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	client: MidjourneyClient;
	/** the Prompt field as typed */
	text: string;
	/** images sent beside the prompt (base64Array): image prompts for --iw */
	extraImagePrompts?: number;
	niji?: boolean;
	/** whether the operation shows the References field */
	references?: boolean;
	/** whether the operation shows the Prompt Parameters field (default true) */
	parameters?: boolean;
	/** what the operation sends as body fields (Animate's Motion): the text may not set them too */
	bodyFlags?: FieldFlag[];
}

/** A field's flag that the prompt text also has: refused whatever the check mode, never sent twice. */
function fieldConflict(
	text: string,
	flags: FieldFlag[],
	itemIndex: number,
): MidjourneyError | undefined {
	const typed = readPrompt(text).parameters;
	const model = (name?: string) => (name === 'niji' || name === 'version' ? 'model' : name);
	for (const flag of flags) {
		const clash = typed.find(
			(parameter) => parameter.rule && model(parameter.rule.fullName) === model(flag.parameter),
		);
		if (!clash) continue;
		return new MidjourneyError(
			'input',
			`The ${flag.field} field sets \`${flag.flag}\` and the prompt of item ${itemIndex} has \`${clash.typed}\``,
			{
				description: `Remove \`${clash.typed}\` from the prompt, or clear the ${flag.field} field. Nothing was sent.`,
			},
		);
	}
	return undefined;
}

function describeProblem(problem: PromptProblem): string {
	return `${problem.message}. ${problem.fix}`;
}

export async function preparePrompt(input: PrepareInput): Promise<PreparedPrompt> {
	const { ctx, itemIndex, client, text } = input;
	const mode = readChoice(ctx, 'promptCheck', itemIndex, {
		label: 'Prompt Check',
		choices: CHECK_MODES,
		fallback: 'refuse',
	});
	const flags = input.parameters === false ? [] : readFieldFlags(ctx, itemIndex);
	const entries = input.references ? readReferenceEntries(ctx, itemIndex) : [];
	const referenceFlags: FieldFlag[] = entries.flatMap((entry) => {
		const { parameter, label } = REFERENCE_PARAMETERS[entry.kind];
		return parameter
			? [
					{
						parameter,
						field: label,
						flag: `--${parameter} (${entry.source === 'url' ? entry.value : `binary ${entry.value}`})`,
					},
				]
			: [];
	});
	const conflict = fieldConflict(
		text,
		[...flags, ...referenceFlags, ...(input.bodyFlags ?? [])],
		itemIndex,
	);
	if (conflict) throw conflict;

	// Checked with placeholder URLs first, so a refused prompt uploads nothing either.
	const compose = (urls: Array<{ kind: string; url: string }>) => {
		const leading = urls
			.filter((reference) => reference.kind === 'image')
			.map((reference) => reference.url);
		const byParameter = new Map<string, string[]>();
		for (const reference of urls) {
			const parameter =
				REFERENCE_PARAMETERS[reference.kind as keyof typeof REFERENCE_PARAMETERS].parameter;
			if (parameter)
				byParameter.set(parameter, [...(byParameter.get(parameter) ?? []), reference.url]);
		}
		const referenceParameters = [...byParameter].map(
			([parameter, list]) => `--${parameter} ${list.join(' ')}`,
		);
		// Image prompts go first (MJ_DOCS); the fields' flags after the typed text.
		return [...leading, text, ...flags.map((flag) => flag.flag), ...referenceParameters]
			.filter((part) => part !== '')
			.join(' ');
	};
	const placeholders = entries.map((entry, position) => ({
		kind: entry.kind,
		url: `https://reference.invalid/${position}.png`,
	}));
	let warnings: string[] = [];
	if (mode !== 'off') {
		const problems = checkPrompt(compose(placeholders), {
			extraImagePrompts: input.extraImagePrompts,
			niji: input.niji,
		});
		if (problems.length > 0 && mode === 'refuse') {
			const [first, ...rest] = problems;
			throw new MidjourneyError(
				'input',
				`The prompt of item ${itemIndex} was refused before sending: ${first.message}`,
				{
					description:
						`${first.fix}${rest.length ? ` Also: ${rest.map(describeProblem).join(' ')}` : ''} ` +
						'Nothing was sent or charged. To send it anyway, set Prompt Check to Warn or Off.',
				},
			);
		}
		warnings = problems.map(describeProblem);
	}
	const references = await resolveReferences(ctx, itemIndex, client, entries);
	return { prompt: compose(references), warnings };
}

/** The item's request with the problems sent anyway, for the item's output. */
export function withPromptWarnings<T extends object>(
	request: T,
	prepared: PreparedPrompt,
): T & { promptWarnings?: string[] } {
	return prepared.warnings.length > 0 ? { ...request, promptWarnings: prepared.warnings } : request;
}
