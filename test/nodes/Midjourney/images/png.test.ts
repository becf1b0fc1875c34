import { crc32 as nodeCrc32, deflateSync, inflateSync } from 'node:zlib';

import {
	PngError,
	crc32,
	cropImage,
	decodePng,
	encodePng,
	splitGrid,
	type RgbaImage,
} from '../../../../nodes/Midjourney/images/png';
import { QUARTER_COLOURS } from '../../../emulator';
import { pictureSize, renderGrid } from '../../../emulator/images';
import { PNG_SIGNATURE, buildPng, chunk, chunkOffset, type PngSpec } from '../../../emulator/pngWriter';

type Rgba = number[];

function pixelAt(image: RgbaImage, x: number, y: number): Rgba {
	const offset = (y * image.width + x) * 4;
	return [...image.data.subarray(offset, offset + 4)];
}

/** Expected RGBA of every pixel, compared in one go (jest diffs large arrays slowly). */
function expectPixels(image: RgbaImage, expected: (x: number, y: number) => Rgba, label = '') {
	expect(image.data.length).toBe(image.width * image.height * 4);
	const mismatches: string[] = [];
	for (let y = 0; y < image.height; y++) {
		for (let x = 0; x < image.width; x++) {
			const want = expected(x, y);
			const got = pixelAt(image, x, y);
			if (got.join() !== want.join() && mismatches.length < 5) mismatches.push(`${label} (${x},${y}) got ${got} want ${want}`);
		}
	}
	expect(mismatches).toEqual([]);
}

function expectFlat(image: RgbaImage, colour: readonly number[], label = '') {
	expectPixels(image, () => [...colour], label);
}

/** Well-mixed pseudo-random 16 bits per (x, y, k) (murmur3's finaliser): no structure a filter bug could hide in. */
function hash(x: number, y: number, k: number): number {
	let h = Math.imul(x + 1, 73856093) ^ Math.imul(y + 1, 19349663) ^ Math.imul(k + 1, 83492791);
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h & 0xffff;
}

/** A sample at the bit depth, spread over its whole range. */
const sampleAt = (x: number, y: number, k: number, bitDepth: number) => hash(x, y, k) % (1 << bitDepth);

/** A sample at any bit depth → 8 bits, as the PNG specification's recommended scaling gives it. */
const to8 = (value: number, bitDepth: number) =>
	bitDepth === 16 ? value >> 8 : bitDepth === 8 ? value : (value * 255) / ((1 << bitDepth) - 1);

const FORMATS: Array<[PngSpec['colourType'], PngSpec['bitDepth'][]]> = [
	[0, [1, 2, 4, 8, 16]],
	[2, [8, 16]],
	[3, [1, 2, 4, 8]],
	[4, [8, 16]],
	[6, [8, 16]],
];
const COLOUR_TYPE_NAMES = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey+alpha', 6: 'RGBA' };
const CASES = FORMATS.flatMap(([colourType, depths]) =>
	depths.map((bitDepth) => [`${bitDepth}-bit ${COLOUR_TYPE_NAMES[colourType]}`, colourType, bitDepth] as const),
);

/** A test image of the format: its samples, palette and transparency, and the RGBA a decoder must give. */
function testImage(colourType: PngSpec['colourType'], bitDepth: PngSpec['bitDepth']) {
	const paletteSize = colourType === 3 ? Math.min(1 << bitDepth, 200) : 0;
	const palette = Array.from({ length: paletteSize }, (_, i) => [(i * 37) & 0xff, (i * 91 + 5) & 0xff, (255 - i * 13) & 0xff]);
	// Palette alpha for the first entries only: the others are opaque.
	const trns = colourType === 3 ? Buffer.from(Array.from({ length: Math.max(1, paletteSize >> 1) }, (_, i) => (i * 53) & 0xff)) : undefined;
	const pixel = (x: number, y: number): number[] => {
		if (colourType === 3) return [hash(x, y, 0) % paletteSize];
		return Array.from({ length: { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType] }, (_, k) => sampleAt(x, y, k, bitDepth));
	};
	const expected = (x: number, y: number): Rgba => {
		const samples = pixel(x, y);
		if (colourType === 3) {
			const index = samples[0];
			return [...palette[index], index < trns!.length ? trns![index] : 255];
		}
		const eight = samples.map((value) => to8(value, bitDepth));
		if (colourType === 0) return [eight[0], eight[0], eight[0], 255];
		if (colourType === 4) return [eight[0], eight[0], eight[0], eight[1]];
		if (colourType === 2) return [...eight, 255];
		return eight;
	};
	return { pixel, palette: colourType === 3 ? palette : undefined, trns, expected };
}

