import type { IExecuteFunctions } from 'n8n-workflow';

import { detectImageType } from '../images/format';
import { MidjourneyError, cancelledError, settle } from '../model/errors';
import { NetworkError } from './client';
import { secretForms } from '../model/redaction';
import { CREDENTIAL_TYPE, sendRequest, type RequestContext } from './n8nHttp';

export interface DownloadedFile {
	data: Buffer;
	contentType?: string;
}

/** What a download must be. Its first bytes are checked, so an error page never becomes the file. */
export type ExpectedContent = 'image';

const CONTENT_CHECKS: Record<
	ExpectedContent,
	{ label: string; matches: (data: Buffer) => boolean }
> = {
	image: {
		label: 'an image (PNG, JPEG, WebP or GIF)',
		matches: (data) => detectImageType(data) !== undefined,
	},
};

/** Downloads a file whole and checks it is what was expected. */
export async function downloadFile(
	ctx: RequestContext,
	url: string,
	baseUrl: string,
	what: string,
	expected: ExpectedContent = 'image',
): Promise<DownloadedFile> {
	const response = await sendDownload(ctx, url, baseUrl, what, 'arraybuffer', FILE_MAX_BYTES);
	const body = response.body;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(String(body ?? ''), 'binary');
	const contentType = response.headers?.['content-type'];
	const check = CONTENT_CHECKS[expected];
	if (!check.matches(data)) {
		throw new MidjourneyError(
			'badResponse',
			`Downloading ${what} failed: the answer is not ${check.label}`,
			{
				description: `${url} answered ${data.length} bytes of ${typeof contentType === 'string' ? contentType : 'unknown type'}, not the file. The link may have expired or lead to an error page.`,
			},
		);
	}
	return { data, contentType: typeof contentType === 'string' ? contentType : undefined };
}

/** Node's Readable, named through n8n's own helper type (community nodes may not import 'stream'). */
type Readable = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

export interface DownloadedStream {
	/** the body, not yet read: hand it on (prepareBinaryData) or destroy it; cut off above VIDEO_MAX_BYTES */
	stream: Readable;
	contentType?: string;
	/** whether the download's deadline cut it off (then the error should say "took longer than …") */
	timedOut(): boolean;
}

function isReadable(value: unknown): value is Readable {
	return (
		!!value &&
		typeof (value as Readable).pipe === 'function' &&
		typeof (value as Readable).read === 'function'
	);
}

/**
 * Opens a download as a stream (videos: large files that must never be held
 * whole in memory), with the same credential rule as downloadFile.
 */
export async function downloadStream(
	ctx: RequestContext,
	url: string,
	baseUrl: string,
	what: string,
): Promise<DownloadedStream> {
	const { statusCode, headers, body, timedOut } = await sendDownload(
		ctx,
		url,
		baseUrl,
		what,
		'stream',
		VIDEO_MAX_BYTES,
	);
	if (!isReadable(body)) throw httpFailure(what, url, statusCode);
	const contentType = headers?.['content-type'];
	return {
		stream: body,
		contentType: typeof contentType === 'string' ? contentType : undefined,
		timedOut,
	};
}

interface DownloadResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
	timedOut(): boolean;
}

/** Longest a download may take, from the request to the last byte. */
export const DOWNLOAD_CAP_MS = 300_000;
/** Largest image (or other whole file) downloaded: a Midjourney upscale is a few MB, a 4x one under 40. */
export const FILE_MAX_BYTES = 100 * 1048576;
/** Largest mp4 downloaded: Midjourney's videos are a few MB to some tens. */
export const VIDEO_MAX_BYTES = 512 * 1048576;

/** The error of a download the deadline ended. */
export function tookTooLong(what: string, url: string): MidjourneyError {
	return new MidjourneyError(
		'unavailable',
		`Downloading ${what} took longer than ${DOWNLOAD_CAP_MS / 1000} s`,
		{
			description: `${url} sent the file too slowly (or without end); nothing of it was kept. Run again, or fetch the task for fresh URLs.`,
		},
	);
}

/**
 * The GET of a download. Files on the API's own host (a self-hosted proxy, the
 * emulator) are fetched with the credential; any other host (a CDN, the
 * user's site) gets a plain request, and a redirect from the API host to
 * another host is followed without the credential.
 */
async function sendDownload(
	ctx: RequestContext,
	url: string,
	baseUrl: string,
	what: string,
	encoding: 'arraybuffer' | 'stream',
	maxBytes: number,
): Promise<DownloadResponse> {
	refuseScheme(url, what);
	const credentials = sameOrigin(url, baseUrl);
	// Sent with the key: a file that echoes it back is refused (cheap next to the sizes involved).
	const forbidden = credentials
		? secretForms((await ctx.getCredentials(CREDENTIAL_TYPE)).apiKey)
		: [];
	const sent = await settle(
		async () =>
			await sendRequest(ctx, {
				method: 'GET',
				url,
				credentials,
				forbidden,
				foreignRedirect: 'dropCredentials',
				capMs: DOWNLOAD_CAP_MS,
				encoding,
				maxBytes,
			}),
	);
	if (!sent.ok) {
		const failure = sent.error;
		if (failure instanceof MidjourneyError) throw failure;
		if (failure instanceof NetworkError && failure.cancelled) throw cancelledError();
		const code = failure instanceof NetworkError ? failure.code : 'EUNKNOWN';
		if (code === 'DEADLINE') throw tookTooLong(what, url);
		throw new MidjourneyError('unavailable', `Downloading ${what} failed (${code})`, {
			description: `Could not download ${url}.`,
		});
	}
	const { statusCode, body } = sent.value;
	if (statusCode >= 400) {
		// An error page is never read: a streamed one is closed at once.
		if (isReadable(body)) body.destroy();
		throw httpFailure(what, url, statusCode);
	}
	return sent.value;
}

/** Only http(s) is downloaded: a data:, ftp: or file: URL in a task is refused before anything is sent. */
function refuseScheme(url: string, what: string): void {
	let protocol = '';
	try {
		protocol = new URL(url).protocol;
	} catch {
		protocol = '';
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw new MidjourneyError('badResponse', `Downloading ${what}: the URL is not http(s)`, {
			description: `The task gave "${url.slice(0, 80)}"; only http:// and https:// files are downloaded. Nothing was fetched.`,
		});
	}
}

function httpFailure(what: string, url: string, statusCode: number): MidjourneyError {
	return new MidjourneyError('unavailable', `Downloading ${what} failed: HTTP ${statusCode}`, {
		httpCode: statusCode,
		description: `The server answered HTTP ${statusCode} for ${url}.`,
	});
}

/**
 * The first `bytes` of a stream (fewer if it ends sooner), put back so the
 * stream still yields every byte: a content check without buffering the file.
 */
export async function peekStream(stream: Readable, bytes: number): Promise<Buffer> {
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const finish = (error?: unknown) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', finish);
			if (error) {
				reject(error);
				return;
			}
			const head = Buffer.concat(chunks);
			if (head.length > 0 && !stream.readableEnded) stream.unshift(head);
			resolve(head);
		};
		const onReadable = () => {
			let chunk: Buffer | null;
			while (length < bytes && (chunk = stream.read() as Buffer | null) !== null) {
				chunks.push(chunk);
				length += chunk.length;
			}
			if (length >= bytes) finish();
		};
		const onEnd = () => finish();
		stream.on('readable', onReadable);
		stream.once('end', onEnd);
		stream.once('error', finish);
	});
}

function sameOrigin(url: string, baseUrl: string): boolean {
	try {
		return new URL(url).origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}
