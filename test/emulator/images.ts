import { rgbaPng } from './pngWriter';

export type Rgba = readonly [number, number, number, number];

/** Colours of grid quarters 1..4 (top-left, top-right, bottom-left, bottom-right). */
export const QUARTER_COLOURS: readonly Rgba[] = [
	[255, 0, 0, 255],
	[0, 255, 0, 255],
	[0, 0, 255, 255],
	[255, 255, 0, 255],
];

/** In-progress previews are the grid washed towards grey, so a client that keeps one is caught. */
export function previewColour([r, g, b, a]: Rgba): Rgba {
	return [(r + 128) >> 1, (g + 128) >> 1, (b + 128) >> 1, a];
}

const BLEND_RATIOS = { PORTRAIT: [2, 3], SQUARE: [1, 1], LANDSCAPE: [3, 2] } as const;
export type BlendDimensions = keyof typeof BLEND_RATIOS;
export const BLEND_DIMENSIONS = Object.keys(BLEND_RATIOS) as BlendDimensions[];

export function blendRatio(dimensions: BlendDimensions): [number, number] {
	const [w, h] = BLEND_RATIOS[dimensions];
	return [w, h];
}

/** The `--ar W:H` of a prompt, if any. */
export function aspectRatioOf(prompt: string): [number, number] | undefined {
	const match = prompt.match(/--(?:ar|aspect)\s+(\d+)\s*:\s*(\d+)/);
	if (!match) return undefined;
	const w = Number(match[1]);
	const h = Number(match[2]);
	return w > 0 && h > 0 ? [w, h] : undefined;
}

/** Picture size with `longSide` on the longer side; both sides even so quarters are whole. */
export function pictureSize(longSide: number, ratio: [number, number] = [1, 1]): { width: number; height: number } {
	const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
	const [w, h] = ratio;
	return w >= h
		? { width: even(longSide), height: even((longSide * h) / w) }
		: { width: even((longSide * w) / h), height: even(longSide) };
}

function paint(width: number, height: number, colourAt: (x: number, y: number) => Rgba): Buffer {
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const [r, g, b, a] = colourAt(x, y);
			const i = (y * width + x) * 4;
			data[i] = r;
			data[i + 1] = g;
			data[i + 2] = b;
			data[i + 3] = a;
		}
	}
	return rgbaPng({ width, height, data });
}

/** A 2x2 grid, quarter n filled with QUARTER_COLOURS[n-1]. */
export function renderGrid(width: number, height: number, preview = false): Buffer {
	const halfW = width / 2;
	const halfH = height / 2;
	return paint(width, height, (x, y) => {
		const colour = QUARTER_COLOURS[(y < halfH ? 0 : 2) + (x < halfW ? 0 : 1)];
		return preview ? previewColour(colour) : colour;
	});
}

export function renderFlat(width: number, height: number, colour: Rgba): Buffer {
	return paint(width, height, () => colour);
}

/** Width/height of a PNG from its IHDR, or undefined for anything else. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
	if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const DATA_URI = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i;

/** A `data:image/...;base64,...` URI split up, or undefined when it isn't one. */
export function parseDataUri(value: unknown): { contentType: string; body: Buffer } | undefined {
	if (typeof value !== 'string') return undefined;
	const match = value.match(DATA_URI);
	if (!match) return undefined;
	const body = Buffer.from(match[2], 'base64');
	return body.length > 0 ? { contentType: match[1].toLowerCase(), body } : undefined;
}

export function extensionOf(contentType: string): string {
	const sub = contentType.split('/')[1] ?? 'png';
	return sub === 'jpeg' ? 'jpg' : sub.replace(/[^a-z0-9]/g, '') || 'png';
}
