import { Readable } from 'node:stream';

import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { downloadFile } from '../../../../nodes/Midjourney/transport/download';
import { rgbaPng } from '../../../emulator/pngWriter';

const BASE_URL = 'https://api.example.com';
const PNG = rgbaPng({ width: 2, height: 2, data: Buffer.alloc(16, 90) });

type Answer = { statusCode: number; headers?: Record<string, unknown>; body: unknown } | Error;

/**
 * n8n's two request helpers, answering from a script by URL, and recording
 * which helper each request went through (the authenticated one carries the key).
 */
function fakeHelpers(answers: Record<string, Answer>) {
	const sent: Array<{ url: string; authenticated: boolean }> = [];
	const answer = (authenticated: boolean) => async (options: IHttpRequestOptions) => {
		sent.push({ url: options.url, authenticated });
		const found = answers[options.url];
		if (!found) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
		if (found instanceof Error) throw found;
		return found;
	};
	const ctx = {
		getExecutionCancelSignal: () => undefined,
		// The key a file from the API host is checked against (issue20's key scan).
		getCredentials: async () => ({ apiKey: 'sk-download-test-key' }),
		helpers: {
			httpRequest: answer(false),
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => await answer(true)(options),
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

describe('transport/download', () => {
	it('fetches a file on the API host with the credential, any other host without it', async () => {
		const { ctx, sent } = fakeHelpers({
			[`${BASE_URL}/files/a.png`]: { statusCode: 200, headers: { 'content-type': 'image/png' }, body: PNG },
			'https://cdn.example.net/b.png': { statusCode: 200, body: PNG.buffer.slice(PNG.byteOffset, PNG.byteOffset + PNG.length) },
		});
		expect(await downloadFile(ctx, `${BASE_URL}/files/a.png`, BASE_URL, 'the grid')).toEqual({ data: PNG, contentType: 'image/png' });
		expect((await downloadFile(ctx, 'https://cdn.example.net/b.png', BASE_URL, 'the grid')).data.equals(PNG)).toBe(true);
		expect(sent).toEqual([
			{ url: `${BASE_URL}/files/a.png`, authenticated: true },
			{ url: 'https://cdn.example.net/b.png', authenticated: false },
		]);
	});

	it('follows a redirect from the API host to a CDN without the credential', async () => {
		const { ctx, sent } = fakeHelpers({
			[`${BASE_URL}/files/a.png`]: { statusCode: 302, headers: { location: 'https://cdn.example.net/a.png' }, body: Buffer.alloc(0) },
			'https://cdn.example.net/a.png': { statusCode: 200, body: PNG },
		});
		await downloadFile(ctx, `${BASE_URL}/files/a.png`, BASE_URL, 'the grid');
		expect(sent.map((request) => request.authenticated)).toEqual([true, false]);
	});

	it('never takes an error page or a non-image for the file', async () => {
		const { ctx } = fakeHelpers({
			'https://cdn.example.net/gone.png': { statusCode: 404, body: Buffer.from('<html>not found</html>') },
			'https://cdn.example.net/page.png': { statusCode: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>') },
		});
		await expect(downloadFile(ctx, 'https://cdn.example.net/gone.png', BASE_URL, 'the grid')).rejects.toThrow(
			'Downloading the grid failed: HTTP 404',
		);
		const notImage = await downloadFile(ctx, 'https://cdn.example.net/page.png', BASE_URL, 'the grid').catch((error: unknown) => error);
		expect(notImage).toBeInstanceOf(MidjourneyError);
		expect(notImage).toMatchObject({ kind: 'badResponse', message: 'Downloading the grid failed: the answer is not an image (PNG, JPEG, WebP or GIF)' });
		await expect(downloadFile(ctx, 'https://down.example.net/x.png', BASE_URL, 'the grid')).rejects.toThrow(
			'Downloading the grid failed (ECONNREFUSED)',
		);
	});

	it('a video is held whole and checked before it is handed on: an error page is closed unread, a PNG refused', async () => {
		const movie = Buffer.from('\0\0\0\x18ftypmp42rest of the movie', 'latin1');
		const errorPage = Readable.from([Buffer.from('<html>expired</html>')]);
		const { ctx } = fakeHelpers({
			'https://cdn.example.net/old.mp4': { statusCode: 403, body: errorPage },
			'https://cdn.example.net/thumb.mp4': { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Readable.from([PNG]) },
			'https://cdn.example.net/v.mp4': { statusCode: 200, headers: { 'content-type': 'video/mp4' }, body: Readable.from([movie.subarray(0, 10), movie.subarray(10)]) },
		});
		const MP4 = { label: 'an mp4 video', matches: (data: Buffer) => data.subarray(4, 8).toString('latin1') === 'ftyp', maxBytes: 1024 };
		await expect(downloadFile(ctx, 'https://cdn.example.net/old.mp4', BASE_URL, 'video 1', MP4)).rejects.toThrow('HTTP 403');
		// An error page is closed unread.
		expect(errorPage.destroyed).toBe(true);
		await expect(downloadFile(ctx, 'https://cdn.example.net/thumb.mp4', BASE_URL, 'video 1', MP4)).rejects.toThrow(
			'Downloading video 1 failed: the answer is not an mp4 video',
		);
		expect(await downloadFile(ctx, 'https://cdn.example.net/v.mp4', BASE_URL, 'video 1', MP4)).toEqual({ data: movie, contentType: 'video/mp4' });
	});
});
