import { cleanApiKey } from './apiKey';

/**
 * Redaction of the API key: one redactor per execution, built from the
 * credential's stored value, removes every form in which a server could echo
 * the key back: as stored, as sent (cleaned, see apiKey.ts), with
 * "Bearer ", base64 (standard and url-safe, also inside a longer base64 text),
 * URL-encoded and JSON-escaped.
 */

export const REDACTED = '[redacted]';

/** Shorter keys cannot be told apart from ordinary text. */
const MIN_SECRET_LENGTH = 4;
/** Shorter base64 fragments could match ordinary text. */
const MIN_BASE64_FRAGMENT = 8;

export interface Redactor {
	/** the text with every form of the key replaced by [redacted] (a value that is not text is made text first) */
	text(value: unknown): string;
	/** a deep copy with every string (and object key) redacted */
	json<T>(value: T): T;
}

function urlSafe(base64: string): string {
	return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The base64 characters that encode `value` wherever it sits in a longer
 * text: for each of the three byte alignments, the characters made of the
 * value's bits alone. Covers base64 of "Bearer key", of a JSON body that
 * holds the key, of a header dump…
 */
function base64Fragments(value: string): string[] {
	const bytes = Buffer.from(value, 'utf8');
	const fragments: string[] = [bytes.toString('base64')];
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const first = Math.ceil((offset * 8) / 6);
		const end = Math.floor(((offset + bytes.length) * 8) / 6);
		const fragment = encoded.slice(first, end);
		if (fragment.length >= MIN_BASE64_FRAGMENT) fragments.push(fragment);
	}
	return fragments.flatMap((fragment) => [
		fragment,
		urlSafe(fragment),
		encodeURIComponent(fragment),
	]);
}

function urlEncodings(value: string): string[] {
	const encoded = encodeURIComponent(value);
	return [
		encoded,
		encoded.replace(/%20/g, '+'),
		encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
	];
}

function jsonEscapings(value: string): string[] {
	const escaped = JSON.stringify(value).slice(1, -1);
	return [escaped, escaped.replace(/\//g, '\\/')];
}

/** Every text the key can appear as, longest first (so a longer form is replaced whole). */
export function secretForms(storedKey: unknown): string[] {
	const stored = typeof storedKey === 'string' ? storedKey : String(storedKey ?? '');
	const key = cleanApiKey(stored);
	if (key.length < MIN_SECRET_LENGTH) return [];
	const plain = [stored, stored.trim(), key, `Bearer ${key}`].filter(
		(form) => form.trim().length >= MIN_SECRET_LENGTH,
	);
	const forms = new Set<string>();
	for (const form of plain) {
		for (const variant of [
			form,
			...urlEncodings(form),
			...jsonEscapings(form),
			...base64Fragments(form),
		]) {
			if (variant.length >= MIN_SECRET_LENGTH) forms.add(variant);
		}
	}
	return [...forms].sort((a, b) => b.length - a.length);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object') return false;
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}

export function createRedactor(storedKey: unknown): Redactor {
	const forms = secretForms(storedKey);
	const text = (value: unknown): string => {
		let result = typeof value === 'string' ? value : String(value ?? '');
		for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
		return result;
	};
	const json = <T>(value: T): T => {
		if (typeof value === 'string') return text(value) as T;
		if (Array.isArray(value)) return value.map((entry) => json(entry)) as T;
		if (!isPlainObject(value)) return value;
		return Object.fromEntries(
			Object.entries(value).map(([name, entry]) => [text(name), json(entry)]),
		) as T;
	};
	return { text, json };
}

/** One text, one key: for code that holds the key rather than a redactor (the transport client). */
export function redactSecret(text: string, secret: string | undefined): string {
	return createRedactor(secret).text(text);
}
