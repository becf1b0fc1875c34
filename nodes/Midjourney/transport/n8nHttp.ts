import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { MidjourneyError, settle } from '../model/errors';
import { checkBaseUrl, displayUrl } from './baseUrl';
import { NetworkError, type RequestSender } from './client';
import { startDeadline, type Deadline } from './deadline';

export const CREDENTIAL_TYPE = 'cometApi';

/** What the node sends through: a run of the node, or a server's callback to it (webhook). */
export type RequestContext = IExecuteFunctions | IWebhookFunctions;

/** The execution's cancel signal; a callback has none (it answers at once). */
export function cancelSignalOf(ctx: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

/** Error codes that mean the connection was never made, so nothing reached the server. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/** An error code as Node and axios name them (ECONNREFUSED, ENOTFOUND, ERR_CANCELED…). */
const ERROR_CODE = /^(E[A-Z_]+|ERR_[A-Z_]+)$/;

/**
 * Finds the low-level error code in n8n's wrapped errors. n8n-workflow 1.x
 * hands a refused connection over as a NodeApiError whose `httpCode` is
 * 'ECONNREFUSED' (code and cause empty); other versions keep it on the
 * AxiosError in `cause`, `errorResponse` or `reason`.
 */
export function networkErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	while (queue.length > 0 && seen.size < 12) {
		const current = queue.shift();
		if (!current || typeof current !== 'object' || seen.has(current)) continue;
		seen.add(current);
		const holder = current as Record<string, unknown>;
		for (const key of ['code', 'httpCode']) {
			const code = holder[key];
			if (typeof code === 'string' && ERROR_CODE.test(code)) return code;
		}
		queue.push(holder.cause, holder.errorResponse, holder.reason);
	}
	return undefined;
}

/** Longest one request to the API may take, redirects included (Fetch: per attempt). */
export const API_REQUEST_CAP_MS = 60_000;
/** Largest API answer read: a list of 100 tasks is well under 1 MB. */
export const API_ANSWER_MAX_BYTES = 16 * 1048576;
/** Redirects followed at most, per request. */
const MAX_REDIRECTS = 5;

export interface HttpCall {
	method: 'GET' | 'POST';
	/** absolute URL */
	url: string;
	body?: IDataObject;
	/** send with the credential: only ever to the host of `url` */
	credentials: boolean;
	/**
	 * A redirect from a credentialed request to another host: refused (API
	 * calls: it would take the key or the prompt elsewhere) or followed without
	 * the credential (a download the API host hands on to a CDN).
	 */
	foreignRedirect?: 'refuse' | 'dropCredentials';
	/** total time for the request, its redirects and its body */
	capMs: number;
	/** epoch ms; the request is cut off then if that comes before the cap */
	deadline?: number;
	/** most bytes the body may have: a larger one is cut off and refused (never stored, never retried) */
	maxBytes: number;
	/** an answer of HTTP 400 or above is closed unread (a download's error page: only its status matters) */
	skipErrorBody?: boolean;
	/**
	 * Texts the body must not hold: the key's forms, for a download sent with
	 * the key (a file from the API host that echoes the request's headers).
	 */
	forbidden?: string[];
}

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	/** the whole body as bytes (a Buffer), or what n8n's helper answered when it was no stream */
	body: unknown;
	/** where the answer came from, after redirects */
	url: string;
}

interface HelperResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/**
 * Every request the node makes goes through here: n8n's helpers with
 * redirects turned off and followed here instead (n8n's helper re-adds the
 * Authorization header on a redirect to any host, and does not know
 * mj-api-secret is a secret), and a total deadline.
 */
