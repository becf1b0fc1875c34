import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { readChoice, readText, readTextList, textValue } from '../../../../nodes/Midjourney/parameters/readers';

function caught(work: () => unknown): MidjourneyError {
	try {
		work();
	} catch (error) {
		if (error instanceof MidjourneyError) return error;
		throw error;
	}
	throw new Error('expected an error');
}

const ctxWith = (value: unknown) =>
	({ getNodeParameter: (_name: string, _item: number, fallback: unknown) => (value === undefined ? fallback : value) }) as unknown as IExecuteFunctions;

describe('textValue', () => {
	it('takes text (trimmed), exact numbers, and nothing as ""', () => {
		expect(textValue('  a cat \n', 'Prompt', 0)).toBe('a cat');
		expect(textValue(1773314942177684, 'Task ID', 0)).toBe('1773314942177684');
		expect(textValue(Number.MAX_SAFE_INTEGER, 'Task ID', 0)).toBe('9007199254740991');
		expect(textValue(1.5, 'State', 0)).toBe('1.5');
		expect(textValue(undefined, 'State', 0)).toBe('');
		expect(textValue(null, 'State', 0)).toBe('');
	});

	it.each<[string, unknown, string]>([
		['an object', { a: 1 }, 'Prompt of item 3 must be text, but the expression gave an object'],
		['a list', [1, 2], 'Prompt of item 3 must be text, but the expression gave a list'],
		['a boolean', false, 'Prompt of item 3 must be text, but the expression gave a boolean (false)'],
		['NaN', Number.NaN, 'Prompt of item 3 must be text, but the expression gave a number (NaN)'],
		['Infinity', Number.POSITIVE_INFINITY, 'Prompt of item 3 must be text, but the expression gave a number (Infinity)'],
		['an unsafe integer', 12345678901234567890, 'Prompt of item 3 is a number too large to be exact (12345678901234567000)'],
	])('refuses %s, naming the field and the item', (_what, value, message) => {
		const error = caught(() => textValue(value, 'Prompt', 3));
		expect(error.kind).toBe('input');
		expect(error.message).toBe(message);
		expect(error.details.description).toMatch(/as text|holds text/);
	});
});

describe('readText / readTextList / readChoice', () => {
	it('reads and checks the parameter, with its fallback', () => {
		expect(readText(ctxWith(' x '), 'prompt', 0, { label: 'Prompt' })).toBe('x');
		expect(readText(ctxWith(undefined), 'binaryPropertyName', 0, { label: 'Field', fallback: 'data' })).toBe('data');
		expect(caught(() => readText(ctxWith({}), 'prompt', 1, { label: 'Prompt' })).message).toMatch(/^Prompt of item 1 must be text/);
	});

	it('takes a text or a list of texts, each entry checked', () => {
		expect(readTextList(ctxWith('a\nb'), 'imageUrls', 0, { label: 'Image URLs' })).toEqual(['a\nb']);
		expect(readTextList(ctxWith(['a', 1773314942177684, null]), 'taskIds', 0, { label: 'Task IDs' })).toEqual(['a', '1773314942177684', '']);
		expect(caught(() => readTextList(ctxWith(['a', ['b']]), 'taskIds', 2, { label: 'Task IDs' })).message).toBe(
			'Task IDs (entry 2) of item 2 must be text, but the expression gave a list',
		);
	});

	it('takes one of the choices, the fallback for nothing, and refuses the rest', () => {
		const choices = ['PORTRAIT', 'SQUARE'] as const;
		expect(readChoice(ctxWith('PORTRAIT'), 'dimensions', 0, { label: 'Dimensions', choices, fallback: 'SQUARE' })).toBe('PORTRAIT');
		expect(readChoice(ctxWith(''), 'dimensions', 0, { label: 'Dimensions', choices, fallback: 'SQUARE' })).toBe('SQUARE');
		const error = caught(() => readChoice(ctxWith('WIDE'), 'dimensions', 0, { label: 'Dimensions', choices, fallback: 'SQUARE' }));
		expect(error.message).toBe('Dimensions of item 0 is "WIDE"');
		expect(error.details.description).toBe('Use one of: PORTRAIT, SQUARE.');
	});
});
