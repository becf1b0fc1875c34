import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';

/**
 * Text parameters, type-checked. An expression can return anything; turned
 * into text blindly, an object becomes the prompt "[object Object]" of a paid
 * task, an array a comma list, a 20-digit number a wrong task id. Every text
 * an operation reads comes through here, so a wrong type is refused, naming
 * the field and the item, before anything is sent.
 */

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value} (${String(value)})`;
}

/**
 * A parameter's value as trimmed text: strings as they are, numbers that
 * survive as written, nothing (null, undefined) as ''. Anything else fails.
 */
export function textValue(value: unknown, label: string, itemIndex: number): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) {
		// Above 2^53 a number is already rounded: 12345678901234567890 arrives as 12345678901234567000.
		if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
			throw new MidjourneyError(
				'input',
				`${label} of item ${itemIndex} is a number too large to be exact (${String(value)})`,
				{
					description:
						'Numbers above 9007199254740991 lose digits in expressions. Pass IDs and long numbers as text, e.g. {{ $json.taskId }} from a field that holds a string, or wrap the literal in quotes.',
				},
			);
		}
		return String(value);
	}
	throw new MidjourneyError(
		'input',
		`${label} of item ${itemIndex} must be text, but the expression gave ${describeType(value)}`,
		{
			description:
				'Map a field that holds text, e.g. {{ $json.prompt }}. To send an object or list as text, convert it yourself, e.g. {{ JSON.stringify($json.data) }} or {{ $json.tags.join(", ") }}.',
		},
	);
}

/** A text parameter of the item, type-checked (see textValue). */
export function readText(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	{ label, fallback = '' }: { label: string; fallback?: string },
): string {
	return textValue(ctx.getNodeParameter(name, itemIndex, fallback), label, itemIndex);
}

/** A text the operation cannot do without (a prompt): empty is refused with `hint` on what to do. */
export function readRequiredText(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	{ label, hint }: { label: string; hint: string },
): string {
	const value = readText(ctx, name, itemIndex, { label });
	if (value === '') {
		throw new MidjourneyError('input', `The ${label.toLowerCase()} of item ${itemIndex} is empty`, {
			description: hint,
		});
	}
	return value;
}

/**
 * A parameter that takes text or a list of texts (Image URLs, Task IDs from
 * an expression returning an array): each entry type-checked.
 */
export function readTextList(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	{ label }: { label: string },
): string[] {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	if (!Array.isArray(value)) return [textValue(value, label, itemIndex)];
	return value.map((entry, position) =>
		textValue(entry, `${label} (entry ${position + 1})`, itemIndex),
	);
}

/** A choice parameter (a dropdown, or an expression in its place): one of `choices`, else an error listing them. */
export function readChoice<T extends string>(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	{ label, choices, fallback }: { label: string; choices: readonly T[]; fallback: T },
): T {
	const value = readText(ctx, name, itemIndex, { label, fallback });
	if (value === '') return fallback;
	if ((choices as readonly string[]).includes(value)) return value as T;
	throw new MidjourneyError('input', `${label} of item ${itemIndex} is "${value.slice(0, 60)}"`, {
		description: `Use one of: ${choices.join(', ')}.`,
	});
}
