import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { settle } from '../model/errors';
import { NetworkError, type RequestSender } from './client';

export const CREDENTIAL_TYPE = 'cometApi';

/** Error codes that mean the connection was never made, so nothing reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Finds the low-level error code in n8n's wrapped errors (NodeApiError → AxiosError → cause). */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** The sender the node uses: n8n's authenticated helper, which applies the credential. */
export function createN8nSender(ctx: IExecuteFunctions, baseUrl: string): RequestSender {
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			baseURL: baseUrl,
			url: request.path,
			body: request.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 120_000,
		};
		const sent = await settle(
			async () =>
				(await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as {
					statusCode: number;
					headers?: Record<string, unknown>;
					body: unknown;
				},
		);
		if (sent.ok) {
			return { statusCode: sent.value.statusCode, headers: sent.value.headers ?? {}, body: sent.value.body };
		}
		// Never pass n8n's wrapped error on: its request config carries the auth header.
		const code = networkErrorCode(sent.error) ?? 'EUNKNOWN';
		const cancelled = code === 'ERR_CANCELED' || ctx.getExecutionCancelSignal()?.aborted === true;
		throw new NetworkError(code, NOT_SENT_CODES.has(code), cancelled);
	};
}
