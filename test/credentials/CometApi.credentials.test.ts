import { CometApi, authHeaders } from '../../credentials/CometApi.credentials';
import { startEmulator, type AuthStyle, type Emulator } from '../emulator';
import { testCredential } from '../harness';

const KEY = 'sk-CRED-TEST-91b2c3';
const STYLES: AuthStyle[] = ['bearer', 'raw', 'mjApiSecret'];

describe('CometAPI credential', () => {
	let emulators: Record<AuthStyle, Emulator>;

	beforeAll(async () => {
		// One server per style that accepts only that style, as CometAPI (bearer) and proxies (mj-api-secret) differ.
		const entries = await Promise.all(
			STYLES.map(async (style) => [style, await startEmulator({ auth: { key: KEY, styles: [style] } })] as const),
		);
		emulators = Object.fromEntries(entries) as Record<AuthStyle, Emulator>;
	});
	afterAll(async () => {
		await Promise.all(Object.values(emulators).map(async (emulator) => await emulator.close()));
	});

	it.each(STYLES)('passes its test with the right key (%s) and costs no task', async (style) => {
		const emulator = emulators[style];
		const result = await testCredential('cometApi', { apiKey: KEY, baseUrl: emulator.url, authStyle: style });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful' });
		const [request] = emulator.requests.slice(-1);
		expect(request).toMatchObject({ method: 'POST', path: '/mj/task/list-by-condition', body: { ids: [] } });
		expect(emulator.createdTaskIds()).toHaveLength(0);
	});

	it.each(STYLES)('fails its test with a wrong key (%s), saying what to check, without the key', async (style) => {
		const wrong = 'sk-WRONG-credential-key';
		const result = await testCredential('cometApi', { apiKey: wrong, baseUrl: emulators[style].url, authStyle: style });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The API key was rejected by the server at the Base URL \(HTTP 401\)/);
		expect(result.message).toMatch(/Authentication/);
		expect(result.message).not.toContain(wrong);
	});

	it('names the Authentication the server takes when the key is sent in another', async () => {
		const result = await testCredential('cometApi', { apiKey: KEY, baseUrl: emulators.mjApiSecret.url, authStyle: 'bearer' });
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^The server takes this API key with another Authentication: choose "Mj-API-Secret Header/),
		});
		// The other styles were tried on the Base URL's host alone.
		expect(emulators.mjApiSecret.requests.slice(-3).map((r) => r.path)).toEqual(Array(3).fill('/mj/task/list-by-condition'));
	});

	it('explains an unreachable host', async () => {
		const result = await testCredential('cometApi', { apiKey: KEY, baseUrl: 'http://127.0.0.1:9', authStyle: 'bearer' });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^Could not reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/) });
	});

	it('explains a server that answers but is not a Midjourney API', async () => {
		const { createServer } = await import('node:http');
		const page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
		await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = page.address() as { port: number };
			const result = await testCredential('cometApi', { apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, authStyle: 'bearer' });
			expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/not as a Midjourney task API/) });
		} finally {
			page.close();
		}
	});

	it('tolerates a trailing slash in the Base URL and a pasted "Bearer " prefix', async () => {
		const result = await testCredential('cometApi', {
			apiKey: `  Bearer ${KEY} `,
			baseUrl: `${emulators.bearer.url}/`,
			authStyle: 'bearer',
		});
		expect(result.status).toBe('OK');
	});

	it('explains a Base URL that has no Midjourney API', async () => {
		const result = await testCredential('cometApi', { apiKey: KEY, baseUrl: `${emulators.bearer.url}/v1`, authStyle: 'bearer' });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/No Midjourney task API at this Base URL/) });
		expect(result.message).toMatch(/remove "\/v1" from the Base URL/);
	});

	it('defaults to CometAPI with a Bearer token', () => {
		const credential = new CometApi();
		const defaults = Object.fromEntries(credential.properties.map((property) => [property.name, property.default]));
		expect(defaults).toMatchObject({ baseUrl: 'https://api.cometapi.com', authStyle: 'bearer' });
		expect(credential.properties.find((property) => property.name === 'apiKey')?.typeOptions?.password).toBe(true);
		expect(authHeaders({ apiKey: 'k' })).toEqual({ Authorization: 'Bearer k' });
		expect(authHeaders({ apiKey: 'k', authStyle: 'raw' })).toEqual({ Authorization: 'k' });
		expect(authHeaders({ apiKey: 'k', authStyle: 'mjApiSecret' })).toEqual({ 'mj-api-secret': 'k' });
	});

	it('keeps the name saved workflows reference, with a display name ending in " API"', () => {
		const credential = new CometApi();
		expect(credential.name).toBe('cometApi');
		expect(credential.displayName).toBe('CometAPI API');
	});
});
