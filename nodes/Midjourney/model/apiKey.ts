/**
 * The API key as it is sent: without surrounding blanks or a "Bearer " the user copied along.
 * Shared by the credential (credentials/CometApi.credentials.ts) (which sends it) and the node's redaction (which must hide exactly
 * what was sent), so the two can never disagree.
 */
export function cleanApiKey(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/^bearer\s+/i, '')
		.trim();
}