export async function sendRequest(ctx: RequestContext, call: HttpCall): Promise<HttpAnswer> {
	const cancel = cancelSignalOf(ctx);
	const deadline = startDeadline(
		Math.min(call.capMs, (call.deadline ?? Infinity) - Date.now()),
		cancel,
	);
	try {
		let { url, method, body, credentials } = call;
		for (let hop = 0; ; hop++) {
			// Always a stream: the body is counted as it arrives, so a huge one is never held whole.
			const response = await sendOnce(ctx, { method, url, body, credentials }, deadline);
			const location =
				response.statusCode >= 300 && response.statusCode < 400
					? response.headers?.location
					: undefined;
			if (typeof location !== 'string' || location === '') {
				const headers = response.headers ?? {};
				const answer = { statusCode: response.statusCode, headers, url };
				if (!isStream(response.body)) return { ...answer, body: response.body };
				const stream = response.body;
				if (call.skipErrorBody && response.statusCode >= 400) {
					stream.destroy();
					return { ...answer, body: undefined };
				}
				refuseDeclaredSize(stream, headers, call.maxBytes, url);
				const whole = await readWhole(stream, call.maxBytes, url, deadline, cancel);
				scanForbidden(whole, call.forbidden ?? [], url);
				return { ...answer, body: whole };
			}
			if (isStream(response.body)) response.body.destroy();
			const from = new URL(url);
			const next = new URL(location, from);
			if (hop >= MAX_REDIRECTS) {
				throw new MidjourneyError(
					'input',
					`The server redirected the request more than ${MAX_REDIRECTS} times`,
					{
						description: `Last redirect: ${displayUrl(next)}. Check the Base URL in the CometAPI credential.`,
					},
				);
			}
			if (credentials && !mayCarryCredentials(from, next)) {
				if (call.foreignRedirect !== 'dropCredentials') throw redirectRefused(from, next);
				credentials = false;
			}
			// As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
			if (
				response.statusCode === 303 ||
				(method === 'POST' && response.statusCode !== 307 && response.statusCode !== 308)
			) {
				method = 'GET';
				body = undefined;
			}
			url = next.href;
		}
	} finally {
		deadline.end();
	}
}

/** The error of a body above `maxBytes`. */
export function tooLarge(url: string, maxBytes: number): MidjourneyError {
	return new MidjourneyError(
		'tooLarge',
		`The answer of ${displayUrl(new URL(url))} is larger than ${Math.round(maxBytes / 1048576)} MB`,
		{
			description: `Nothing of it was kept. No Midjourney answer or file is that large: check the URL, or the Base URL in the CometAPI credential.`,
		},
	);
}

/** A Content-Length above the limit: refused before a byte is read. */
function refuseDeclaredSize(
	stream: Stream,
	headers: Record<string, unknown>,
	maxBytes: number,
	url: string,
): void {
	const declared = Number(headers['content-length']);
	if (Number.isFinite(declared) && declared > maxBytes) {
		stream.destroy();
		throw tooLarge(url, maxBytes);
	}
}

/** The error of a body that holds the key. */
function holdsKey(url: string): MidjourneyError {
	return new MidjourneyError(
		'badResponse',
		`The file at ${displayUrl(new URL(url))} holds the API key: refused`,
		{
			description:
				"The server sent the request's credentials back inside the file, so it was not stored. Report it to the server's operator; the key may need replacing.",
		},
	);
}

/** Throws when the body holds one of the forbidden texts (the key's forms). */
function scanForbidden(body: Buffer, forbidden: string[], url: string): void {
	if (forbidden.some((form) => form.length > 0 && body.includes(Buffer.from(form, 'utf8'))))
		throw holdsKey(url);
}

/** The whole body as bytes, refused above the limit; a deadline or a cancel that cuts it off says so. */
async function readWhole(
	stream: Stream,
	maxBytes: number,
	url: string,
	deadline: Deadline,
	cancel?: AbortSignal,
): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let length = 0;
	const read = await settle(async () => {
		for await (const chunk of stream as unknown as AsyncIterable<Buffer>) {
			length += chunk.length;
			if (length > maxBytes) {
				stream.destroy();
				throw tooLarge(url, maxBytes);
			}
			chunks.push(chunk);
		}
	});
	if (read.ok) return Buffer.concat(chunks);
	if (read.error instanceof MidjourneyError) throw read.error;
	if (cancel?.aborted) throw new NetworkError('ERR_CANCELED', false, true);
	if (deadline.expired) throw new NetworkError('DEADLINE', false);
	throw new NetworkError(networkErrorCode(read.error) ?? 'ECONNRESET', false);
}