describe('decodePng: every colour type and bit depth, every filter, Adam7', () => {
	it.each(CASES)('%s', async (_name, colourType, bitDepth) => {
		const { pixel, palette, trns, expected } = testImage(colourType, bitDepth);
		// 13 x 11: rows end inside a byte at low bit depths; Adam7 passes of uneven sizes.
		const variants: Array<[string, Partial<PngSpec>]> = [
			...[0, 1, 2, 3, 4].map((filter) => [`filter ${filter}`, { filter }] as [string, Partial<PngSpec>]),
			['filter per row', { filter: (row: number) => (row * 3) % 5 }],
			['Adam7', { interlace: true, filter: (row: number) => row % 5 }],
		];
		for (const [label, variant] of variants) {
			const png = buildPng({ width: 13, height: 11, colourType, bitDepth, pixel, palette, trns, ...variant });
			const image = await decodePng(png);
			expect([image.width, image.height]).toEqual([13, 11]);
			expectPixels(image, expected, label);
		}
	});

	it('decodes Paeth rows where the predictor ties (a beats c, b beats c when equally close)', async () => {
		// (a and b can only tie when a == b, or when c is closer than both.)
		const pixel = (x: number, y: number) => [0, 1, 2, 3].map((k) => hash(x, y, k) & 0xff);
		let ties = 0;
		for (let y = 1; y < 40; y++) {
			for (let x = 1; x < 40; x++) {
				for (let k = 0; k < 4; k++) {
					const [a, b, c] = [pixel(x - 1, y)[k], pixel(x, y - 1)[k], pixel(x - 1, y - 1)[k]];
					const [pa, pb, pc] = [Math.abs(b - c), Math.abs(a - c), Math.abs(a + b - 2 * c)];
					if ((pa === pc && pa <= pb && a !== c) || (pb === pc && pb < pa && b !== c)) ties++;
				}
			}
		}
		expect(ties).toBeGreaterThan(5);
		expectPixels(await decodePng(buildPng({ width: 40, height: 40, colourType: 6, bitDepth: 8, pixel, filter: 4 })), pixel);
	});

	it.each([
		[1, 1],
		[1, 9],
		[9, 1],
		[2, 2],
		[3, 5],
		[8, 8],
		[17, 3],
	])('decodes Adam7 at %i x %i (passes without pixels are absent)', async (width, height) => {
		const { pixel, expected } = testImage(6, 8);
		expectPixels(await decodePng(buildPng({ width, height, colourType: 6, bitDepth: 8, pixel, interlace: true, filter: 4 })), expected);
		const grey = testImage(0, 2);
		expectPixels(
			await decodePng(buildPng({ width, height, colourType: 0, bitDepth: 2, pixel: grey.pixel, interlace: true, filter: 1 })),
			grey.expected,
		);
	});

	it.each([1, 2, 4, 8, 16] as const)('tRNS makes one %i-bit grey value transparent', async (bitDepth) => {
		const max = (1 << bitDepth) - 1;
		const transparent = max >> 1;
		const pixel = (x: number, y: number) => [(x + y) % 3 === 0 ? transparent : sampleAt(x, y, 1, bitDepth)];
		const trns = Buffer.alloc(2);
		trns.writeUInt16BE(transparent);
		const image = await decodePng(buildPng({ width: 11, height: 5, colourType: 0, bitDepth, pixel, trns, filter: 2 }));
		expectPixels(image, (x, y) => {
			const value = pixel(x, y)[0];
			const grey = to8(value, bitDepth);
			return [grey, grey, grey, value === transparent ? 0 : 255];
		});
	});

	it.each([8, 16] as const)('tRNS makes one %i-bit RGB colour transparent (all three samples must match)', async (bitDepth) => {
		const key = bitDepth === 16 ? [1000, 2000, 3000] : [10, 20, 30];
		// Near misses share one or two samples with the key.
		const pixel = (x: number) => [key, [key[0], key[1], 0], [key[0], 0, key[2]], [5, 6, 7]][x % 4];
		const trns = Buffer.alloc(6);
		key.forEach((value, index) => trns.writeUInt16BE(value, index * 2));
		const image = await decodePng(buildPng({ width: 8, height: 2, colourType: 2, bitDepth, pixel, trns, filter: 3 }));
		expectPixels(image, (x) => [...pixel(x).map((value) => to8(value, bitDepth)), x % 4 === 0 ? 0 : 255]);
	});

	it('ignores unknown ancillary chunks, a suggested palette on RGB and data after IEND', async () => {
		const { pixel, expected } = testImage(2, 8);
		const png = buildPng({ width: 5, height: 4, colourType: 2, bitDepth: 8, pixel, palette: [[1, 2, 3]], filter: 1 });
		const iend = chunkOffset(png, 'IEND') - 4;
		const withExtras = Buffer.concat([
			png.subarray(0, iend),
			chunk('zzZz', Buffer.from('private ancillary chunk')),
			png.subarray(iend),
			Buffer.from('trailing bytes after IEND'),
		]);
		expectPixels(await decodePng(withExtras), expected);
	});

	it('reads back what encodePng writes, and node:zlib reads encodePng data', async () => {
		const data = Buffer.alloc(31 * 17 * 4);
		for (let i = 0; i < data.length; i++) data[i] = hash(i, i >> 5, 9) & 0xff;
		const png = await encodePng({ width: 31, height: 17, data });
		expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect((await decodePng(png)).data.equals(data)).toBe(true);
		// The IDAT is a zlib stream node inflates to filter-0 rows of the pixels.
		const idat = chunkOffset(png, 'IDAT');
		const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
		expect(raw.length).toBe((31 * 4 + 1) * 17);
		expect(raw[0]).toBe(0);
		expect(raw.subarray(1, 1 + 31 * 4).equals(data.subarray(0, 31 * 4))).toBe(true);
		// Every chunk's CRC is right, by node's CRC-32.
		for (let pos = 8; pos < png.length; ) {
			const length = png.readUInt32BE(pos);
			expect(png.readUInt32BE(pos + 8 + length)).toBe(nodeCrc32(png.subarray(pos + 4, pos + 8 + length)));
			pos += 12 + length;
		}
	});

	it('encodePng refuses pixel data of the wrong size', async () => {
		await expect(encodePng({ width: 4, height: 4, data: Buffer.alloc(63) })).rejects.toThrow(PngError);
	});

	it('crc32 matches node:zlib', async () => {
		for (const text of ['', 'IEND', 'The quick brown fox jumps over the lazy dog']) {
			expect(crc32(Buffer.from(text))).toBe(nodeCrc32(Buffer.from(text)));
		}
	});
});

