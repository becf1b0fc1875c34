/** Base URL from the credential, without trailing slashes. */
export function normaliseBaseUrl(value: unknown): string {
	const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : 'https://api.cometapi.com';
	return text.replace(/\/+$/, '');
}
