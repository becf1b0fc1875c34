import { constants, deflateSync, inflateSync } from 'node:zlib';

import { ZlibError, adler32, deflateZlib, inflateZlib } from '../../../../nodes/Midjourney/engine/zlib';

/** Deterministic pseudo-random bytes (no Math.random: a failure must be reproducible). */
function noise(length: number, seed = 1): Buffer {
	const out = Buffer.alloc(length);
	let state = seed;
	for (let i = 0; i < length; i++) {
		state = (Math.imul(state, 1103515245) + 12345) >>> 0;
		out[i] = state >>> 24;
	}
	return out;
}

/** Image-like data: rows of runs, the kind PNG rows are. */
function runs(length: number): Buffer {
	const out = Buffer.alloc(length);
	for (let i = 0; i < length; i++) out[i] = Math.floor(i / 97) % 7 === 0 ? i & 0xff : (i >> 9) & 0xff;
	return out;
}

/** Byte equality without jest's element-by-element diff, which takes seconds per megabyte. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
	expect(actual.length).toBe(expected.length);
	expect(Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), expected)).toBe(0);
}

const SAMPLES: Array<[string, Buffer]> = [
	['empty', Buffer.alloc(0)],
	['one byte', Buffer.from([42])],
	['text', Buffer.from('Midjourney grid, four pictures. '.repeat(50))],
	['random 1 KB', noise(1024)],
	['random 100 KB', noise(100_000, 7)],
	['runs 300 KB', runs(300_000)],
	['zeros 1 MB', Buffer.alloc(1 << 20)],
	['mixed 1 MB', Buffer.concat([noise(300_000, 3), runs(500_000), noise(248_576, 9)])],
];

describe('inflateZlib (against node:zlib as the reference)', () => {
	it.each(SAMPLES)('inflates %s compressed by node at every level and strategy', (_name, data) => {
		for (const level of [0, 1, 6, 9]) {
			expectSameBytes(inflateZlib(deflateSync(data, { level }), data.length), data);
		}
		for (const strategy of [constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE]) {
			expectSameBytes(inflateZlib(deflateSync(data, { strategy }), data.length), data);
		}
	});

	it('refuses a bad header, a truncated stream, a wrong checksum and too much output', () => {
		const data = runs(50_000);
		const good = deflateSync(data);
		expect(() => inflateZlib(Buffer.from([0x12, 0x34, ...good.subarray(2)]), data.length)).toThrow(ZlibError);
		expect(() => inflateZlib(good.subarray(0, good.length >> 1), data.length)).toThrow(/truncated/);
		const badSum = Buffer.from(good);
		badSum[badSum.length - 1] ^= 0xff;
		expect(() => inflateZlib(badSum, data.length)).toThrow(ZlibError);
		expect(() => inflateZlib(good, 1000)).toThrow(ZlibError);
	});

	it('refuses corrupted compressed bytes rather than returning garbage', () => {
		const data = noise(20_000, 5);
		const corrupted = Buffer.from(deflateSync(data, { level: 9 }));
		for (let i = 10; i < corrupted.length - 10; i += 997) corrupted[i] ^= 0x5a;
		expect(() => inflateZlib(corrupted, data.length)).toThrow(ZlibError);
	});
});

describe('deflateZlib', () => {
	it.each(SAMPLES)('compresses %s into a stream node:zlib inflates back', (_name, data) => {
		const compressed = deflateZlib(data);
		expectSameBytes(inflateSync(compressed), data);
		expectSameBytes(inflateZlib(compressed, data.length), data);
	});

	it('actually compresses image-like data', () => {
		const data = runs(300_000);
		expect(deflateZlib(data).length).toBeLessThan(data.length / 10);
	});
});

describe('adler32', () => {
	it('matches the checksum node writes at the end of a zlib stream', () => {
		for (const [, data] of SAMPLES) {
			const stream = deflateSync(data);
			expect(adler32(data)).toBe(stream.readUInt32BE(stream.length - 4));
		}
	});
});
