/**
 * The keys whose long integer values are task ids. Servers send ids as JSON
 * numbers at times; above 2^53 JSON.parse would round them (12345678901234567890
 * becomes 12345678901234567000), so they are read as text instead.
 */
const ID_KEYS = ['result', 'id', 'parentId'];

/** An id key followed by an integer literal of 16 digits or more (2^53 has 16). */
const LONG_ID_NUMBER = new RegExp(
	`("(?:${ID_KEYS.join('|')})"\\s*:\\s*)(-?\\d{16,})(?=\\s*[,}\\]])`,
	'g',
);

/**
 * JSON.parse, with long integer ids kept digit for digit as strings. A key
 * inside a JSON string has escaped quotes (\"id\"), so text in prompts and
 * descriptions is never touched.
 */
export function parseJsonKeepingIds(text: string): unknown {
	return JSON.parse(text.replace(LONG_ID_NUMBER, '$1"$2"'));
}
