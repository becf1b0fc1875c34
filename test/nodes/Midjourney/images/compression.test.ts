import { deflateSync, inflateSync } from 'node:zlib';

import { CompressionError, deflateZlib, inflateZlib } from '../../../../nodes/Midjourney/images/compression';

describe('images/compression (zlib through the runtime\'s Compression Streams)', () => {
	const text = Buffer.from('a lighthouse at dawn, watercolor '.repeat(2000));

	it('deflates into a zlib stream node:zlib reads back, and inflates what node:zlib wrote', async () => {
		const deflated = await deflateZlib(text);
		expect(deflated.length).toBeLessThan(text.length / 10);
		expect(inflateSync(deflated).equals(text)).toBe(true);
		expect((await inflateZlib(deflateSync(text), text.length)).equals(text)).toBe(true);
	});

	it('refuses a decompression bomb at the cap, without inflating it whole', async () => {
		const bomb = deflateSync(Buffer.alloc(256 * 2 ** 20));
		expect(bomb.length).toBeLessThan(300_000);
		const refusal = inflateZlib(bomb, 1000);
		await expect(refusal).rejects.toThrow(CompressionError);
		await expect(refusal).rejects.toThrow('compressed data inflates to more than 1000 bytes');
		// Exactly at the cap is fine.
		expect((await inflateZlib(deflateSync(Buffer.alloc(1000, 7)), 1000)).length).toBe(1000);
	});

	it('says what is wrong with a broken stream', async () => {
		const good = deflateSync(text);
		await expect(inflateZlib(good.subarray(0, good.length - 10), text.length)).rejects.toThrow(/truncated/);
		const badCheck = Buffer.from(good);
		badCheck[badCheck.length - 1] ^= 0xff;
		await expect(inflateZlib(badCheck, text.length)).rejects.toThrow(/Adler-32/);
		await expect(inflateZlib(Buffer.from('not zlib at all'), text.length)).rejects.toThrow(CompressionError);
		await expect(inflateZlib(Buffer.from('not zlib at all'), text.length)).rejects.toThrow(/invalid: incorrect header check/);
	});

	it('ignores bytes after the end of the stream, as zlib does (on every Node version)', async () => {
		const padded = Buffer.concat([deflateSync(text), Buffer.from('padding after the stream')]);
		expect((await inflateZlib(padded, text.length)).equals(text)).toBe(true);
	});
});
