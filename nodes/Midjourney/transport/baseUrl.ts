import { MidjourneyError } from '../model/errors';

/** Base URL from the credential, without trailing slashes. */
export function normaliseBaseUrl(value: unknown): string {
	const text =
		typeof value === 'string' && value.trim() !== '' ? value.trim() : 'https://api.cometapi.com';
	return text.replace(/\/+$/, '');
}

/** A URL fit for a message: scheme, host and path, never a user, password or query. */
export function displayUrl(url: URL): string {
	return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/**
 * Refuses a Base URL the node cannot use safely, before anything is sent:
 * a user:password@ part (axios would send it as Basic auth instead of the
 * key), a query string or fragment (the API paths are appended to it), a
 * scheme other than http(s). Messages never show the password.
 */
export function checkBaseUrl(baseUrl: string): void {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		throw baseUrlError(
			'The Base URL is not a valid URL',
			'Enter the server root, e.g. https://api.cometapi.com.',
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw baseUrlError(
			`The Base URL must start with http:// or https:// (it starts with ${url.protocol}//)`,
			'Enter the server root, e.g. https://api.cometapi.com.',
		);
	}
	if (url.username !== '' || url.password !== '') {
		throw baseUrlError(
			`The Base URL must not contain a user name or password (${displayUrl(url)} has one before the @)`,
			'Remove the "user:password@" part: the API key in the credential is the only secret the server needs.',
		);
	}
	if (url.search !== '') {
		throw baseUrlError(
			`The Base URL must not contain a query string (${displayUrl(url)}?…)`,
			'Remove everything from the "?" on.',
		);
	}
	if (url.hash !== '') {
		throw baseUrlError(
			`The Base URL must not contain a fragment (${displayUrl(url)}#…)`,
			'Remove everything from the "#" on.',
		);
	}
}

function baseUrlError(message: string, fix: string): MidjourneyError {
	return new MidjourneyError('input', message, { description: `${fix} No request was sent.` });
}
