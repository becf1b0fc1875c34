import { cleanApiKey } from '../../../../nodes/Midjourney/model/apiKey';
import { REDACTED, createRedactor, redactSecret, secretForms } from '../../../../nodes/Midjourney/model/redaction';

const KEY = 'sk-Abc123+/def456-XYZ789';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** The key echoed in each form a server may use, and the stored values a user may have saved. */
const ECHOES: Array<[string, string]> = [
	['plain', KEY],
	['with Bearer', `Bearer ${KEY}`],
	['base64', b64(KEY)],
	['base64 without padding', b64(KEY).replace(/=+$/, '')],
	['url-safe base64', b64url(KEY)],
	['base64 of "Bearer key"', b64(`Bearer ${KEY}`)],
	['url-safe base64 of "Bearer key"', b64url(`Bearer ${KEY}`)],
	['base64 inside a longer base64 text (offset 1)', b64(`{"a":"${KEY}"}`)],
	['base64 inside a longer base64 text (offset 2)', b64(`ab${KEY}cd`)],
	['base64 inside a longer base64 text (offset 0)', b64(`abc${KEY}`)],
	['URL-encoded', encodeURIComponent(KEY)],
	['URL-encoded with Bearer', encodeURIComponent(`Bearer ${KEY}`)],
	['form-encoded with Bearer', encodeURIComponent(`Bearer ${KEY}`).replace(/%20/g, '+')],
	['URL-encoded, lower-case escapes', encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())],
	['URL-encoded url-safe base64', encodeURIComponent(b64(KEY))],
	['JSON-escaped', JSON.stringify({ auth: `Bearer ${KEY}` })],
	['JSON-escaped with escaped slashes', JSON.stringify(KEY).replace(/\//g, '\\/')],
];
const STORED = [KEY, `  ${KEY}  `, `${KEY}\n`, `Bearer ${KEY}`, ` bearer ${KEY}\r\n`, `\tBEARER   ${KEY}`];

/** The key in any base64 run of `text`, decoded at every alignment. */
function base64Holds(text: string): boolean {
	return (text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []).some((run) =>
		[0, 1, 2, 3].some((skip) =>
			(['base64', 'base64url'] as const).some((encoding) => Buffer.from(run.slice(skip), encoding).toString('latin1').includes(KEY)),
		),
	);
}

/** The key in `text` plainly, URL-encoded, with escaped slashes or in base64. */
function visibleKey(text: string): boolean {
	return [text, decodeURIComponent(text.replace(/\+/g, ' ')), text.replace(/\\\//g, '/')].some((form) => form.includes(KEY)) || base64Holds(text);
}

describe('createRedactor', () => {
	describe.each(STORED.map((stored) => [JSON.stringify(stored), stored]))('key stored as %s', (_label, stored) => {
		const redactor = createRedactor(stored);
		it.each(ECHOES)('removes the key echoed %s', (_what, echoed) => {
			// The echo really holds the key (the case is no blank).
			expect(visibleKey(echoed)).toBe(true);
			const redacted = redactor.text(`before ${echoed} after`);
			expect(redacted).toContain(REDACTED);
			expect(visibleKey(redacted)).toBe(false);
			expect(redacted.startsWith('before ')).toBe(true);
		});
		it('removes the value as stored', () => {
			expect(redactor.text(`x${stored}y`)).not.toContain(KEY);
		});
	});

	it('redacts every string of JSON deeply, object keys included, and leaves other values', () => {
		const redactor = createRedactor(KEY);
		const value = {
			description: `echo ${KEY}`,
			count: 3,
			ok: true,
			none: null,
			list: [b64(KEY), { [KEY]: `Bearer ${KEY}` }],
		};
		const redacted = redactor.json(value);
		expect(redacted).toEqual({
			description: `echo ${REDACTED}`,
			count: 3,
			ok: true,
			none: null,
			list: [expect.stringContaining(REDACTED), { [REDACTED]: REDACTED }],
		});
		// A copy: the original is untouched.
		expect(value.description).toBe(`echo ${KEY}`);
	});

	it('leaves text without the key as it is, and redacts nothing for an empty or tiny key', () => {
		expect(createRedactor(KEY).text('a cat, https://cdn.example/abc.png, U1')).toBe('a cat, https://cdn.example/abc.png, U1');
		expect(createRedactor('').text('anything')).toBe('anything');
		expect(createRedactor('abc').text('abc abc')).toBe('abc abc');
		expect(secretForms(undefined)).toEqual([]);
	});

	it('lists longer forms first, so "Bearer key" goes whole', () => {
		const forms = secretForms(KEY);
		expect(forms.length).toBeGreaterThan(10);
		expect([...forms].sort((a, b) => b.length - a.length)).toEqual(forms);
		expect(createRedactor(KEY).text(`Authorization: Bearer ${KEY}`)).toBe(`Authorization: ${REDACTED}`);
	});

	it('redacts what the credential sends: the same cleaning function', () => {
		for (const stored of STORED) expect(cleanApiKey(stored)).toBe(KEY);
		expect(redactSecret(`echo ${b64(`Bearer ${KEY}`)}`, ` Bearer ${KEY}\n`)).not.toContain(b64(KEY).slice(4, 20));
	});
});
