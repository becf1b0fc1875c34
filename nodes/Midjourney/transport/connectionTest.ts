import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { authHeaders, type CometApiAuthStyle } from '../../../credentials/CometApi.credentials';
import { checkBaseUrl, normaliseBaseUrl } from './baseUrl';

/**
 * The credential dialog's "Test" (the nodes name it with `testedBy`). n8n shows a node's
 * credentialTest result as it is, while a declarative `test` request's rules are skipped for
 * the errors n8n's request helper throws (its generic "Authorization failed" text wins), so
 * the checks and their messages live here.
 */

const TEST_PATH = '/mj/task/list-by-condition';
const TEST_TIMEOUT_MS = 15_000;

const STYLE_NAMES: Record<CometApiAuthStyle, string> = {
	bearer: 'Bearer Token (CometAPI)',
	raw: 'Raw Authorization Header',
	mjApiSecret: 'Mj-API-Secret Header (Midjourney-Proxy)',
};

interface Answer {
	statusCode?: number;
	body?: unknown;
	/** a network error code (ECONNREFUSED, ENOTFOUND …) when no answer came */
	code?: string;
}

const failed = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

/** Asks the server for no tasks: it costs nothing and needs a valid key on CometAPI and proxies alike. */
async function ask(
	ctx: ICredentialTestFunctions,
	baseUrl: string,
	credential: ICredentialDataDecryptedObject,
): Promise<Answer> {
	try {
		const response = (await ctx.helpers.request({
			method: 'POST',
			uri: `${baseUrl}${TEST_PATH}`,
			body: { ids: [] },
			json: true,
			headers: authHeaders(credential),
			timeout: TEST_TIMEOUT_MS,
			simple: false,
			resolveWithFullResponse: true,
		})) as { statusCode?: number; body?: unknown };
		return { statusCode: response.statusCode, body: response.body };
	} catch (error) {
		const failure = error as IDataObject & {
			response?: { status?: number };
			cause?: { code?: string };
		};
		const statusCode =
			Number(failure.statusCode ?? failure.response?.status ?? failure.httpCode) || undefined;
		if (statusCode) return { statusCode };
		return { code: String(failure.code ?? failure.cause?.code ?? failure.message ?? 'no answer') };
	}
}

const rejected = (statusCode: number) => statusCode === 401 || statusCode === 403;

/** Which other authentication style the server takes this key in, if any (the same host only). */
async function styleThatWorks(
	ctx: ICredentialTestFunctions,
	baseUrl: string,
	credential: ICredentialDataDecryptedObject,
): Promise<CometApiAuthStyle | undefined> {
	const current = (credential.authStyle as CometApiAuthStyle | undefined) ?? 'bearer';
	for (const style of Object.keys(STYLE_NAMES) as CometApiAuthStyle[]) {
		if (style === current) continue;
		const answer = await ask(ctx, baseUrl, { ...credential, authStyle: style });
		if (answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300)
			return style;
	}
	return undefined;
}

export async function testCometApiConnection(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const baseUrl = normaliseBaseUrl(data.baseUrl);
	try {
		checkBaseUrl(baseUrl);
	} catch (error) {
		const { message, description } = error as { message: string; description?: string };
		return failed(`${message}. ${description ?? ''}`.trim());
	}
	if (String(data.apiKey ?? '').trim() === '')
		return failed('Enter the API key: get one in your CometAPI dashboard (API Keys)');

	const answer = await ask(this, baseUrl, data);
	if (answer.statusCode === undefined) {
		return failed(
			`Could not reach ${baseUrl} (${answer.code}): check the Base URL, and that n8n can reach that server`,
		);
	}
	if (rejected(answer.statusCode)) {
		const style = await styleThatWorks(this, baseUrl, data);
		if (style) {
			return failed(
				`The server takes this API key with another Authentication: choose "${STYLE_NAMES[style]}" (HTTP ${answer.statusCode} with the current one)`,
			);
		}
		return failed(
			`The API key was rejected by the server at the Base URL (HTTP ${answer.statusCode}): check the API key, and the Authentication (CometAPI takes a Bearer Token, midjourney-proxy servers the mj-api-secret header)`,
		);
	}
	if (answer.statusCode === 404) {
		const extraPath = new URL(baseUrl).pathname.replace(/\/+$/, '');
		const fix = extraPath
			? `remove "${extraPath}" from the Base URL: use the server root, e.g. https://api.cometapi.com`
			: 'use the root of a CometAPI or midjourney-proxy server, e.g. https://api.cometapi.com';
		return failed(`No Midjourney task API at this Base URL (HTTP 404 for ${TEST_PATH}): ${fix}`);
	}
	if (answer.statusCode < 200 || answer.statusCode >= 300) {
		return failed(
			`The server at the Base URL answered HTTP ${answer.statusCode} to a task list request: try again later, or check the Base URL`,
		);
	}
	if (!Array.isArray(answer.body)) {
		return failed(
			`The server at the Base URL answered, but not as a Midjourney task API (no task list for ${TEST_PATH}): check the Base URL`,
		);
	}
	return { status: 'OK', message: 'Connection successful' };
}
