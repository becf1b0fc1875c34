import type { INodeExecutionData } from 'n8n-workflow';

import { decodePng } from '../../../../nodes/Midjourney/images/png';
import { QUARTER_COLOURS } from '../../../emulator';
import { binaryBuffer, chain, midjourneyNode, optionParameters, runWorkflow, type BinaryMode } from '../../../harness';
import { buildPng } from '../../../emulator/pngWriter';
import { FAST, useEmulator } from '../emulatorSetup';

const emu = useEmulator({ imageSize: 64 });

async function imagine(options: Record<string, unknown>, binaryMode: BinaryMode = 'default') {
	const result = await runWorkflow(
		chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'four pictures', ...optionParameters({ ...FAST, ...options }) })),
		{ credentials: emu.credentials(), binaryMode },
	);
	expect(result.error).toBeUndefined();
	return result.output('Imagine');
}

/** Every pixel of the item's picture is this colour. */
async function expectPicture(item: INodeExecutionData, colour: readonly number[]) {
	const image = await decodePng(await binaryBuffer(item.binary!.data));
	const expected = Buffer.alloc(image.data.length);
	for (let offset = 0; offset < expected.length; offset += 4) Buffer.from(colour).copy(expected, offset);
	expect(image.data.equals(expected)).toBe(true);
	return image;
}

describe('Download Image', () => {
	it.each<BinaryMode>(['default', 'filesystem'])('attaches the finished image as binary data (%s mode)', async (binaryMode) => {
		const [item] = await imagine({ downloadImage: true }, binaryMode);
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `midjourney-${item.json.taskId}.png` });
		const image = await decodePng(await binaryBuffer(binary));
		expect([image.width, image.height]).toEqual([64, 64]);
	});

	it('puts it in the field asked for, and attaches nothing when off', async () => {
		const [withField] = await imagine({ downloadImage: true, binaryPropertyName: 'hero' });
		expect(Object.keys(withField.binary!)).toEqual(['hero']);
		const [without] = await imagine({ downloadImage: false });
		expect(without.binary).toBeUndefined();
		expect(emu.emulator.requests.filter((request) => request.kind === 'image')).toHaveLength(1);
	});
});

describe('Output: One Item per Grid Image', () => {
	it('uses the server imageUrls: four items with index, picture URL and that picture U / V', async () => {
		emu.emulator.setOptions({ imageUrls: true });
		const items = await imagine({ output: 'gridImages', downloadImage: false });
		const task = emu.emulator.tasks.get(String(items[0].json.taskId))!;
		expect(items.map((item) => item.json.index)).toEqual([1, 2, 3, 4]);
		items.forEach((item, index) => {
			expect(item.json.imageUrl).toBe(task.imageUrls![index].url);
			expect(item.json.U).toBe(task.buttons[index].customId);
			expect(item.json.V).toBe(task.buttons[5 + index].customId);
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.binary).toBeUndefined();
		});
		// Nothing downloaded when not asked.
		expect(emu.emulator.requests.filter((request) => request.kind === 'image')).toHaveLength(0);
	});

	it('downloads each picture with Download Image on', async () => {
		emu.emulator.setOptions({ imageUrls: true });
		const items = await imagine({ output: 'gridImages', downloadImage: true });
		for (const [index, item] of items.entries()) {
			const image = await expectPicture(item, QUARTER_COLOURS[index]);
			expect([image.width, image.height]).toEqual([32, 32]);
			expect(item.binary!.data.fileName).toBe(`midjourney-${item.json.taskId}-${index + 1}.png`);
		}
	});

	it.each<BinaryMode>(['default', 'filesystem'])('cuts the grid itself without imageUrls (%s mode)', async (binaryMode) => {
		const items = await imagine({ output: 'gridImages' }, binaryMode);
		expect(items).toHaveLength(4);
		for (const [index, item] of items.entries()) {
			expect(item.json.index).toBe(index + 1);
			// No URL of its own: the picture is the binary, the grid stays reachable.
			expect(item.json.imageUrl).toBeUndefined();
			expect(item.json.gridImageUrl).toBe(emu.emulator.tasks.get(String(item.json.taskId))!.imageUrl);
			const image = await expectPicture(item, QUARTER_COLOURS[index]);
			expect([image.width, image.height]).toEqual([32, 32]);
		}
		expect(emu.emulator.requests.filter((request) => request.kind === 'image')).toHaveLength(1);
	});

	it.each([
		['16-bit RGB', { colourType: 2, bitDepth: 16 }],
		['palette', { colourType: 3, bitDepth: 4 }],
		['interlaced RGBA', { colourType: 6, bitDepth: 8, interlace: true }],
	] as const)('cuts a %s grid', async (_name, format) => {
		const colours = QUARTER_COLOURS.map((colour) => [...colour]);
		const quarter = (x: number, y: number) => (y < 32 ? 0 : 2) + (x < 32 ? 0 : 1);
		const png = buildPng({
			width: 64,
			height: 64,
			...format,
			palette: format.colourType === 3 ? colours.map((colour) => colour.slice(0, 3)) : undefined,
			pixel: (x, y) => {
				const colour = colours[quarter(x, y)];
				if (format.colourType === 3) return [quarter(x, y)];
				if (format.colourType === 2) return colour.slice(0, 3).map((value) => value * 257);
				return colour;
			},
		});
		emu.emulator.setOptions({ imageFilter: (original, { kind }) => (kind === 'grid' ? png : original) });
		const items = await imagine({ output: 'gridImages' });
		for (const [index, item] of items.entries()) await expectPicture(item, QUARTER_COLOURS[index]);
	});

	it('refuses a grid that is not a PNG, suggesting U1-U4', async () => {
		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
		emu.emulator.setOptions({ imageFilter: (png, { kind }) => (kind === 'grid' ? { body: jpeg, contentType: 'image/jpeg' } : png) });
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a jpeg grid', waitingOptions: FAST, options: { output: 'gridImages' } })),
			{ credentials: emu.credentials() },
		);
		const [taskId] = emu.emulator.createdTaskIds();
		expect(result.error?.message).toContain(taskId);
		expect((result.error as { description?: string }).description).toMatch(/U1-U4/);
	});

	it('keeps one item per task for tasks that are not grids (an upscale)', async () => {
		const result = await runWorkflow(
			chain(
				midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST }),
				midjourneyNode('U3', {
					operation: 'action',
					taskId: '={{ $json.taskId }}',
					button: 'U3',
					waitingOptions: FAST,
					options: { output: 'gridImages', downloadImage: true },
				}),
			),
			{ credentials: emu.credentials() },
		);
		const items = result.output('U3');
		expect(items).toHaveLength(1);
		await expectPicture(items[0], QUARTER_COLOURS[2]);
	});
});
