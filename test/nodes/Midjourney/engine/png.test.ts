import { inflateSync } from 'node:zlib';

import { PngError, cropImage, decodePng, encodePng, splitGrid } from '../../../../nodes/Midjourney/engine/png';
import { QUARTER_COLOURS } from '../../../emulator';
import { buildPng } from './pngWriter';

function pixelAt(image: { width: number; data: Buffer }, x: number, y: number): number[] {
	const offset = (y * image.width + x) * 4;
	return [...image.data.subarray(offset, offset + 4)];
}

/** Expected RGBA of every pixel, compared in one go (jest diffs large arrays slowly). */
function expectPixels(image: { width: number; height: number; data: Buffer }, expected: (x: number, y: number) => number[]) {
	const mismatches: string[] = [];
	for (let y = 0; y < image.height; y++) {
		for (let x = 0; x < image.width; x++) {
			const want = expected(x, y);
			const got = pixelAt(image, x, y);
			if (got.join() !== want.join() && mismatches.length < 5) mismatches.push(`(${x},${y}) got ${got} want ${want}`);
		}
	}
	expect(mismatches).toEqual([]);
}

const scale = (value: number, bitDepth: number) =>
	bitDepth === 16 ? value >> 8 : Math.round((value * 255) / ((1 << bitDepth) - 1));
const hash = (x: number, y: number, k: number) => (Math.imul(x * 31 + y * 17 + k * 7, 2654435761) >>> 24) & 0xff;

