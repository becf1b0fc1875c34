import { constants, deflateRawSync, deflateSync, inflateSync } from 'node:zlib';

import { ZlibError, adler32, deflateZlib, inflateZlib } from '../../../../nodes/Midjourney/images/zlib';

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

/** A reproducible random number generator in [0, 1). */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (Math.imul(state, 1103515245) + 12345) >>> 0;
		return state / 2 ** 32;
	};
}

/** Image-like data: rows of runs, the kind PNG rows are. */
function runs(length: number): Buffer {
	const out = Buffer.alloc(length);
	for (let i = 0; i < length; i++) out[i] = Math.floor(i / 97) % 7 === 0 ? i & 0xff : (i >> 9) & 0xff;
	return out;
}

/**
 * Symbol counts along the Fibonacci sequence, shuffled: the optimal Huffman tree is ~25 deep,
 * so the encoder must limit code lengths to 15 (this input is known to reach that code path).
 */
function fibonacciSkewed(): Buffer {
	const counts = [1, 1];
	while (counts.length < 26) counts.push(counts[counts.length - 1] + counts[counts.length - 2]);
	const symbols: number[] = [];
	counts.forEach((count, symbol) => {
		for (let i = 0; i < count; i++) symbols.push(symbol);
	});
	const next = random(7);
	for (let i = symbols.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[symbols[i], symbols[j]] = [symbols[j], symbols[i]];
	}
	return Buffer.from(symbols);
}

/** Byte equality without jest's element-by-element diff, which takes seconds per megabyte. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
	expect(actual.length).toBe(expected.length);
	expect(Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), expected)).toBe(0);
}

/** The error a call throws (or undefined). */
function thrownBy(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	return undefined;
}

function expectZlibError(run: () => unknown, message?: RegExp): void {
	const error = thrownBy(run);
	expect(error).toBeInstanceOf(ZlibError);
	if (message) expect((error as Error).message).toMatch(message);
}

/** A zlib stream around raw DEFLATE data. */
function zlibWrap(raw: Buffer, data: Buffer): Buffer {
	const trailer = Buffer.alloc(4);
	trailer.writeUInt32BE(adler32(data));
	return Buffer.concat([Buffer.from([0x78, 0x9c]), raw, trailer]);
}

/** LSB-first bit writer, to hand-craft DEFLATE blocks the encoders never write. */
class Bits {
	private bytes: number[] = [];
	private bit = 0;
	put(value: number, count: number): this {
		for (let i = 0; i < count; i++) {
			if (this.bit === 0) this.bytes.push(0);
			this.bytes[this.bytes.length - 1] |= ((value >> i) & 1) << this.bit;
			this.bit = (this.bit + 1) & 7;
		}
		return this;
	}
	/** A Huffman code, most significant bit first (RFC 1951 3.1.1). */
	code(value: number, length: number): this {
		for (let i = length - 1; i >= 0; i--) this.put((value >> i) & 1, 1);
		return this;
	}
	/** Fixed-Huffman literal/length symbol. */
	fixed(symbol: number): this {
		if (symbol < 144) return this.code(0x30 + symbol, 8);
		if (symbol < 256) return this.code(0x190 + symbol - 144, 9);
		if (symbol < 280) return this.code(symbol - 256, 7);
		return this.code(0xc0 + symbol - 280, 8);
	}
	done(): Buffer {
		return Buffer.from(this.bytes);
	}
}

