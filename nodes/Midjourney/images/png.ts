import { CompressionError, deflateZlib, inflateZlib } from './compression';

/**
 * PNG decode, crop and encode, enough to cut a Midjourney grid into its four
 * pictures without a dependency (zlib comes from the runtime's Compression
 * Streams, see compression.ts). Decoding covers the whole PNG 1.2 format
 * (all colour types and bit depths, palettes with transparency, Adam7
 * interlacing); everything is converted to 8-bit RGBA.
 */

/** A decoded image: 8-bit RGBA pixels, row after row. */
export interface RgbaImage {
	width: number;
	height: number;
	/** width * height * 4 bytes */
	data: Buffer;
}

export class PngError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PngError';
	}
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Larger grids than this are refused before allocating (Midjourney grids are ~2048 x 2048). */
const MAX_PIXELS = 64 * 1024 * 1024;

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
	for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGBA pixels as a non-interlaced PNG (filter 0 on every row). */
export async function encodePng(image: RgbaImage): Promise<Buffer> {
	const { width, height, data } = image;
	if (data.length !== width * height * 4) {
		throw new PngError(`expected ${width * height * 4} bytes of RGBA, got ${data.length}`);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // colour type RGBA
	const stride = width * 4;
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) {
		data.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
	}
	return Buffer.concat([
		PNG_SIGNATURE,
		chunk('IHDR', header),
		chunk('IDAT', await deflateZlib(raw)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

interface PngHeader {
	width: number;
	height: number;
	bitDepth: number;
	colourType: number;
	interlaced: boolean;
}

/** Samples per pixel for each colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<number, number[]> = {
	0: [1, 2, 4, 8, 16],
	2: [8, 16],
	3: [1, 2, 4, 8],
	4: [8, 16],
	6: [8, 16],
};

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
	[0, 0, 8, 8],
	[4, 0, 8, 8],
	[0, 4, 4, 8],
	[2, 0, 4, 4],
	[0, 2, 2, 4],
	[1, 0, 2, 2],
	[0, 1, 1, 2],
];

function readHeader(data: Buffer): PngHeader {
	if (data.length < 8 || !data.subarray(0, 8).equals(PNG_SIGNATURE))
		throw new PngError('not a PNG file');
	// Signature, then IHDR (length, type, 13 bytes, CRC): anything shorter cannot be read.
	if (data.length < 33) throw new PngError('the PNG is truncated (in its header)');
	if (data.toString('latin1', 12, 16) !== 'IHDR' || data.readUInt32BE(8) !== 13) {
		throw new PngError('the PNG is damaged (it does not start with a valid IHDR chunk)');
	}
	if (crc32(data.subarray(12, 29)) !== data.readUInt32BE(29)) {
		throw new PngError('the PNG is damaged (bad checksum in its IHDR chunk)');
	}
	const width = data.readUInt32BE(16);
	const height = data.readUInt32BE(20);
	const bitDepth = data[24];
	const colourType = data[25];
	if (!(colourType in CHANNELS) || !ALLOWED_DEPTHS[colourType].includes(bitDepth)) {
		throw new PngError(`unsupported PNG colour type ${colourType} with bit depth ${bitDepth}`);
	}
	if (width === 0 || height === 0) throw new PngError('the PNG has no pixels');
	if (width * height > MAX_PIXELS)
		throw new PngError(`the PNG is too large (${width} x ${height})`);
	if (data[26] !== 0 || data[27] !== 0)
		throw new PngError('unknown PNG compression or filter method');
	if (data[28] > 1) throw new PngError('unknown PNG interlace method');
	return { width, height, bitDepth, colourType, interlaced: data[28] === 1 };
}

/** Reverses the per-row filters of one (sub-)image in place; returns the unfiltered rows. */
function unfilter(
	raw: Uint8Array,
	offset: number,
	width: number,
	height: number,
	bitsPerPixel: number,
): Uint8Array {
	const stride = Math.ceil((width * bitsPerPixel) / 8);
	const bpp = Math.max(1, bitsPerPixel >> 3);
	const out = new Uint8Array(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[offset + y * (stride + 1)];
		const src = offset + y * (stride + 1) + 1;
		const row = y * stride;
		const up = row - stride;
		for (let x = 0; x < stride; x++) {
			const value = raw[src + x];
			const a = x >= bpp ? out[row + x - bpp] : 0;
			const b = y > 0 ? out[up + x] : 0;
			const c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
			let predicted: number;
			switch (filter) {
				case 0:
					predicted = 0;
					break;
				case 1:
					predicted = a;
					break;
				case 2:
					predicted = b;
					break;
				case 3:
					predicted = (a + b) >> 1;
					break;
				case 4: {
					const p = a + b - c;
					const pa = Math.abs(p - a);
					const pb = Math.abs(p - b);
					const pc = Math.abs(p - c);
					predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
					break;
				}
				default:
					throw new PngError(`invalid PNG row filter ${filter}`);
			}
			out[row + x] = (value + predicted) & 0xff;
		}
	}
	return out;
}

interface Palette {
	rgb?: Uint8Array;
	alpha?: Uint8Array;
	/** tRNS for grey / RGB: the sample values that mean "transparent". */
	transparent?: number[];
}

/** Writes the pixels of unfiltered rows into the RGBA image, at a pass's positions. */
function expandPixels(
	rows: Uint8Array,
	header: PngHeader,
	palette: Palette,
	target: Buffer,
	pass: { width: number; height: number; x0: number; y0: number; dx: number; dy: number },
): void {
	const { bitDepth, colourType, width: fullWidth } = header;
	const channels = CHANNELS[colourType];
	const stride = Math.ceil((pass.width * channels * bitDepth) / 8);
	const maxValue = (1 << bitDepth) - 1;
	const sample = (row: number, index: number): number => {
		if (bitDepth === 8) return rows[row + index];
		if (bitDepth === 16) return (rows[row + index * 2] << 8) | rows[row + index * 2 + 1];
		const bit = index * bitDepth;
		return (rows[row + (bit >> 3)] >> (8 - bitDepth - (bit & 7))) & maxValue;
	};
	const to8 = (value: number): number =>
		bitDepth === 16 ? value >> 8 : bitDepth === 8 ? value : Math.round((value * 255) / maxValue);
	const transparent = palette.transparent;
	for (let y = 0; y < pass.height; y++) {
		const row = y * stride;
		for (let x = 0; x < pass.width; x++) {
			const out = ((pass.y0 + y * pass.dy) * fullWidth + pass.x0 + x * pass.dx) * 4;
			const first = sample(row, x * channels);
			let r: number;
			let g: number;
			let b: number;
			let a = 255;
			switch (colourType) {
				case 0:
					r = g = b = to8(first);
					if (transparent && first === transparent[0]) a = 0;
					break;
				case 2: {
					const second = sample(row, x * 3 + 1);
					const third = sample(row, x * 3 + 2);
					r = to8(first);
					g = to8(second);
					b = to8(third);
					if (
						transparent &&
						first === transparent[0] &&
						second === transparent[1] &&
						third === transparent[2]
					)
						a = 0;
					break;
				}
				case 3: {
					if (!palette.rgb || first * 3 + 2 >= palette.rgb.length) {
						throw new PngError(`palette index ${first} is outside the PNG's palette`);
					}
					r = palette.rgb[first * 3];
					g = palette.rgb[first * 3 + 1];
					b = palette.rgb[first * 3 + 2];
					if (palette.alpha && first < palette.alpha.length) a = palette.alpha[first];
					break;
				}
				case 4:
					r = g = b = to8(first);
					a = to8(sample(row, x * 2 + 1));
					break;
				default:
					r = to8(first);
					g = to8(sample(row, x * 4 + 1));
					b = to8(sample(row, x * 4 + 2));
					a = to8(sample(row, x * 4 + 3));
			}
			target[out] = r;
			target[out + 1] = g;
			target[out + 2] = b;
			target[out + 3] = a;
		}
	}
}

/** Decodes any valid PNG into 8-bit RGBA; throws PngError on anything else. */
export async function decodePng(input: Uint8Array): Promise<RgbaImage> {
	const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
	const header = readHeader(data);
	const palette: Palette = {};
	const idat: Buffer[] = [];
	let pos = 8;
	let ended = false;
	while (pos + 12 <= data.length) {
		const length = data.readUInt32BE(pos);
		const type = data.toString('latin1', pos + 4, pos + 8);
		const end = pos + 12 + length;
		if (end > data.length) throw new PngError(`the PNG is truncated (in its ${type} chunk)`);
		const body = data.subarray(pos + 8, pos + 8 + length);
		if (crc32(data.subarray(pos + 4, pos + 8 + length)) !== data.readUInt32BE(pos + 8 + length)) {
			throw new PngError(`the PNG is damaged (bad checksum in its ${type} chunk)`);
		}
		if (type === 'IDAT') idat.push(body);
		else if (type === 'PLTE') palette.rgb = new Uint8Array(body);
		else if (type === 'tRNS') {
			if (header.colourType === 3) palette.alpha = new Uint8Array(body);
			else if (header.colourType === 0 && body.length >= 2)
				palette.transparent = [body.readUInt16BE(0)];
			else if (header.colourType === 2 && body.length >= 6) {
				palette.transparent = [body.readUInt16BE(0), body.readUInt16BE(2), body.readUInt16BE(4)];
			}
		} else if (type === 'IEND') {
			ended = true;
			break;
		}
		pos = end;
	}
	if (!ended || idat.length === 0)
		throw new PngError('the PNG is truncated (no image data or no end)');
	if (header.colourType === 3 && !palette.rgb) throw new PngError('the PNG has no palette');

	const { width, height, bitDepth, colourType, interlaced } = header;
	const bitsPerPixel = CHANNELS[colourType] * bitDepth;
	const passes = interlaced
		? ADAM7.map(([x0, y0, dx, dy]) => ({
				x0,
				y0,
				dx,
				dy,
				width: Math.ceil((width - x0) / dx),
				height: Math.ceil((height - y0) / dy),
			})).filter((pass) => pass.width > 0 && pass.height > 0)
		: [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
	const rawSize = passes.reduce(
		(sum, pass) => sum + (Math.ceil((pass.width * bitsPerPixel) / 8) + 1) * pass.height,
		0,
	);
	const raw = await inflateImageData(Buffer.concat(idat), rawSize);
	if (raw.length < rawSize) throw new PngError('the PNG image data is truncated');

	const rgba = Buffer.alloc(width * height * 4);
	let offset = 0;
	for (const pass of passes) {
		const rows = unfilter(raw, offset, pass.width, pass.height, bitsPerPixel);
		expandPixels(rows, header, palette, rgba, pass);
		offset += (Math.ceil((pass.width * bitsPerPixel) / 8) + 1) * pass.height;
	}
	return { width, height, data: rgba };
}

/** The image data, inflated to at most the size its header calls for (a bomb is refused there). */
async function inflateImageData(compressed: Uint8Array, size: number): Promise<Uint8Array> {
	let failure: unknown;
	try {
		return await inflateZlib(compressed, size);
	} catch (error) {
		failure = error;
	}
	// Outside the catch block: n8n's lint wants errors thrown there to be node errors.
	if (failure instanceof CompressionError)
		throw new PngError(`the PNG image data is damaged (${failure.message})`);
	throw failure;
}

/** A rectangle of an image, as a new image. */
export function cropImage(
	image: RgbaImage,
	left: number,
	top: number,
	width: number,
	height: number,
): RgbaImage {
	if (
		left < 0 ||
		top < 0 ||
		width <= 0 ||
		height <= 0 ||
		left + width > image.width ||
		top + height > image.height
	) {
		throw new PngError(
			`crop ${width}x${height}+${left}+${top} is outside the ${image.width}x${image.height} image`,
		);
	}
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		const from = ((top + y) * image.width + left) * 4;
		image.data.copy(data, y * width * 4, from, from + width * 4);
	}
	return { width, height, data };
}

/**
 * Cuts a 2x2 Midjourney grid into its four pictures, in button order:
 * 1 top left, 2 top right, 3 bottom left, 4 bottom right. Each is a PNG.
 */
export async function splitGrid(grid: Uint8Array): Promise<Buffer[]> {
	const image = await decodePng(grid);
	if (image.width < 2 || image.height < 2) throw new PngError('the grid is too small to cut');
	const halfWidth = Math.floor(image.width / 2);
	const halfHeight = Math.floor(image.height / 2);
	// On odd sizes the middle column / row belongs to neither picture: drop it.
	const right = image.width - halfWidth;
	const bottom = image.height - halfHeight;
	return await Promise.all(
		[
			[0, 0],
			[right, 0],
			[0, bottom],
			[right, bottom],
		].map(
			async ([left, top]) => await encodePng(cropImage(image, left, top, halfWidth, halfHeight)),
		),
	);
}