describe('decodePng refuses broken files with a clear PngError', () => {
	const rgba = (x: number, y: number) => [x * 10, y * 10, 128, 255];
	const good = () => buildPng({ width: 20, height: 10, colourType: 6, bitDepth: 8, pixel: rgba, filter: 1 });

	async function refusal(bytes: Buffer): Promise<Error> {
		let thrown: unknown;
		try {
			await decodePng(bytes);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(PngError);
		return thrown as Error;
	}

	function damage(png: Buffer, type: string, at: number): Buffer {
		const copy = Buffer.from(png);
		// `at` counts from the end of the type: the chunk body, or the CRC when the body is empty.
		copy[chunkOffset(copy, type) + 4 + at] ^= 0x40;
		return copy;
	}

	it.each([
		['a JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00])],
		['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
		['text', Buffer.from('<html>not found</html>')],
		['empty', Buffer.alloc(0)],
		['a PNG signature with a bad byte', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00]), good().subarray(8)])],
	])('not a PNG: %s', async (_name, bytes) => {
		expect((await refusal(bytes)).message).toMatch(/not a PNG/);
	});

	it('every truncation of a file gives a PngError, mostly saying "truncated"', async () => {
		const png = good();
		let truncated = 0;
		for (let length = 0; length < png.length; length++) {
			const message = (await refusal(png.subarray(0, length))).message;
			if (/truncated/.test(message)) truncated++;
			else expect(message).toMatch(/not a PNG|damaged/);
		}
		expect(truncated).toBeGreaterThan(png.length - 10);
		expect((await refusal(png.subarray(0, 40))).message).toMatch(/truncated/);
		// All chunks whole, but no IEND.
		expect((await refusal(png.subarray(0, chunkOffset(png, 'IEND') - 4))).message).toMatch(/truncated/);
	});

	it.each([
		['IHDR', 6],
		['IDAT', 6],
		['tEXt', 3],
		['IEND', 0],
	])('a damaged %s chunk fails its checksum, named in the message', async (type, at) => {
		expect((await refusal(damage(good(), type, at))).message).toMatch(new RegExp(`damaged.*checksum.*${type}`));
	});

	it('a damaged checksum itself', async () => {
		const png = Buffer.from(good());
		const idat = chunkOffset(png, 'IDAT');
		png[idat + 4 + png.readUInt32BE(idat - 4)] ^= 1;
		expect((await refusal(png)).message).toMatch(/checksum.*IDAT/);
	});

	it('damaged compressed data under a valid checksum', async () => {
		const idat = Buffer.from(deflateSync(Buffer.alloc((20 * 4 + 1) * 10, 7)));
		idat[idat.length - 2] ^= 0xff; // the Adler-32
		expect((await refusal(buildPng({ width: 20, height: 10, colourType: 6, bitDepth: 8, pixel: rgba, idat }))).message).toMatch(
			/image data is damaged.*Adler-32/,
		);
		expect(
			(await refusal(buildPng({ width: 20, height: 10, colourType: 6, bitDepth: 8, pixel: rgba, idat: Buffer.from('not zlib at all') })))
				.message,
		).toMatch(/image data is damaged/);
	});

	it('too little or too much image data', async () => {
		const short = buildPng({ width: 20, height: 10, colourType: 6, bitDepth: 8, pixel: rgba, editRaw: (raw) => raw.subarray(0, raw.length - 5) });
		expect((await refusal(short)).message).toMatch(/truncated/);
		const long = buildPng({ width: 20, height: 10, colourType: 6, bitDepth: 8, pixel: rgba, editRaw: (raw) => Buffer.concat([raw, Buffer.alloc(50)]) });
		expect((await refusal(long)).message).toMatch(/damaged/);
	});

	it('an unknown row filter', async () => {
		const png = buildPng({
			width: 4,
			height: 3,
			colourType: 6,
			bitDepth: 8,
			pixel: rgba,
			editRaw: (raw) => {
				const copy = Buffer.from(raw);
				copy[17] = 5; // the second row's filter byte
				return copy;
			},
		});
		expect((await refusal(png)).message).toMatch(/row filter 5/);
	});

	it.each([
		['RGB at 4 bits', (h: Buffer) => (h[8] = 4), /colour type 2 with bit depth 4/],
		['palette at 16 bits', (h: Buffer) => (h[8] = 16) && (h[9] = 3), /colour type 3 with bit depth 16/],
		['colour type 5', (h: Buffer) => (h[9] = 5), /colour type 5/],
		['zero width', (h: Buffer) => h.writeUInt32BE(0, 0), /no pixels/],
		['zero height', (h: Buffer) => h.writeUInt32BE(0, 4), /no pixels/],
		['100000 x 100000 pixels', (h: Buffer) => h.writeUInt32BE(100_000, 0) + h.writeUInt32BE(100_000, 4), /too large/],
		['compression method 1', (h: Buffer) => (h[10] = 1), /compression or filter method/],
		['filter method 1', (h: Buffer) => (h[11] = 1), /compression or filter method/],
		['interlace method 2', (h: Buffer) => (h[12] = 2), /interlace method/],
	])('a header with %s', async (_name, edit, message) => {
		const png = buildPng({ width: 4, height: 4, colourType: 2, bitDepth: 8, pixel: () => [1, 2, 3], editHeader: (h) => void edit(h) });
		expect((await refusal(png)).message).toMatch(message);
	});

	it('a file whose first chunk is not IHDR, or an IHDR of the wrong length', async () => {
		const png = good();
		const text = chunk('tEXt', Buffer.from('a\0b', 'latin1'));
		expect((await refusal(Buffer.concat([PNG_SIGNATURE, text, png.subarray(8)]))).message).toMatch(/IHDR/);
		const longHeader = chunk('IHDR', Buffer.concat([png.subarray(16, 29), Buffer.alloc(2)]));
		expect((await refusal(Buffer.concat([PNG_SIGNATURE, longHeader, png.subarray(33)]))).message).toMatch(/IHDR/);
	});

	it('a palette image without palette, or with indexes past its end', async () => {
		expect((await refusal(buildPng({ width: 4, height: 1, colourType: 3, bitDepth: 8, pixel: () => [0] }))).message).toMatch(/no palette/);
		const outside = buildPng({ width: 4, height: 1, colourType: 3, bitDepth: 8, pixel: (x) => [x], palette: [[0, 0, 0], [1, 1, 1]] });
		expect((await refusal(outside)).message).toMatch(/palette index 2/);
	});

	it('random damage under valid checksums gives PngErrors only', async () => {
		const png = buildPng({ width: 9, height: 7, colourType: 3, bitDepth: 4, pixel: (x, y) => [(x + y) % 6], palette: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1], [2, 2, 2], [3, 3, 3]], interlace: true, filter: 4 });
		let state = 5;
		const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
		for (let round = 0; round < 300; round++) {
			const copy = Buffer.from(png);
			copy[8 + Math.floor(next() * (copy.length - 8))] = Math.floor(next() * 256);
			// Recompute every CRC, so the damage reaches the decoder proper.
			for (let pos = 8; pos + 12 <= copy.length; ) {
				const length = copy.readUInt32BE(pos);
				if (pos + 12 + length > copy.length) break;
				copy.writeUInt32BE(nodeCrc32(copy.subarray(pos + 4, pos + 8 + length)), pos + 8 + length);
				pos += 12 + length;
			}
			try {
				await decodePng(copy);
			} catch (error) {
				expect(error).toBeInstanceOf(PngError);
			}
		}
	});
});