const SAMPLES: Array<[string, Buffer]> = [
	['empty', Buffer.alloc(0)],
	['one byte', Buffer.from([42])],
	['two bytes', Buffer.from([0, 255])],
	['every byte value', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
	['text', Buffer.from('Midjourney grid, four pictures. '.repeat(50))],
	['random 1 KB', noise(1024)],
	['random 70 KB (over 64 KB)', noise(70_000, 7)],
	['runs 300 KB', runs(300_000)],
	// Matches 30000 bytes back: the largest distance codes (extra bits 13).
	['period 30000', Buffer.concat([noise(30_000, 11), noise(30_000, 11), noise(30_000, 11)])],
	['Fibonacci-skewed symbols', fibonacciSkewed()],
	['zeros 1 MB', Buffer.alloc(1 << 20)],
	['mixed 1 MB', Buffer.concat([noise(300_000, 3), runs(500_000), noise(248_576, 9)])],
];

describe('inflateZlib (node:zlib as the reference encoder)', () => {
	it.each(SAMPLES)('inflates %s compressed by node at levels 0, 1, 6, 9 and every strategy', (_name, data) => {
		// Level 0: stored blocks only (several of them past 64 KB); 1-9: fixed and dynamic Huffman blocks.
		for (const level of [0, 1, 6, 9]) {
			expectSameBytes(inflateZlib(deflateSync(data, { level }), data.length), data);
		}
		for (const strategy of [constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FILTERED]) {
			expectSameBytes(inflateZlib(deflateSync(data, { strategy }), data.length), data);
		}
	});

	it('inflates streams made with small windows and little memory (other zlib header values)', () => {
		const data = runs(100_000);
		for (const windowBits of [9, 10, 12]) {
			for (const memLevel of [1, 9]) {
				const stream = deflateSync(data, { windowBits, memLevel, level: 9 });
				expect(stream[0] >> 4).toBe(windowBits - 8);
				expectSameBytes(inflateZlib(stream, data.length), data);
			}
		}
	});

	it('inflates a stream of several block runs joined by sync and full flushes (empty stored blocks)', () => {
		const parts = [noise(5000, 1), runs(40_000), Buffer.alloc(0), noise(3, 2), runs(7000)];
		const raw = Buffer.concat([
			deflateRawSync(parts[0], { finishFlush: constants.Z_SYNC_FLUSH, level: 0 }),
			deflateRawSync(parts[1], { finishFlush: constants.Z_FULL_FLUSH, strategy: constants.Z_FIXED }),
			deflateRawSync(parts[2], { finishFlush: constants.Z_SYNC_FLUSH }),
			deflateRawSync(parts[3], { finishFlush: constants.Z_SYNC_FLUSH }),
			deflateRawSync(parts[4]),
		]);
		const data = Buffer.concat(parts);
		const stream = zlibWrap(raw, data);
		expectSameBytes(inflateSync(stream), data); // the hand-made stream is valid
		expectSameBytes(inflateZlib(stream, data.length), data);
	});

	it('decodes hand-made fixed-Huffman blocks: overlapping copies and the length 258 code', () => {
		// "ab", then copy 10 from distance 2 (overlapping), then 258 from distance 1 (symbol 285).
		const raw = new Bits()
			.put(1, 1)
			.put(1, 2)
			.fixed(0x61)
			.fixed(0x62)
			.fixed(264) // length 10
			.code(1, 5) // distance code 1 = distance 2
			.fixed(285) // length 258
			.code(0, 5) // distance 1
			.fixed(256)
			.done();
		const data = Buffer.from('ab'.repeat(6) + 'b'.repeat(258));
		expectSameBytes(inflateSync(zlibWrap(raw, data)), data);
		expectSameBytes(inflateZlib(zlibWrap(raw, data), data.length), data);
	});

	it('ignores bytes after the checksum', () => {
		const data = runs(1000);
		const stream = Buffer.concat([deflateSync(data), Buffer.from('trailing garbage')]);
		expectSameBytes(inflateZlib(stream, data.length), data);
	});
});

describe('inflateZlib refuses broken input with a ZlibError', () => {
	const data = runs(50_000);
	const good = deflateSync(data);

	it('a bad zlib header: wrong method, window too large, bad check bits, preset dictionary', () => {
		expectZlibError(() => inflateZlib(Buffer.from([0x77, 0x9c, ...good.subarray(2)]), data.length), /header/);
		expectZlibError(() => inflateZlib(Buffer.from([0x88, 0x98, ...good.subarray(2)]), data.length), /header/);
		expectZlibError(() => inflateZlib(Buffer.from([0x78, 0x9d, ...good.subarray(2)]), data.length), /header/);
		const withDictionary = deflateSync(data, { dictionary: Buffer.from('a preset dictionary') });
		expectZlibError(() => inflateZlib(withDictionary, data.length), /dictionary/);
		expectZlibError(() => inflateZlib(Buffer.alloc(0), 0), /truncated/);
		expectZlibError(() => inflateZlib(Buffer.from([0x78]), 0), /truncated/);
	});

	it('every truncation of a stream, at every byte, for stored, fixed and dynamic blocks', () => {
		const small = Buffer.concat([noise(300, 4), runs(700)]);
		for (const stream of [
			deflateSync(small, { level: 0 }),
			deflateSync(small, { strategy: constants.Z_FIXED }),
			deflateSync(small, { level: 9 }),
			deflateZlib(small),
		]) {
			for (let length = 0; length < stream.length; length++) {
				expectZlibError(() => inflateZlib(stream.subarray(0, length), small.length), /truncated/);
			}
		}
		expectZlibError(() => inflateZlib(good.subarray(0, good.length >> 1), data.length), /truncated/);
	});

	it('a wrong Adler-32 checksum', () => {
		for (const stream of [deflateSync(data), deflateSync(data, { level: 0 }), deflateZlib(data)]) {
			const bad = Buffer.from(stream);
			bad[bad.length - 1] ^= 0x01;
			expectZlibError(() => inflateZlib(bad, data.length), /Adler-32/);
		}
		// The empty input's checksum is 1, not 0.
		const empty = Buffer.from(deflateSync(Buffer.alloc(0)));
		empty.writeUInt32BE(0, empty.length - 4);
		expectZlibError(() => inflateZlib(empty, 0), /Adler-32/);
	});

	it('hand-made invalid blocks: reserved type 3, stored length check, distance before the start, bad codes', () => {
		const wrap = (raw: Buffer) => zlibWrap(raw, Buffer.alloc(0));
		expectZlibError(() => inflateZlib(wrap(new Bits().put(1, 1).put(3, 2).put(0, 5).done()), 0), /reserved block type/);
		// Stored block whose NLEN is not the complement of LEN.
		const storedBad = Buffer.from([0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5]);
		expectZlibError(() => inflateZlib(wrap(storedBad), 5), /stored block/);
		// A copy from distance 1 before any output.
		const tooFar = new Bits().put(1, 1).put(1, 2).fixed(257).code(0, 5).fixed(256).done();
		expectZlibError(() => inflateZlib(wrap(tooFar), 3), /before its start/);
		// Fixed-Huffman length symbol 286 and distance symbol 30 do not exist.
		const badLength = new Bits().put(1, 1).put(1, 2).fixed(0x61).fixed(286).done();
		expectZlibError(() => inflateZlib(wrap(badLength), 10), /length code|Huffman/);
		const badDistance = new Bits().put(1, 1).put(1, 2).fixed(0x61).fixed(257).code(30, 5).fixed(256).done();
		expectZlibError(() => inflateZlib(wrap(badDistance), 10), /distance code|Huffman/);
		// A dynamic block whose code-length code is over-subscribed (three 1-bit codes).
		const overSubscribed = new Bits().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(0, 4).put(1, 3).put(1, 3).put(1, 3).put(0, 3);
		expectZlibError(() => inflateZlib(wrap(overSubscribed.put(0, 16).done()), 10), /code lengths/);
		// A dynamic block that starts by repeating the previous code length (there is none).
		const repeatFirst = new Bits().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(0, 4);
		// Code-length code: symbols 16 and 17 get 1-bit codes (16 → 0, 17 → 1).
		repeatFirst.put(1, 3).put(1, 3).put(0, 3).put(0, 3).code(0, 1).put(0, 2);
		expectZlibError(() => inflateZlib(wrap(repeatFirst.put(0, 16).done()), 10), /repeats a code length/);
	});

	it('corrupted compressed bytes: a ZlibError or the exact original, never garbage or another error', () => {
		const next = random(99);
		const samples = [noise(3000, 5), runs(20_000), Buffer.from('abcabcabd'.repeat(300))];
		let refused = 0;
		for (let round = 0; round < 400; round++) {
			const original = samples[round % samples.length];
			const stream = Buffer.from(
				round % 2 ? deflateZlib(original) : deflateSync(original, { level: [0, 1, 6, 9][(round >> 1) % 4] }),
			);
			const flips = 1 + Math.floor(next() * 3);
			for (let i = 0; i < flips; i++) stream[Math.floor(next() * stream.length)] ^= 1 << Math.floor(next() * 8);
			let out: Uint8Array | undefined;
			const error = thrownBy(() => (out = inflateZlib(stream, 0, original.length * 2)));
			if (error === undefined) expectSameBytes(out!, original);
			else {
				expect(error).toBeInstanceOf(ZlibError);
				refused++;
			}
		}
		expect(refused).toBeGreaterThan(300);
	});
});

describe('inflateZlib sizes: expectedSize and maxSize', () => {
	const data = runs(10_000);

	it('output over maxSize is an error, for compressed and stored data and a decompression bomb', () => {
		expectZlibError(() => inflateZlib(deflateSync(data), 100, 9999), /more than 9999 bytes/);
		expectZlibError(() => inflateZlib(deflateSync(data, { level: 0 }), 100, 9999), /more than 9999 bytes/);
		expectZlibError(() => inflateZlib(deflateSync(data), 1000), /more than 1000 bytes/);
		// 64 MB of zeros in ~64 KB: stopped at the limit, without allocating the whole output.
		const bomb = deflateSync(Buffer.alloc(64 << 20), { level: 9 });
		expect(bomb.length).toBeLessThan(100_000);
		expectZlibError(() => inflateZlib(bomb, 1 << 20), /more than 1048576 bytes/);
	});

	it('output under expectedSize is an error; anything between expectedSize and maxSize is returned', () => {
		expectZlibError(() => inflateZlib(deflateSync(data), 10_001, 20_000), /truncated: 10000 of 10001 bytes/);
		expectSameBytes(inflateZlib(deflateSync(data), 0, 50_000), data);
		expectSameBytes(inflateZlib(deflateSync(data), 10_000, 10_000), data);
		expect(inflateZlib(deflateSync(Buffer.alloc(0)), 0).length).toBe(0);
	});
});

describe('deflateZlib (node:zlib as the reference decoder)', () => {
	it.each(SAMPLES)('compresses %s into a stream node:zlib inflates back', (_name, data) => {
		const compressed = deflateZlib(data);
		expect(((compressed[0] << 8) | compressed[1]) % 31).toBe(0);
		expect(compressed[0] & 0x0f).toBe(8);
		expectSameBytes(inflateSync(compressed), data);
		expectSameBytes(inflateZlib(compressed, data.length), data);
	});

	it('actually compresses image-like data, and barely grows incompressible data', () => {
		const image = runs(300_000);
		expect(deflateZlib(image).length).toBeLessThan(image.length / 10);
		expect(deflateZlib(Buffer.alloc(1 << 20)).length).toBeLessThan(5000);
		const random = noise(200_000, 13);
		expect(deflateZlib(random).length).toBeLessThan(random.length + 100);
	});

	it('round-trips random data of random lengths', () => {
		const next = random(2024);
		for (let round = 0; round < 60; round++) {
			const length = Math.floor(next() * 5000);
			const alphabet = 1 + Math.floor(next() * 255);
			const data = Buffer.alloc(length);
			for (let i = 0; i < length; i++) {
				// A mix of fresh bytes and short copies from just before, like real data.
				data[i] = i > 8 && next() < 0.4 ? data[i - 1 - Math.floor(next() * 8)] : Math.floor(next() * alphabet);
			}
			expectSameBytes(inflateSync(deflateZlib(data)), data);
		}
	});

	it('is deterministic', () => {
		const data = Buffer.concat([noise(10_000, 8), runs(10_000)]);
		expect(deflateZlib(data).equals(deflateZlib(data))).toBe(true);
	});
});

describe('adler32', () => {
	it('matches known values and the checksum node writes at the end of a zlib stream', () => {
		expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
		expect(adler32(Buffer.alloc(0))).toBe(1);
		// 0xff bytes stress the modulo: the sums grow fastest.
		const samples = [...SAMPLES.map(([, data]) => data), Buffer.alloc(100_000, 0xff), Buffer.alloc(5553, 0xff)];
		for (const data of samples) {
			const stream = deflateSync(data, { level: 1 });
			expect(adler32(data)).toBe(stream.readUInt32BE(stream.length - 4));
		}
	});
});
