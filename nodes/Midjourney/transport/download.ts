import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { MidjourneyError, cancelledError, settle } from '../model/errors';
import { CREDENTIAL_TYPE, networkErrorCode } from './n8nHttp';

export interface DownloadedFile {
	data: Buffer;
	contentType?: string;
}

/**
 * Downloads an image. Images on the API's own host (a self-hosted proxy, the
 * emulator) go through the authenticated helper; any other host (a CDN, the
 * user's site) gets a plain request, so the API key never leaves for a third party.
 */
export async function downloadFile(
	ctx: IExecuteFunctions,
	url: string,
	baseUrl: string,
	what: string,
): Promise<DownloadedFile> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 120_000,
		abortSignal: ctx.getExecutionCancelSignal(),
	};
	const sent = await settle(
		async () =>
			(sameOrigin(url, baseUrl)
				? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
				: await ctx.helpers.httpRequest(options)) as {
				statusCode: number;
				headers?: Record<string, unknown>;
				body: unknown;
			},
	);
	if (!sent.ok) {
		const code = networkErrorCode(sent.error) ?? 'EUNKNOWN';
		if (code === 'ERR_CANCELED' || ctx.getExecutionCancelSignal()?.aborted) {
			throw cancelledError();
		}
		throw new MidjourneyError('unavailable', `Downloading ${what} failed (${code})`, {
			description: `Could not download ${url}.`,
		});
	}
	const response = sent.value;
	if (response.statusCode >= 400) {
		throw new MidjourneyError('unavailable', `Downloading ${what} failed: HTTP ${response.statusCode}`, {
			httpCode: response.statusCode,
			description: `The server answered HTTP ${response.statusCode} for ${url}.`,
		});
	}
	const body = response.body;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(String(body ?? ''), 'binary');
	const contentType = response.headers?.['content-type'];
	return { data, contentType: typeof contentType === 'string' ? contentType : undefined };
}

function sameOrigin(url: string, baseUrl: string): boolean {
	try {
		return new URL(url).origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}