describe('cropImage', () => {
	const image: RgbaImage = { width: 7, height: 5, data: Buffer.alloc(7 * 5 * 4) };
	for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 13) & 0xff;

	it('copies the rectangle asked for', () => {
		const crop = cropImage(image, 2, 1, 4, 3);
		expect([crop.width, crop.height]).toEqual([4, 3]);
		expectPixels(crop, (x, y) => pixelAt(image, x + 2, y + 1));
		expect(cropImage(image, 0, 0, 7, 5).data.equals(image.data)).toBe(true);
	});

	it.each([
		[-1, 0, 2, 2],
		[0, -1, 2, 2],
		[6, 0, 2, 1],
		[0, 4, 1, 2],
		[0, 0, 0, 1],
		[0, 0, 1, 0],
	])('refuses %i,%i %ix%i (outside the image or empty)', (left, top, width, height) => {
		expect(() => cropImage(image, left, top, width, height)).toThrow(PngError);
	});
});

describe('splitGrid', () => {
	/** A grid with quarters in QUARTER_COLOURS and, on odd sizes, a white middle row/column. */
	function grid(width: number, height: number, spec: Partial<PngSpec> = {}): Buffer {
		const midX = width % 2 ? (width - 1) / 2 : -1;
		const midY = height % 2 ? (height - 1) / 2 : -1;
		const colour = (x: number, y: number) =>
			x === midX || y === midY ? [255, 255, 255, 255] : [...QUARTER_COLOURS[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]];
		return buildPng({ width, height, colourType: 6, bitDepth: 8, pixel: colour, filter: 4, ...spec });
	}

	async function expectQuarters(pictures: Buffer[], width: number, height: number) {
		expect(pictures).toHaveLength(4);
		for (const [index, picture] of pictures.entries()) {
			expect(Buffer.isBuffer(picture)).toBe(true);
			const image = await decodePng(picture);
			expect([image.width, image.height]).toEqual([width, height]);
			expectFlat(image, QUARTER_COLOURS[index], `picture ${index + 1}`);
		}
	}

	it('cuts the emulator grid into its four pictures: top left, top right, bottom left, bottom right', async () => {
		await expectQuarters(await splitGrid(renderGrid(128, 128)), 64, 64);
		const wide = pictureSize(128, [3, 2]);
		await expectQuarters(await splitGrid(renderGrid(wide.width, wide.height)), wide.width / 2, wide.height / 2);
		const tall = pictureSize(96, [9, 16]);
		await expectQuarters(await splitGrid(renderGrid(tall.width, tall.height)), tall.width / 2, tall.height / 2);
	});

	it.each([
		[9, 7],
		[3, 3],
		[5, 2],
		[2, 5],
		[2, 2],
		[101, 63],
	])('cuts an odd-sized %i x %i grid without mixing colours (the middle row and column are dropped)', async (width, height) => {
		await expectQuarters(await splitGrid(grid(width, height)), Math.floor(width / 2), Math.floor(height / 2));
	});

	it.each([
		['16-bit RGB', { colourType: 2, bitDepth: 16 }],
		['4-bit palette', { colourType: 3, bitDepth: 4 }],
		['interlaced 2-bit palette', { colourType: 3, bitDepth: 2, interlace: true }],
		['interlaced 16-bit RGBA', { colourType: 6, bitDepth: 16, interlace: true }],
	] as const)('cuts a %s grid like any other', async (_name, format) => {
		const palette = QUARTER_COLOURS.map((colour) => colour.slice(0, 3));
		const quarter = (x: number, y: number) => (y < 8 ? 0 : 2) + (x < 12 ? 0 : 1);
		const png = buildPng({
			width: 24,
			height: 16,
			...format,
			palette: format.colourType === 3 ? palette : undefined,
			pixel: (x, y) => {
				const colour = QUARTER_COLOURS[quarter(x, y)];
				if (format.colourType === 3) return [quarter(x, y)];
				const samples = format.colourType === 2 ? colour.slice(0, 3) : [...colour];
				return samples.map((value) => value * 257);
			},
		});
		await expectQuarters(await splitGrid(png), 12, 8);
	});

	it('refuses grids too small to cut, and files that are not PNGs', async () => {
		await expect(splitGrid(grid(1, 6))).rejects.toThrow(/too small/);
		await expect(splitGrid(grid(6, 1))).rejects.toThrow(/too small/);
		await expect(splitGrid(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0]))).rejects.toThrow(PngError);
		await expect(splitGrid(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0]))).rejects.toThrow(/not a PNG/);
	});
});