describe('decodePng', () => {
	it.each([0, 1, 2, 3, 4])('decodes 8-bit RGBA with row filter %i', (filter) => {
		const pixel = (x: number, y: number) => [hash(x, y, 1), hash(x, y, 2), hash(x, y, 3), hash(x, y, 4)];
		const image = decodePng(buildPng({ width: 17, height: 9, colourType: 6, bitDepth: 8, pixel, filter }));
		expect([image.width, image.height]).toEqual([17, 9]);
		expectPixels(image, pixel);
	});

	it('decodes rows that change filter from one to the next', () => {
		const pixel = (x: number, y: number) => [x * 10, y * 20, (x + y) * 5];
		const image = decodePng(buildPng({ width: 20, height: 12, colourType: 2, bitDepth: 8, pixel, filter: (row) => row % 5 }));
		expectPixels(image, (x, y) => [...pixel(x, y), 255]);
	});

	it.each([1, 2, 4, 8, 16] as const)('decodes %i-bit greyscale', (bitDepth) => {
		const max = (1 << bitDepth) - 1;
		const pixel = (x: number, y: number) => [(x * 7 + y * 3) % (max + 1)];
		const image = decodePng(buildPng({ width: 13, height: 5, colourType: 0, bitDepth, pixel, filter: 4 }));
		expectPixels(image, (x, y) => {
			const grey = scale(pixel(x, y)[0], bitDepth);
			return [grey, grey, grey, 255];
		});
	});

	it('decodes 16-bit RGB and 16-bit grey with alpha', () => {
		const rgb = (x: number, y: number) => [x * 4000, y * 5000, 65535 - x * 1000];
		expectPixels(decodePng(buildPng({ width: 10, height: 6, colourType: 2, bitDepth: 16, pixel: rgb, filter: 1 })), (x, y) => [
			...rgb(x, y).map((value) => value >> 8),
			255,
		]);
		const greyAlpha = (x: number, y: number) => [x * 6000, 65535 - y * 9000];
		expectPixels(decodePng(buildPng({ width: 10, height: 6, colourType: 4, bitDepth: 16, pixel: greyAlpha, filter: 3 })), (x, y) => {
			const [grey, alpha] = greyAlpha(x, y).map((value) => value >> 8);
			return [grey, grey, grey, alpha];
		});
	});

	it.each([1, 2, 4, 8] as const)('decodes a %i-bit palette with transparency (tRNS)', (bitDepth) => {
		const size = Math.min(1 << bitDepth, 6);
		const palette = Array.from({ length: size }, (_, index) => [index * 40, 255 - index * 30, index * 10]);
		const alpha = Buffer.from(Array.from({ length: size - 1 }, (_, index) => index * 50));
		const pixel = (x: number, y: number) => [(x + y) % size];
		const image = decodePng(buildPng({ width: 11, height: 7, colourType: 3, bitDepth, pixel, palette, trns: alpha, filter: 2 }));
		expectPixels(image, (x, y) => {
			const index = pixel(x, y)[0];
			return [...palette[index], index < alpha.length ? alpha[index] : 255];
		});
	});

	it('applies tRNS to greyscale and RGB (one transparent colour)', () => {
		const grey = (x: number) => [x % 4 === 0 ? 77 : x];
		const transparentGrey = Buffer.from([0, 77]);
		expectPixels(decodePng(buildPng({ width: 9, height: 2, colourType: 0, bitDepth: 8, pixel: grey, trns: transparentGrey })), (x) => {
			const value = grey(x)[0];
			return [value, value, value, value === 77 ? 0 : 255];
		});
		const rgb = (x: number) => (x === 3 ? [1, 2, 3] : [x, x, x]);
		const transparentRgb = Buffer.from([0, 1, 0, 2, 0, 3]);
		expectPixels(decodePng(buildPng({ width: 6, height: 2, colourType: 2, bitDepth: 8, pixel: rgb, trns: transparentRgb })), (x) => [
			...rgb(x),
			x === 3 ? 0 : 255,
		]);
	});

	it.each([
		['8-bit RGBA', 6, 8],
		['2-bit palette', 3, 2],
		['16-bit grey', 0, 16],
	] as const)('decodes Adam7-interlaced %s, odd sizes included', (_name, colourType, bitDepth) => {
		for (const [width, height] of [
			[13, 11],
			[1, 1],
			[3, 9],
		]) {
			const palette = colourType === 3 ? [[255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 9, 9]] : undefined;
			const pixel = (x: number, y: number) =>
				colourType === 6 ? [hash(x, y, 1), hash(x, y, 2), hash(x, y, 3), 200] : colourType === 3 ? [(x * 3 + y) % 4] : [x * 3000 + y * 700];
			const image = decodePng(
				buildPng({ width, height, colourType, bitDepth, pixel, palette, interlace: true, filter: (row) => row % 5 }),
			);
			expectPixels(image, (x, y) => {
				if (colourType === 6) return pixel(x, y);
				if (colourType === 3) return [...palette![pixel(x, y)[0]], 255];
				const grey = pixel(x, y)[0] >> 8;
				return [grey, grey, grey, 255];
			});
		}
	});

	it('reads back what encodePng writes, and node:zlib reads encodePng data', () => {
		const data = Buffer.alloc(31 * 17 * 4);
		for (let i = 0; i < data.length; i++) data[i] = hash(i, i >> 5, 9);
		const png = encodePng({ width: 31, height: 17, data });
		expect(decodePng(png).data.equals(data)).toBe(true);
		const idatStart = png.indexOf('IDAT') + 4;
		const idatLength = png.readUInt32BE(idatStart - 8);
		expect(inflateSync(png.subarray(idatStart, idatStart + idatLength)).length).toBe((31 * 4 + 1) * 17);
	});

	it.each([
		['not a PNG', () => Buffer.from('\xff\xd8\xff\xe0 a jpeg', 'latin1'), /not a PNG/],
		['damaged', () => {
			const png = Buffer.from(buildPng({ width: 4, height: 4, colourType: 6, bitDepth: 8, pixel: () => [1, 2, 3, 4] }));
			png[png.indexOf('IDAT') + 6] ^= 0xff;
			return png;
		}, /checksum/],
		['truncated', () => buildPng({ width: 40, height: 40, colourType: 6, bitDepth: 8, pixel: (x, y) => [x, y, x, y] }).subarray(0, 120), /truncated/],
		['palette index out of range', () =>
			buildPng({ width: 4, height: 1, colourType: 3, bitDepth: 8, pixel: (x) => [x], palette: [[0, 0, 0], [1, 1, 1]] }), /palette/],
		['no palette', () => buildPng({ width: 4, height: 1, colourType: 3, bitDepth: 8, pixel: () => [0] }), /palette/],
	])('refuses a %s file with a clear PngError', (_name, make, message) => {
		let thrown: unknown;
		try {
			decodePng(make());
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(PngError);
		expect((thrown as Error).message).toMatch(message);
	});
});

describe('cropImage and splitGrid', () => {
	function grid(width: number, height: number): Buffer {
		const data = Buffer.alloc(width * height * 4);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const quarter = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1);
				Buffer.from(QUARTER_COLOURS[quarter]).copy(data, (y * width + x) * 4);
			}
		}
		return encodePng({ width, height, data });
	}

	it('cuts a grid into its four pictures, top left, top right, bottom left, bottom right', () => {
		const pictures = splitGrid(grid(64, 48));
		expect(pictures).toHaveLength(4);
		pictures.forEach((picture, index) => {
			const image = decodePng(picture);
			expect([image.width, image.height]).toEqual([32, 24]);
			expectPixels(image, () => [...QUARTER_COLOURS[index]]);
		});
	});

	it('cuts odd-sized grids without mixing colours (the middle row and column are dropped)', () => {
		const pictures = splitGrid(grid(9, 7)).map((picture) => decodePng(picture));
		for (const [index, image] of pictures.entries()) {
			expect([image.width, image.height]).toEqual([4, 3]);
			expectPixels(image, () => [...QUARTER_COLOURS[index]]);
		}
	});

	it('cuts an interlaced palette grid like any other', () => {
		const palette = QUARTER_COLOURS.map((colour) => [...colour].slice(0, 3));
		const png = buildPng({
			width: 16,
			height: 16,
			colourType: 3,
			bitDepth: 2,
			palette,
			interlace: true,
			pixel: (x, y) => [(y < 8 ? 0 : 2) + (x < 8 ? 0 : 1)],
		});
		splitGrid(png).forEach((picture, index) => expectPixels(decodePng(picture), () => [...palette[index], 255]));
	});

	it('refuses a crop outside the image', () => {
		const image = decodePng(grid(8, 8));
		expect(() => cropImage(image, 4, 4, 5, 1)).toThrow(PngError);
	});
});