async function sendOnce(
	ctx: RequestContext,
	call: Pick<HttpCall, 'method' | 'url' | 'body' | 'credentials'>,
	deadline: Deadline,
): Promise<HelperResponse> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url: call.url,
		body: call.body,
		json: call.body !== undefined,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		abortSignal: deadline.signal,
	};
	const sent = await settle(
		async () =>
			(call.credentials
				? await ctx.helpers.httpRequestWithAuthentication.call(
						withCancelSignal(ctx, deadline.signal),
						CREDENTIAL_TYPE,
						options,
					)
				: await ctx.helpers.httpRequest(options)) as HelperResponse,
	);
	if (sent.ok) return sent.value;
	// Never pass n8n's wrapped error on: its request config carries the auth header.
	if (cancelSignalOf(ctx)?.aborted) throw new NetworkError('ERR_CANCELED', false, true);
	if (deadline.expired) throw new NetworkError('DEADLINE', false);
	const code = networkErrorCode(sent.error) ?? 'EUNKNOWN';
	throw new NetworkError(code, NOT_SENT_CODES.has(code), code === 'ERR_CANCELED');
}

/**
 * n8n's authenticated helper replaces `abortSignal` with the execution's
 * cancel signal (n8n-core 1.x and 2.x alike); this view of the context hands
 * it the request's own signal, which also fires at the deadline.
 */
function withCancelSignal(ctx: RequestContext, signal: AbortSignal): RequestContext {
	return new Proxy(ctx, {
		get: (target, key) => {
			if (key === 'getExecutionCancelSignal') return () => signal;
			const value = Reflect.get(target, key) as unknown;
			return typeof value === 'function'
				? (value as (...args: unknown[]) => unknown).bind(target)
				: value;
		},
		has: (target, key) => key === 'getExecutionCancelSignal' || Reflect.has(target, key),
	});
}

/** The key may follow a redirect on the same origin, or from http to https on the same host name. */
function mayCarryCredentials(from: URL, to: URL): boolean {
	if (to.origin === from.origin) return true;
	return (
		from.protocol === 'http:' &&
		to.protocol === 'https:' &&
		to.hostname === from.hostname &&
		from.port === '' &&
		to.port === ''
	);
}

function redirectRefused(from: URL, to: URL): MidjourneyError {
	return new MidjourneyError(
		'input',
		`The server at ${from.origin} redirected the request to ${displayUrl(to)}, another host: not followed, as the API key only ever goes to the Base URL's host`,
		{
			description:
				'Nothing was sent to that host, and no task was created by this request. If the API has moved, put its new address in the Base URL of the CometAPI credential.',
		},
	);
}

interface Stream {
	destroy(error?: Error): void;
}

function isStream(value: unknown): value is Stream {
	return (
		!!value &&
		typeof (value as { pipe?: unknown }).pipe === 'function' &&
		typeof (value as { destroy?: unknown }).destroy === 'function'
	);
}

/** The sender the node uses: n8n's authenticated helper, which applies the credential. */
export function createN8nSender(ctx: RequestContext, baseUrl: string): RequestSender {
	return async (request) => {
		checkBaseUrl(baseUrl);
		const answer = await sendRequest(ctx, {
			method: request.method,
			url: `${baseUrl}${request.path}`,
			body: request.body,
			credentials: true,
			capMs: API_REQUEST_CAP_MS,
			maxBytes: API_ANSWER_MAX_BYTES,
			deadline: request.deadline,
		});
		// Text, not parsed: the client reads long numeric ids without losing digits.
		const body = Buffer.isBuffer(answer.body) ? answer.body.toString('utf8') : answer.body;
		return { statusCode: answer.statusCode, headers: answer.headers, body };
	};
}
