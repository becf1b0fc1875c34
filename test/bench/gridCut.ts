/**
 * Section 7 of the benchmark: cutting a grid into its four pictures
 * (`splitGrid`: PNG decode, crop, four PNG encodes), in this process, on the
 * emulator's grid and on a Midjourney-sized grid whose pixels compress like a
 * picture (a gradient with noise), not like flat colour.
 */
import { decodePng, encodePng, splitGrid } from '../../nodes/Midjourney/images/png';
import { renderGrid } from '../emulator/images';

export const GRID_HEADING = '## 7. Grid cutting';

/** 2048 x 2048 RGBA, smooth gradients with ±4 of deterministic noise, so it compresses about as a photograph does (not as flat colour). */
function pictureLikeGrid(size: number): Buffer {
	const data = Buffer.alloc(size * size * 4);
	let seed = 0x2545f491;
	const noise = () => {
		seed ^= seed << 13;
		seed ^= seed >>> 17;
		seed ^= seed << 5;
		return ((seed >>> 0) % 9) - 4;
	};
	const clamp = (value: number) => Math.max(0, Math.min(255, value));
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const i = (y * size + x) * 4;
			data[i] = clamp(((x * 255) / size + noise()) | 0);
			data[i + 1] = clamp(((y * 255) / size + noise()) | 0);
			data[i + 2] = clamp((((x + y) * 127) / size + noise()) | 0);
			data[i + 3] = 255;
		}
	}
	return data;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeSplit(png: Buffer, runs: number): Promise<{ splitMs: number; decodeMs: number; quarterBytes: number }> {
	const splits: number[] = [];
	const decodes: number[] = [];
	let quarterBytes = 0;
	for (let run = 0; run < runs; run++) {
		let started = performance.now();
		await decodePng(png);
		decodes.push(performance.now() - started);
		started = performance.now();
		const quarters = await splitGrid(png);
		splits.push(performance.now() - started);
		quarterBytes = quarters.reduce((sum, quarter) => sum + quarter.length, 0);
	}
	return { splitMs: median(splits), decodeMs: median(decodes), quarterBytes };
}

export interface GridCase {
	name: string;
	width: number;
	height: number;
	pngBytes: number;
	encodeMs: number;
	decodeMs: number;
	splitMs: number;
	quarterBytes: number;
}

export async function measureGridCutting(runs = 5): Promise<GridCase[]> {
	const cases: GridCase[] = [];
	for (const [name, width, make] of [
		['emulator grid (flat quarters)', 1024, async () => await renderGrid(1024, 1024)],
		['picture-like grid', 2048, async () => await encodePng({ width: 2048, height: 2048, data: pictureLikeGrid(2048) })],
	] as const) {
		const started = performance.now();
		const png = await make();
		const encodeMs = performance.now() - started;
		const { splitMs, decodeMs, quarterBytes } = await timeSplit(png, runs);
		cases.push({ name, width, height: width, pngBytes: png.length, encodeMs, decodeMs, splitMs, quarterBytes });
	}
	return cases;
}

export async function gridSection(): Promise<{ markdown: string; pass: boolean }> {
	const cases = await measureGridCutting();
	const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;
	const rows = cases
		.map(
			(entry) =>
				`| ${entry.name}, ${entry.width} × ${entry.height} | ${mb(entry.pngBytes)} | ${Math.round(entry.decodeMs)} ms | ${Math.round(entry.splitMs)} ms | ${mb(entry.quarterBytes)} | ${Math.round(entry.encodeMs)} ms |`,
		)
		.join('\n');
	const markdown = `${GRID_HEADING} (Output "One Item per Grid Image" without per-picture URLs)

\`splitGrid\`: decode the grid PNG, crop the four pictures, encode each as a PNG (zlib through the
runtime's \`CompressionStream\` / \`DecompressionStream\`). Median of 5 runs in the bench process.

| grid | PNG | decode | cut into 4 | the 4 PNGs | encoding the grid itself |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows}

Before (issue 17 replaced the package's hand-written DEFLATE, \`images/zlib.ts\`, with the Compression
Streams; both measured on this 2-core machine under the same load, three interleaved runs each, medians
of 5): picture-like 2048 × 2048 grid: cut 1176 / 1181 / 1564 ms before, 948 / 1028 / 863 ms after;
decode 674 / 500 / 783 ms before, 497 / 361 / 374 ms after. Emulator grid 1024 × 1024: cut
81 / 83 / 113 ms before, 70 / 81 / 84 ms after. Most of what remains is the PNG row filters, the pixel
conversion and the crop in JavaScript, not zlib.

Produced by \`npm run bench -- --grid-only\` (or with the whole run) on ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC.
`;
	return { markdown, pass: cases.every((entry) => entry.splitMs < 10_000) };
}

if (require.main === module) {
	void measureGridCutting().then((cases) => console.log(JSON.stringify(cases, null, 1)));
}
