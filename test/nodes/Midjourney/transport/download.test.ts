import { Readable } from 'node:stream';

import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { downloadFile, downloadStream, peekStream } from '../../../../nodes/Midjourney/transport/download';
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

	it('streams a video: an error page is closed unread, a good body is handed on whole', async () => {
		const errorPage = Readable.from([Buffer.from('<html>expired</html>')]);
		const video = Readable.from([Buffer.from('\0\0\0\x18ftypmp42'), Buffer.from('rest of the movie')]);
		const { ctx } = fakeHelpers({
			'https://cdn.example.net/old.mp4': { statusCode: 403, body: errorPage },
			'https://cdn.example.net/v.mp4': { statusCode: 200, headers: { 'content-type': 'video/mp4' }, body: video },
		});
		await expect(downloadStream(ctx, 'https://cdn.example.net/old.mp4', BASE_URL, 'video 1')).rejects.toThrow('HTTP 403');
		expect(errorPage.destroyed).toBe(true);
		const { stream, contentType } = await downloadStream(ctx, 'https://cdn.example.net/v.mp4', BASE_URL, 'video 1');
		expect(contentType).toBe('video/mp4');
		const head = await peekStream(stream, 12);
		expect(head.subarray(4, 8).toString('latin1')).toBe('ftyp');
		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		expect(Buffer.concat(chunks).toString('latin1')).toBe('\0\0\0\x18ftypmp42rest of the movie');
	});
});
