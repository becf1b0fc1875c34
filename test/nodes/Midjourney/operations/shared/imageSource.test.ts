import type { IDataObject } from 'n8n-workflow';

import { rgbaPng } from '../../../../emulator/pngWriter';
import { chain, itemWithFiles, midjourneyNode, runWorkflow, type BinaryMode } from '../../../../harness';
import { FAST, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

const PNG = rgbaPng({ width: 3, height: 2, data: Buffer.alloc(24, 128) });
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF fake jpeg body')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x10, 0, 0, 0]), Buffer.from('WEBPVP8 fake')]);
const dataUri = (bytes: Buffer, mimeType: string) => `data:${mimeType};base64,${bytes.toString('base64')}`;

function submitBody(kind: string): IDataObject {
	const request = emu.emulator.requests.find((entry) => entry.kind === kind);
	expect(request).toBeDefined();
	return request!.body as IDataObject;
}

describe.each<BinaryMode>(['default', 'filesystem'])('images in, binary data mode %s', (binaryMode) => {
	it('Imagine sends every binary property of the item ("*") as data URIs of the right type', async () => {
		const files = itemWithFiles(
			{ photo: { data: PNG, mimeType: 'image/png' }, style: { data: JPEG, mimeType: 'application/octet-stream' } },
			{ prompt: 'a mug' },
		);
		const result = await runWorkflow(
			chain(
				midjourneyNode('Imagine', {
					operation: 'imagine',
					prompt: '={{ $json.prompt }}',
					imageSource: 'binary',
					binaryPropertyNames: '*',
					waitForCompletion: false,
				}),
			),
			{ credentials: emu.credentials(), triggerItems: [files], binaryMode },
		);
		expect(result.error).toBeUndefined();
		// The type comes from the bytes, not from the declared MIME type.
		expect(submitBody('submit-imagine').base64Array).toEqual([dataUri(PNG, 'image/png'), dataUri(JPEG, 'image/jpeg')]);
	});

	it('Blend takes named binary properties', async () => {
		const files = itemWithFiles({ a: { data: PNG, mimeType: 'image/png' }, b: { data: WEBP, mimeType: 'image/webp' } });
		const result = await runWorkflow(
			chain(
				midjourneyNode('Blend', {
					operation: 'blend',
					imageSource: 'binary',
					binaryPropertyNames: 'a, b',
					dimensions: 'PORTRAIT',
					waitingOptions: FAST,
				}),
			),
			{ credentials: emu.credentials(), triggerItems: [files], binaryMode },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Blend')[0].json.status).toBe('SUCCESS');
		expect(submitBody('submit-blend')).toMatchObject({
			base64Array: [dataUri(PNG, 'image/png'), dataUri(WEBP, 'image/webp')],
			dimensions: 'PORTRAIT',
		});
	});

	it('Describe sends a binary image as a data URI', async () => {
		const files = itemWithFiles({ data: { data: JPEG, mimeType: 'image/jpeg' } });
		const result = await runWorkflow(
			chain(
				midjourneyNode('Describe', {
					operation: 'describe',
					imageSource: 'binary',
					binaryPropertyName: 'data',
					waitForCompletion: false,
				}),
			),
			{ credentials: emu.credentials(), triggerItems: [files], binaryMode },
		);
		expect(result.error).toBeUndefined();
		expect(submitBody('submit-describe').base64).toBe(dataUri(JPEG, 'image/jpeg'));
	});
});

describe('images in: URLs, data URIs, masks', () => {
	it('Imagine downloads reference URLs and passes data URIs through', async () => {
		const first = await runWorkflow(chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a source', waitingOptions: FAST })), {
			credentials: emu.credentials(),
		});
		const url = String(first.output('Imagine')[0].json.imageUrl);
		const gridBytes = (await (await fetch(url)).arrayBuffer()) as ArrayBuffer;
		emu.emulator.requests.length = 0;
		const result = await runWorkflow(
			chain(
				midjourneyNode('Imagine', {
					operation: 'imagine',
					prompt: 'a remix',
					imageSource: 'url',
					imageUrls: `${url}\n${dataUri(PNG, 'image/png')}`,
					waitForCompletion: false,
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(submitBody('submit-imagine').base64Array).toEqual([
			dataUri(Buffer.from(gridBytes), 'image/png'),
			dataUri(PNG, 'image/png'),
		]);
	});

	it('Action takes a Vary (Region) mask from a binary property and submits the modal', async () => {
		const grid = await runWorkflow(
			chain(
				midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a room', waitingOptions: FAST }),
				midjourneyNode('U1', { operation: 'action', taskId: '={{ $json.taskId }}', button: 'U1', waitingOptions: FAST }),
			),
			{ credentials: emu.credentials() },
		);
		const parentId = String(grid.output('U1')[0].json.taskId);
		const mask = rgbaPng({ width: 2, height: 2, data: Buffer.alloc(16, 255) });
		const result = await runWorkflow(
			chain(
				midjourneyNode('Vary Region', {
					operation: 'action',
					taskId: parentId,
					button: 'Vary (Region)',
					actionOptions: { modalPrompt: 'a window', modalMaskBinaryProperty: 'mask' },
					waitingOptions: FAST,
				}),
			),
			{ credentials: emu.credentials(), triggerItems: [itemWithFiles({ mask: { data: mask, mimeType: 'image/png' } })] },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Vary Region')[0].json.status).toBe('SUCCESS');
		expect(submitBody('submit-modal')).toMatchObject({ prompt: 'a window', maskBase64: dataUri(mask, 'image/png') });
	});
});

describe('bad image inputs: clear errors, and no task created', () => {
	/** Item 0 is fine, item 1 is not: the error must name item 1, and nothing may be created for item 0 either. */
	async function expectRefused(parameters: IDataObject, files: ReturnType<typeof itemWithFiles>, message: RegExp) {
		const good = itemWithFiles(
			Object.fromEntries(['photo', 'img0', 'img1'].map((name) => [name, { data: PNG, mimeType: 'image/png' }])),
		);
		const result = await runWorkflow(chain(midjourneyNode('Node', parameters)), {
			credentials: emu.credentials(),
			triggerItems: [good, files],
		});
		expect((result.error as { name?: string } | undefined)?.name).toBe('NodeOperationError');
		expect(`${result.error?.message} ${(result.error as { description?: string }).description ?? ''}`).toMatch(message);
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
	}
	const describeBinary = { operation: 'describe', imageSource: 'binary', binaryPropertyName: 'photo' };

	it('a missing binary property names the item, the property and what the item has', async () => {
		const files = itemWithFiles({ image: { data: PNG, mimeType: 'image/png' } });
		await expectRefused(describeBinary, files, /Item 1 has no binary property "photo".*binary properties are: image/);
	});

	it('a file that is not PNG, JPEG, WebP or GIF', async () => {
		const files = itemWithFiles({ photo: { data: Buffer.from('just some text, not an image'), mimeType: 'image/png' } });
		await expectRefused(describeBinary, files, /"photo" of item 1 is not a PNG, JPEG, WebP or GIF/);
	});

	it('a file over the 10 MB limit', async () => {
		const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 1)]);
		const files = itemWithFiles({ photo: { data: big, mimeType: 'image/png' } });
		await expectRefused(describeBinary, files, /"photo" of item 1 is too large.*10 MB/s);
	});

	it.each([[1], [6]])('a blend of %i binary image(s)', async (count) => {
		const names = Array.from({ length: count }, (_, index) => `img${index}`);
		const files = itemWithFiles(Object.fromEntries(names.map((name) => [name, { data: PNG, mimeType: 'image/png' }])));
		await expectRefused(
			{ operation: 'blend', imageSource: 'binary', binaryPropertyNames: count === 1 ? '={{ $itemIndex === 0 ? "photo, img0" : "img0" }}' : '*', dimensions: 'SQUARE' },
			files,
			/item 1.*2.*5/is,
		);
	});

	it('a malformed data URI', async () => {
		await expectRefused(
			{ operation: 'describe', imageSource: 'url', imageUrl: '={{ $itemIndex === 1 ? "data:image/png;base64,@@not-base64@@" : "https://example.com/a.png" }}' },
			itemWithFiles({}),
			/data URI/,
		);
	});
});
