import { crc32, deflateSync } from 'node:zlib';

/**
 * A test-only PNG writer built on node:zlib (deflate and CRC-32), independent
 * of the code under test: every colour type and bit depth, palettes with
 * tRNS, any row filter, Adam7 interlacing, and hooks to break the file in
 * controlled ways (with valid checksums, so the decoder's later checks run).
 */
export interface PngSpec {
	width: number;
	height: number;
	colourType: 0 | 2 | 3 | 4 | 6;
	bitDepth: 1 | 2 | 4 | 8 | 16;
	/** The samples of one pixel (1 to 4 of them, by colour type), at the bit depth. */
	pixel: (x: number, y: number) => number[];
	palette?: number[][];
	trns?: Buffer;
	interlace?: boolean;
	/** Row filter: fixed, or chosen per row (rows counted over all passes). */
	filter?: number | ((row: number) => number);
	/** Changes the filtered, uncompressed image data before it is compressed. */
	editRaw?: (raw: Buffer) => Buffer;
	/** Changes the IHDR body (13 bytes) before it is written. */
	editHeader?: (header: Buffer) => void;
	/** Replaces the IDAT payload (the compressed image data). */
	idat?: Buffer;
}

export const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const ADAM7 = [
	[0, 0, 8, 8],
	[4, 0, 8, 8],
	[0, 4, 4, 8],
	[2, 0, 4, 4],
	[0, 2, 2, 4],
	[1, 0, 2, 2],
	[0, 1, 1, 2],
];
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

function packRow(samples: number[], bitDepth: number): Buffer {
	if (bitDepth === 16) {
		const out = Buffer.alloc(samples.length * 2);
		samples.forEach((value, index) => out.writeUInt16BE(value, index * 2));
		return out;
	}
	const out = Buffer.alloc(Math.ceil((samples.length * bitDepth) / 8));
	samples.forEach((value, index) => {
		const bit = index * bitDepth;
		out[bit >> 3] |= value << (8 - bitDepth - (bit & 7));
	});
	return out;
}

function paeth(a: number, b: number, c: number): number {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function filterRow(type: number, row: Buffer, previous: Buffer | undefined, bpp: number): Buffer {
	const out = Buffer.alloc(row.length + 1);
	out[0] = type;
	for (let i = 0; i < row.length; i++) {
		const a = i >= bpp ? row[i - bpp] : 0;
		const b = previous ? previous[i] : 0;
		const c = previous && i >= bpp ? previous[i - bpp] : 0;
		const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type] ?? 0;
		out[i + 1] = (row[i] - predicted) & 0xff;
	}
	return out;
}

/** The filtered image data (all passes), before compression. */
export function rawImageData(spec: PngSpec): Buffer {
	const { width, height, colourType, bitDepth } = spec;
	const bpp = Math.max(1, (CHANNELS[colourType] * bitDepth) >> 3);
	const passes = spec.interlace ? ADAM7 : [[0, 0, 1, 1]];
	const rows: Buffer[] = [];
	let rowNumber = 0;
	for (const [x0, y0, dx, dy] of passes) {
		// A pass without pixels has no rows at all, not even filter bytes.
		if (x0 >= width || y0 >= height) continue;
		let previous: Buffer | undefined;
		for (let y = y0; y < height; y += dy) {
			const samples: number[] = [];
			for (let x = x0; x < width; x += dx) samples.push(...spec.pixel(x, y));
			const row = packRow(samples, bitDepth);
			const filter = typeof spec.filter === 'function' ? spec.filter(rowNumber++) : (spec.filter ?? 0);
			rows.push(filterRow(filter, row, previous, bpp));
			previous = row;
		}
	}
	return Buffer.concat(rows);
}

export function buildPng(spec: PngSpec): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(spec.width, 0);
	header.writeUInt32BE(spec.height, 4);
	header[8] = spec.bitDepth;
	header[9] = spec.colourType;
	header[12] = spec.interlace ? 1 : 0;
	spec.editHeader?.(header);
	const chunks = [chunk('IHDR', header), chunk('tEXt', Buffer.from('Comment\0made by the test', 'latin1'))];
	if (spec.palette) chunks.push(chunk('PLTE', Buffer.from(spec.palette.flat())));
	if (spec.trns) chunks.push(chunk('tRNS', spec.trns));
	const raw = rawImageData(spec);
	const compressed = spec.idat ?? deflateSync(spec.editRaw ? spec.editRaw(raw) : raw);
	// Split the image data over three IDAT chunks (one may be empty), as encoders do.
	const third = Math.floor(compressed.length / 3);
	chunks.push(
		chunk('IDAT', compressed.subarray(0, third)),
		chunk('IDAT', compressed.subarray(third, 2 * third)),
		chunk('IDAT', compressed.subarray(2 * third)),
	);
	chunks.push(chunk('IEND', Buffer.alloc(0)));
	return Buffer.concat([PNG_SIGNATURE, ...chunks]);
}

/** Where a chunk's type starts in a PNG (the length is the 4 bytes before). */
export function chunkOffset(png: Buffer, type: string): number {
	const at = png.indexOf(type, 8, 'latin1');
	if (at < 0) throw new Error(`no ${type} chunk`);
	return at;
}

/**
 * 8-bit RGBA pixels as a plain PNG (one IDAT, filter 0 on every row), at
 * once: the emulator's pictures and the tests' input images. The node's own
 * encoder is asynchronous (Compression Streams); fixtures are made here.
 */
export function rgbaPng({ width, height, data }: { width: number; height: number; data: Buffer }): Buffer {
	if (data.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${data.length}`);
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	header[9] = 6;
	const stride = width * 4;
	const rows = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) data.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
	return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
