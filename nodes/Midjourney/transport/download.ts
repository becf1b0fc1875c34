import { detectImageType } from '../images/format';
import { MidjourneyError, cancelledError, settle } from '../model/errors';
import { NetworkError } from './client';
import { secretForms } from '../model/redaction';
import { CREDENTIAL_TYPE, sendRequest, type RequestContext } from './n8nHttp';

export interface DownloadedFile {
	data: Buffer;
	contentType?: string;
}

/** What a download must be: its first bytes are checked, so an error page never becomes the file. */
export interface ExpectedContent {
	/** what it is, in words: "an image (PNG, JPEG, WebP or GIF)" */
	label: string;
	matches(data: Buffer): boolean;
	/** most bytes it may have: a larger one is cut off and refused */
	maxBytes: number;
}

/** Largest image (or other whole file) downloaded: a Midjourney upscale is a few MB, a 4x one under 40. */
export const FILE_MAX_BYTES = 100 * 1048576;

export const IMAGE_CONTENT: ExpectedContent = {
	label: 'an image (PNG, JPEG, WebP or GIF)',
	matches: (data) => detectImageType(data) !== undefined,
	maxBytes: FILE_MAX_BYTES,
};

/**
 * Downloads a file whole and checks it is what was expected. Whole, not
 * streamed into n8n's binary data (as n8n's HTTP Request node holds a file
 * answer too): n8n gives nodes no way to remove a file they began to store, so
 * a download cut off mid-way must never have reached the store.
 */
export async function downloadFile(
	ctx: RequestContext,
	url: string,
	baseUrl: string,
	what: string,
	expected: ExpectedContent = IMAGE_CONTENT,
): Promise<DownloadedFile> {
	const response = await sendDownload(ctx, url, baseUrl, what, expected.maxBytes);
	const body = response.body;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(String(body ?? ''), 'binary');
	const contentType = response.headers?.['content-type'];
	if (!expected.matches(data)) {
		throw new MidjourneyError(
			'badResponse',
			`Downloading ${what} failed: the answer is not ${expected.label}`,
			{
				description: `${url} answered ${data.length} bytes of ${typeof contentType === 'string' ? contentType : 'unknown type'}, starting "${printableStart(data)}", not the file. The link may have expired or lead to an error page: fetch the task again for fresh URLs.`,
			},
		);
	}
	return { data, contentType: typeof contentType === 'string' ? contentType : undefined };
}

/** The first bytes of a body as text a person can read (what an error page or a thumbnail starts with). */
function printableStart(data: Buffer): string {
	return data
		.subarray(0, 12)
		.toString('latin1')
		.replace(/[^ -~]/g, '.');
}

interface DownloadResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body: unknown;
}

/** Longest a download may take, from the request to the last byte. */
export const DOWNLOAD_CAP_MS = 300_000;

/** The error of a download the deadline ended. */
function tookTooLong(what: string, url: string): MidjourneyError {
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
				maxBytes,
				skipErrorBody: true,
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
	const { statusCode } = sent.value;
	if (statusCode >= 400) throw httpFailure(what, url, statusCode);
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

function sameOrigin(url: string, baseUrl: string): boolean {
	try {
		return new URL(url).origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}
