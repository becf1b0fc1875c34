/**
 * Images in and out as n8n binary data (issue 4), through whole workflows
 * against the emulator: what each operation sends for binary properties,
 * URLs and data URIs; the refusals of bad inputs (before any task exists);
 * Download Image; and Output "One Item per Grid Image", checking the decoded
 * pixels of every picture. Both in-memory and filesystem binary data modes.
 */
import {
	NodeConnectionTypes,
	type IBinaryData,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
} from 'n8n-workflow';

import { MAX_IMAGE_BYTES } from '../../../nodes/Midjourney/images/inputChecks';
import { decodePng, type RgbaImage } from '../../../nodes/Midjourney/images/png';
import { rgbaPng } from '../../emulator/pngWriter';
import { QUARTER_COLOURS, type EmulatedTask } from '../../emulator';
import {
	binaryBuffer,
	chain,
	itemWithFiles,
	midjourneyNode,
	optionParameters,
	runWorkflow,
	type BinaryMode,
	type WorkflowResult,
} from '../../harness';
import { buildPng } from '../../emulator/pngWriter';
import { FAST, useEmulator } from './emulatorSetup';

const emu = useEmulator({ taskDurationMs: 100, imageSize: 64, concurrency: 20, queueSize: 40 });
const MODES: BinaryMode[] = ['default', 'filesystem'];

// ------------------------------------------------------------------ files

const PNG = rgbaPng({ width: 3, height: 2, data: Buffer.alloc(24, 128) });
const MASK = rgbaPng({ width: 4, height: 4, data: Buffer.alloc(64, 255) });
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 a small jpeg body')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x14, 0, 0, 0]), Buffer.from('WEBPVP8 a small webp body')]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0])]);
const TEXT = Buffer.from('<html><body>404 Not Found</body></html>');
const dataUri = (bytes: Buffer, mimeType: string) => `data:${mimeType};base64,${bytes.toString('base64')}`;

type Files = Parameters<typeof itemWithFiles>[0];
const file = (data: Buffer, mimeType = 'application/octet-stream') => ({ data, mimeType });

/**
 * A probe node that hands every input file to n8n's binary data service, as
 * a Read File or HTTP Request node does: in filesystem mode the files then
 * live on disk and the Midjourney node must read them through n8n's helpers.
 */
const STORE_FILES = 'test.storeFiles';
const storeFiles: INodeType = {
	description: {
		displayName: 'Store Files',
		name: 'storeFiles',
		group: ['transform'],
		version: 1,
		description: 'Test probe: stores input files with prepareBinaryData',
		defaults: { name: 'Store Files' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		for (const [index, item] of this.getInputData().entries()) {
			const binary: IBinaryKeyData = {};
			for (const [name, entry] of Object.entries(item.binary ?? {})) {
				binary[name] = await this.helpers.prepareBinaryData(Buffer.from(entry.data, 'base64'), entry.fileName, entry.mimeType);
			}
			output.push({ json: item.json, binary, pairedItem: { item: index } });
		}
		return [output];
	},
};

/** Where n8n keeps a binary: in the item (default mode) or on disk (filesystem mode). */
function expectStoredIn(binary: IBinaryData, mode: BinaryMode) {
	if (mode === 'filesystem') expect(binary.id).toMatch(/^filesystem/);
	else {
		expect(binary.id).toBeUndefined();
		expect(typeof binary.data).toBe('string');
	}
}

/** Trigger items (with their files) → Store Files → the Midjourney node. */
async function runWithFiles(
	parameters: IDataObject,
	items: INodeExecutionData[],
	mode: BinaryMode = 'default',
	extra: IDataObject = {},
): Promise<WorkflowResult> {
	const result = await runWorkflow(
		chain({ name: 'Store Files', type: STORE_FILES, parameters: {} }, midjourneyNode('Midjourney', parameters, extra)),
		{ credentials: emu.credentials(), triggerItems: items, binaryMode: mode, nodeTypes: { [STORE_FILES]: storeFiles } },
	);
	// The files really went through the binary data service in the mode under test.
	for (const item of result.output('Store Files')) for (const binary of Object.values(item.binary ?? {})) expectStoredIn(binary, mode);
	return result;
}

/** A workflow of Midjourney nodes only (trigger → nodes). */
async function runNodes(mode: BinaryMode, ...nodes: ReturnType<typeof midjourneyNode>[]): Promise<WorkflowResult> {
	return await runWorkflow(chain(...nodes), { credentials: emu.credentials(), binaryMode: mode });
}

function expectSuccess(result: WorkflowResult) {
	expect(result.error?.message).toBeUndefined();
}

function bodies(kind: string): IDataObject[] {
	return emu.emulator.requests.filter((request) => request.kind === kind).map((request) => request.body as IDataObject);
}

function imageRequests(): number {
	return emu.emulator.requests.filter((request) => request.kind === 'image').length;
}

function taskOf(item: INodeExecutionData): EmulatedTask {
	const task = emu.emulator.tasks.get(String(item.json.taskId));
	expect(task).toBeDefined();
	return task!;
}

/** A finished imagine grid: its item (with the image URL) and the exact bytes the server serves. */
async function finishedGrid(): Promise<{ url: string; bytes: Buffer; taskId: string }> {
	const result = await runNodes('default', midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a source grid', waitingOptions: FAST }));
	expectSuccess(result);
	const item = result.output('Imagine')[0];
	const url = String(item.json.imageUrl);
	const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
	return { url, bytes, taskId: String(item.json.taskId) };
}

/** Tasks in status MODAL (Vary (Region) pressed on an upscale, no prompt yet), ready for a Modal submit. */
async function modalTasks(count: number): Promise<string[]> {
	const upscale = await runNodes(
		'default',
		midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a room', waitingOptions: FAST }),
		midjourneyNode('U1', { operation: 'action', taskId: '={{ $json.taskId }}', button: 'U1', waitingOptions: FAST }),
	);
	expectSuccess(upscale);
	const parent = String(upscale.output('U1')[0].json.taskId);
	const result = await runWorkflow(
		chain(midjourneyNode('Vary Region', { operation: 'action', taskId: parent, button: 'Vary (Region)', waitingOptions: FAST })),
		{ credentials: emu.credentials(), triggerItems: Array.from({ length: count }, () => ({ json: {} })) },
	);
	expectSuccess(result);
	const items = result.output('Vary Region');
	expect(items.map((item) => item.json.status)).toEqual(Array(count).fill('MODAL'));
	emu.emulator.requests.length = 0;
	return items.map((item) => String(item.json.taskId));
}

// ------------------------------------------------------------------ pixels

function expectFlat(image: RgbaImage, colour: readonly number[], label: string) {
	const expected = Buffer.alloc(image.data.length);
	for (let offset = 0; offset < expected.length; offset += 4) Buffer.from(colour).copy(expected, offset);
	if (!image.data.equals(expected)) {
		const first = [...image.data.subarray(0, 4)];
		throw new Error(`${label}: not every pixel is ${colour.join(',')} (first pixel ${first.join(',')})`);
	}
}

/** The item's picture, decoded, after checking its binary metadata. */
async function picture(item: INodeExecutionData, property = 'data'): Promise<RgbaImage> {
	const binary = item.binary?.[property];
	expect(binary).toBeDefined();
	expect(binary!.mimeType).toBe('image/png');
	return await decodePng(await binaryBuffer(binary!));
}

/** The four grid items: index 1-4, that picture's U/V, and (when given) its pixels. */
async function expectGridItems(items: INodeExecutionData[], options: { binary: boolean; mode?: BinaryMode; size?: number }) {
	expect(items.map((item) => item.json.index)).toEqual([1, 2, 3, 4]);
	const task = taskOf(items[0]);
	const button = (label: string) => task.buttons.find((entry) => entry.label === label)?.customId;
	for (const [offset, item] of items.entries()) {
		const index = offset + 1;
		expect(item.json.taskId).toBe(task.id);
		expect(item.json.U).toBe(button(`U${index}`));
		expect(item.json.V).toBe(button(`V${index}`));
		expect(item.json.U).toBe(item.json[`U${index}`]);
		expect(item.json.V).toBe(item.json[`V${index}`]);
		expect(item.json.U).toMatch(new RegExp(`^MJ::JOB::upsample::${index}::`));
		if (!options.binary) {
			expect(item.binary).toBeUndefined();
			continue;
		}
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `midjourney-${task.id}-${index}.png` });
		if (options.mode) expectStoredIn(binary, options.mode);
		const image = await picture(item);
		const size = options.size ?? 32;
		expect([image.width, image.height]).toEqual([size, size]);
		expectFlat(image, QUARTER_COLOURS[offset], `picture ${index}`);
	}
}

// ------------------------------------------------------------------ images in

describe.each(MODES)('images in from binary properties (%s binary data mode)', (mode) => {
	it('Imagine: "*" sends every binary property, named ones in the order given, each with the MIME type of its bytes', async () => {
		// Declared MIME types are wrong or generic on purpose: the bytes decide.
		const files: Files = { png: file(PNG), jpeg: file(JPEG, 'image/png'), webp: file(WEBP), gif: file(GIF, 'text/plain') };
		const result = await runWithFiles(
			{
				operation: 'imagine',
				prompt: '={{ $json.prompt }}',
				imageSource: 'binary',
				binaryPropertyNames: '={{ $json.names }}',
				waitForCompletion: false,
			},
			[itemWithFiles(files, { prompt: 'all of them', names: '*' }), itemWithFiles(files, { prompt: 'two of them', names: ' gif ,png ' })],
			mode,
		);
		expectSuccess(result);
		const sent = Object.fromEntries(bodies('submit-imagine').map((body) => [body.prompt, body.base64Array]));
		expect(sent['all of them']).toEqual([
			dataUri(PNG, 'image/png'),
			dataUri(JPEG, 'image/jpeg'),
			dataUri(WEBP, 'image/webp'),
			dataUri(GIF, 'image/gif'),
		]);
		expect(sent['two of them']).toEqual([dataUri(GIF, 'image/gif'), dataUri(PNG, 'image/png')]);
		expect(result.output('Midjourney')).toHaveLength(2);
	});

	it('Blend: 2 named images and 5 ("*") images from binary properties', async () => {
		const five: Files = { a: file(PNG), b: file(JPEG), c: file(WEBP), d: file(GIF), e: file(MASK) };
		const result = await runWithFiles(
			{ operation: 'blend', imageSource: 'binary', binaryPropertyNames: '={{ $json.names }}', dimensions: 'LANDSCAPE', waitingOptions: FAST },
			[itemWithFiles({ first: file(JPEG), second: file(PNG) }, { names: 'second, first' }), itemWithFiles(five, { names: '*' })],
			mode,
		);
		expectSuccess(result);
		expect(result.output('Midjourney').map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
		const sent = bodies('submit-blend').map((body) => body.base64Array as string[]);
		expect(sent).toHaveLength(2);
		expect(sent).toContainEqual([dataUri(PNG, 'image/png'), dataUri(JPEG, 'image/jpeg')]);
		expect(sent).toContainEqual([
			dataUri(PNG, 'image/png'),
			dataUri(JPEG, 'image/jpeg'),
			dataUri(WEBP, 'image/webp'),
			dataUri(GIF, 'image/gif'),
			dataUri(MASK, 'image/png'),
		]);
		expect(bodies('submit-blend')[0].dimensions).toBe('LANDSCAPE');
	});

	it('Describe: the image from a binary property as `base64` (not `link`)', async () => {
		const result = await runWithFiles(
			{ operation: 'describe', imageSource: 'binary', binaryPropertyName: 'upload', waitForCompletion: false },
			[itemWithFiles({ upload: file(WEBP, 'image/webp') })],
			mode,
		);
		expectSuccess(result);
		const [body] = bodies('submit-describe');
		expect(body.base64).toBe(dataUri(WEBP, 'image/webp'));
		expect(body.link).toBeUndefined();
	});

	it('Modal and Action: the Vary (Region) mask from a binary property as `maskBase64`', async () => {
		const [forModal, forAction] = await modalTasks(2);
		const modal = await runWithFiles(
			{ operation: 'modal', taskId: forModal, prompt: 'a red door', maskSource: 'binary', maskBinaryProperty: 'mask', waitingOptions: FAST },
			[itemWithFiles({ mask: file(MASK, 'image/png') })],
			mode,
		);
		expectSuccess(modal);
		expect(modal.output('Midjourney')[0].json).toMatchObject({ taskId: forModal, status: 'SUCCESS' });
		expect(bodies('submit-modal')).toEqual([{ taskId: forModal, prompt: 'a red door', maskBase64: dataUri(MASK, 'image/png') }]);

		// The Action operation submits the dialog itself with its Modal Prompt and mask.
		emu.emulator.requests.length = 0;
		const parent = emu.emulator.tasks.get(forAction)!.parentId!;
		const action = await runWithFiles(
			{
				operation: 'action',
				taskId: parent,
				button: 'Vary (Region)',
				actionOptions: { modalPrompt: 'a window', modalMaskBinaryProperty: 'region' },
				waitingOptions: FAST,
			},
			[itemWithFiles({ region: file(MASK) })],
			mode,
		);
		expectSuccess(action);
		expect(action.output('Midjourney')[0].json.status).toBe('SUCCESS');
		expect(bodies('submit-modal')).toEqual([
			expect.objectContaining({ prompt: 'a window', maskBase64: dataUri(MASK, 'image/png') }),
		]);
	});
});

describe('images in from URLs', () => {
	it('Describe sends an http(s) URL as `link` without downloading it', async () => {
		const url = `${emu.url}/images/987654321.png?ex=1`;
		const result = await runNodes(
			'default',
			midjourneyNode('Describe', { operation: 'describe', imageSource: 'url', imageUrl: `  ${url}  `, waitForCompletion: false }),
		);
		expectSuccess(result);
		expect(bodies('submit-describe')).toEqual([{ link: url }]);
		expect(imageRequests()).toBe(0);
	});

	it('Imagine and Blend download URLs and send the bytes as data URIs with the MIME type of the bytes', async () => {
		const grid = await finishedGrid();
		// The quarters of the next grid are served as JPEG (with a misleading content type).
		emu.emulator.setOptions({
			imageUrls: true,
			imageFilter: (png, { kind }) => (kind === 'quarter' ? { body: JPEG, contentType: 'application/octet-stream' } : png),
		});
		const other = await runNodes('default', midjourneyNode('Imagine', { operation: 'imagine', prompt: 'jpeg quarters', waitingOptions: FAST }));
		const jpegUrl = String((other.output('Imagine')[0].json.imageUrls as string[])[1]);
		emu.emulator.requests.length = 0;

		const result = await runNodes(
			'default',
			midjourneyNode('Imagine', {
				operation: 'imagine',
				prompt: 'from urls',
				imageSource: 'url',
				// One per line, or several on one line separated by commas.
				imageUrls: `${grid.url}\n${jpegUrl}, ${dataUri(GIF, 'image/gif')}`,
				waitForCompletion: false,
			}),
			midjourneyNode('Blend', {
				operation: 'blend',
				imageSource: 'url',
				imageUrls: `={{ [${JSON.stringify(jpegUrl)}, ${JSON.stringify(grid.url)}] }}`,
				waitForCompletion: false,
			}),
		);
		expectSuccess(result);
		expect(bodies('submit-imagine')[0].base64Array).toEqual([
			dataUri(grid.bytes, 'image/png'),
			dataUri(JPEG, 'image/jpeg'),
			dataUri(GIF, 'image/gif'),
		]);
		expect(bodies('submit-blend')[0].base64Array).toEqual([dataUri(JPEG, 'image/jpeg'), dataUri(grid.bytes, 'image/png')]);
		expect(imageRequests()).toBe(4);
	});

	it('Modal downloads a mask URL and sends it as `maskBase64`', async () => {
		const grid = await finishedGrid();
		const [modalId] = await modalTasks(1);
		const result = await runNodes(
			'default',
			midjourneyNode('Modal', { operation: 'modal', taskId: modalId, prompt: 'a lamp', maskSource: 'url', maskUrl: grid.url, waitingOptions: FAST }),
		);
		expectSuccess(result);
		expect(bodies('submit-modal')[0]).toMatchObject({ taskId: modalId, maskBase64: dataUri(grid.bytes, 'image/png') });
	});
});

describe('images in as data URIs', () => {
	it('Imagine, Blend and Describe pass data URIs on, typed by their bytes, never as `link`', async () => {
		const pngDeclaredJpeg = dataUri(PNG, 'image/jpeg');
		const result = await runNodes(
			'default',
			midjourneyNode('Imagine', {
				operation: 'imagine',
				prompt: 'from data',
				imageSource: 'url',
				imageUrls: `${pngDeclaredJpeg},${dataUri(WEBP, 'image/webp')}`,
				waitForCompletion: false,
			}),
			midjourneyNode('Blend', {
				operation: 'blend',
				imageSource: 'url',
				imageUrls: `${dataUri(GIF, 'image/gif')}\n\n${dataUri(JPEG, 'image/jpeg')}\n`,
				waitForCompletion: false,
			}),
			midjourneyNode('Describe', {
				operation: 'describe',
				imageSource: 'url',
				// White space inside the base64, as pasted from a wrapped text.
				imageUrl: `data:image/png;base64,${PNG.toString('base64').replace(/(.{20})/g, '$1\n')}`,
				waitForCompletion: false,
			}),
		);
		expectSuccess(result);
		expect(bodies('submit-imagine')[0].base64Array).toEqual([dataUri(PNG, 'image/png'), dataUri(WEBP, 'image/webp')]);
		expect(bodies('submit-blend')[0].base64Array).toEqual([dataUri(GIF, 'image/gif'), dataUri(JPEG, 'image/jpeg')]);
		expect(bodies('submit-describe')).toEqual([{ base64: dataUri(PNG, 'image/png') }]);
		expect(imageRequests()).toBe(0);
	});

	it('Modal takes the mask as a data URI', async () => {
		const [modalId] = await modalTasks(1);
		const result = await runNodes(
			'default',
			midjourneyNode('Modal', {
				operation: 'modal',
				taskId: modalId,
				prompt: 'a plant',
				maskSource: 'url',
				maskUrl: dataUri(MASK, 'image/png'),
				waitingOptions: FAST,
			}),
		);
		expectSuccess(result);
		expect(bodies('submit-modal')[0]).toMatchObject({ maskBase64: dataUri(MASK, 'image/png') });
	});
});

// ------------------------------------------------------------------ bad inputs

/**
 * Runs the node on two items, item 0 fine and item 1 not: the error must name
 * item 1 (and the property), and no task may be created, not even item 0's.
 */
async function expectRefused(
	parameters: IDataObject,
	badItem: INodeExecutionData,
	message: RegExp,
	options: { mode?: BinaryMode; description?: RegExp; goodItem?: INodeExecutionData } = {},
) {
	const goodItem =
		options.goodItem ??
		itemWithFiles({ photo: file(PNG), a: file(PNG), b: file(JPEG), mask: file(MASK) }, { names: 'a, b', url: dataUri(PNG, 'image/png') });
	const tasksBefore = emu.emulator.createdTaskIds();
	const requestsBefore = emu.emulator.requests.length;
	const result = await runWithFiles(parameters, [goodItem, badItem], options.mode ?? 'default');
	expect(result.error).toBeDefined();
	expect(result.error!.message).toMatch(message);
	if (options.description) expect((result.error as { description?: string }).description).toMatch(options.description);
	expect((result.error as { context?: IDataObject }).context?.itemIndex).toBe(1);
	expect(emu.emulator.createdTaskIds()).toEqual(tasksBefore);
	expect(emu.emulator.requests.slice(requestsBefore).filter((request) => request.kind.startsWith('submit'))).toEqual([]);
	return result.error!;
}

const describeBinary = { operation: 'describe', imageSource: 'binary', binaryPropertyName: 'photo' };
const imagineBinary = { operation: 'imagine', prompt: 'x', imageSource: 'binary', binaryPropertyNames: 'photo' };
const blendBinary = { operation: 'blend', imageSource: 'binary', binaryPropertyNames: '={{ $json.names }}' };
const modalBinary = { operation: 'modal', taskId: '1234567', prompt: 'x', maskSource: 'binary', maskBinaryProperty: 'mask' };
const actionMask = {
	operation: 'action',
	taskId: '1234567',
	// A raw customId: no look-up of the parent task, so only the mask can fail.
	button: 'MJ::Inpaint::1::abcdef::SOLO',
	actionOptions: { modalPrompt: 'x', modalMaskBinaryProperty: 'mask' },
};

describe.each(MODES)('bad binary inputs: a clear error naming the item and the property, no task (%s mode)', (mode) => {
	it.each([
		['Imagine', imagineBinary, 'photo'],
		['Describe', describeBinary, 'photo'],
		['Blend', blendBinary, 'b'],
		['Modal', modalBinary, 'mask'],
		['Action (mask)', actionMask, 'mask'],
	])('%s: a missing binary property', async (_name, parameters, property) => {
		const bad = itemWithFiles({ other: file(PNG), a: file(PNG) }, { names: 'a, b' });
		await expectRefused(parameters, bad, new RegExp(`Item 1 has no binary property "${property}"`), {
			mode,
			description: /Its binary properties are: other, a\b/,
		});
	});

	it('an item without any binary data', async () => {
		await expectRefused(describeBinary, { json: {} }, /Item 1 has no binary property "photo"/, {
			mode,
			description: /no binary data at all/,
		});
		await expectRefused({ ...imagineBinary, binaryPropertyNames: '*' }, { json: {} }, /Item 1 has no binary data for the reference images/, {
			mode,
		});
	});

	it.each([
		['text declared as image/png', TEXT],
		['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj')],
		['a truncated PNG signature', PNG.subarray(0, 6)],
	])('a file that is not PNG, JPEG, WebP or GIF: %s', async (_name, bytes) => {
		for (const parameters of [describeBinary, imagineBinary, modalBinary]) {
			const property = parameters === modalBinary ? 'mask' : 'photo';
			await expectRefused(
				parameters,
				itemWithFiles({ [property]: file(bytes, 'image/png') }),
				new RegExp(`Binary property "${property}" of item 1 is not a PNG, JPEG, WebP or GIF image`),
				{ mode, description: /Convert the file first/ },
			);
		}
	});

	it('an empty file', async () => {
		await expectRefused(describeBinary, itemWithFiles({ photo: file(Buffer.alloc(0), 'image/png') }), /"photo" of item 1 is empty/, { mode });
	});

	it('a file over the 10 MB limit; a file of exactly 10 MB is sent', async () => {
		const tooBig = Buffer.concat([PNG, Buffer.alloc(MAX_IMAGE_BYTES + 1 - PNG.length)]);
		await expectRefused(
			describeBinary,
			itemWithFiles({ photo: file(tooBig, 'image/png') }),
			/Binary property "photo" of item 1 is too large \(10\.00 MB, the limit is 10 MB\)/,
			{ mode, description: /at most 10 MB/ },
		);
		const limit = Buffer.concat([PNG, Buffer.alloc(MAX_IMAGE_BYTES - PNG.length)]);
		const result = await runWithFiles({ ...describeBinary, waitForCompletion: false }, [itemWithFiles({ photo: file(limit) })], mode);
		expectSuccess(result);
		expect(bodies('submit-describe')[0].base64).toBe(dataUri(limit, 'image/png'));
	});

	it.each([1, 6])('a Blend of %i binary image(s)', async (count) => {
		const names = Array.from({ length: count }, (_, index) => `img${index}`);
		const bad = itemWithFiles(Object.fromEntries(names.map((name) => [name, file(PNG)])), { names: names.join(',') });
		await expectRefused(blendBinary, bad, new RegExp(`Blend needs 2 to 5 images; item 1 has ${count}`), { mode });
	});
});

describe('bad URLs and data URIs: a clear error naming the item, no task', () => {
	const urlItem = (url: string) => ({ json: { url } });
	const describeUrl = { operation: 'describe', imageSource: 'url', imageUrl: '={{ $json.url }}' };
	const imagineUrls = { operation: 'imagine', prompt: 'x', imageSource: 'url', imageUrls: '={{ $json.url }}' };
	const blendUrls = { operation: 'blend', imageSource: 'url', imageUrls: '={{ $json.url }}' };
	const good = { json: { url: `${dataUri(PNG, 'image/png')}\n${dataUri(JPEG, 'image/jpeg')}` } };

	it('an entry that is neither an http(s) URL nor a data URI', async () => {
		await expectRefused(imagineUrls, urlItem('ftp://example.com/a.png'), /An entry of Image URLs \(item 1\) is not an image URL or data URI: "ftp:/, {
			goodItem: good,
		});
		await expectRefused(describeUrl, urlItem('just a file name.png'), /Image URL of item 1 is not an image URL or data URI/, {
			goodItem: { json: { url: dataUri(PNG, 'image/png') } },
		});
	});

	it('a malformed data URI, and a data URI of something that is not an image', async () => {
		await expectRefused(imagineUrls, urlItem('data:image/png;base64,@@not base64@@'), /data URI for the reference images of item 1 is not valid/, {
			goodItem: good,
		});
		await expectRefused(imagineUrls, urlItem(dataUri(TEXT, 'image/png')), /data URI for the reference images of item 1 is not a PNG, JPEG, WebP or GIF/, {
			goodItem: good,
		});
	});

	it('a URL that answers 404, or serves something that is not an image', async () => {
		await expectRefused(imagineUrls, urlItem(`${emu.url}/images/55555.png`), /reference images of item 1.*HTTP 404/, { goodItem: good });
		const grid = await finishedGrid();
		emu.emulator.setOptions({ imageFilter: () => ({ body: TEXT, contentType: 'image/png' }) });
		await expectRefused(imagineUrls, urlItem(grid.url), /reference images of item 1 .* the answer is not an image \(PNG, JPEG, WebP or GIF\)/, { goodItem: good });
	});

	it.each([
		[1, [dataUri(PNG, 'image/png')]],
		[6, Array(6).fill(dataUri(PNG, 'image/png'))],
	])('a Blend of %i URL(s)', async (count, uris) => {
		await expectRefused(blendUrls, urlItem((uris as string[]).join('\n')), new RegExp(`Blend needs 2 to 5 images; item 1 has ${count}`), {
			goodItem: good,
		});
	});
});

// ------------------------------------------------------------------ Download Image

describe.each(MODES)('Download Image (%s binary data mode)', (mode) => {
	it('on: the finished grid as binary, image/png, named after the task, decodable, stored in the mode', async () => {
		const result = await runNodes(
			mode,
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST, options: { downloadImage: true } }),
		);
		expectSuccess(result);
		const [item] = result.output('Imagine');
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `midjourney-${item.json.taskId}.png` });
		expectStoredIn(binary, mode);
		const image = await picture(item);
		expect([image.width, image.height]).toEqual([64, 64]);
		// The grid's four quarters, in their colours.
		for (const [index, [x, y]] of [[0, 0], [63, 0], [0, 63], [63, 63]].entries()) {
			expect([...image.data.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4)]).toEqual([...QUARTER_COLOURS[index]]);
		}
		// The URL stays in the JSON; the bytes are not kept there as base64.
		expect(item.json.imageUrl).toBe(taskOf(item).imageUrl);
		expect(JSON.stringify(item.json)).not.toContain('base64');
	});

	it('on, for an upscale, in the binary property asked for', async () => {
		const result = await runNodes(
			mode,
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST, options: { downloadImage: false } }),
			midjourneyNode('U2', {
				operation: 'action',
				taskId: '={{ $json.taskId }}',
				button: 'U2',
				waitingOptions: FAST,
				options: { downloadImage: true, binaryPropertyName: 'picture' },
			}),
		);
		expectSuccess(result);
		const [item] = result.output('U2');
		expect(Object.keys(item.binary!)).toEqual(['picture']);
		expect(item.binary!.picture.fileName).toBe(`midjourney-${item.json.taskId}.png`);
		expectFlat(await picture(item, 'picture'), QUARTER_COLOURS[1], 'the U2 upscale');
		// Only the upscale was downloaded, not the grid before it.
		expect(imageRequests()).toBe(1);
	});

	it('on by default: the finished grid as binary, one download', async () => {
		const result = await runNodes(mode, midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST }));
		expectSuccess(result);
		const [item] = result.output('Imagine');
		expect(item.binary!.data.fileName).toBe(`midjourney-${item.json.taskId}.png`);
		expect(imageRequests()).toBe(1);
	});

	it('turned off: no binary, nothing downloaded', async () => {
		const result = await runNodes(
			mode,
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST, options: { downloadImage: false } }),
		);
		expectSuccess(result);
		expect(result.output('Imagine')[0].binary).toBeUndefined();
		expect(imageRequests()).toBe(0);
	});
});

describe('Download Image: type from the response, unfinished tasks', () => {
	it('a JPEG from the server is attached as image/jpeg with a .jpg name', async () => {
		emu.emulator.setOptions({ imageFilter: (png, { kind }) => (kind === 'grid' ? { body: JPEG, contentType: 'image/jpeg' } : png) });
		const result = await runNodes(
			'default',
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a jpeg', waitingOptions: FAST, options: { downloadImage: true } }),
		);
		expectSuccess(result);
		const [item] = result.output('Imagine');
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: `midjourney-${item.json.taskId}.jpg` });
		expect((await binaryBuffer(item.binary!.data)).equals(JPEG)).toBe(true);
	});

	it('nothing is downloaded for a task that is not finished (Wait for Completion off)', async () => {
		const result = await runNodes(
			'default',
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitForCompletion: false, options: { downloadImage: true } }),
		);
		expectSuccess(result);
		expect(result.output('Imagine')[0].binary).toBeUndefined();
		expect(imageRequests()).toBe(0);
	});
});

// ------------------------------------------------------------------ One Item per Grid Image

const gridImagine = (options: IDataObject = {}, prompt = 'four pictures') =>
	midjourneyNode('Imagine', { operation: 'imagine', prompt, ...optionParameters({ ...FAST, output: 'gridImages', ...options }) });

describe.each(MODES)('Output "One Item per Grid Image" (%s binary data mode)', (mode) => {
	it('with server imageUrls, Download Image off: four items with their own URL and U / V, no download', async () => {
		emu.emulator.setOptions({ imageUrls: true });
		const result = await runNodes(mode, gridImagine({ downloadImage: false }));
		expectSuccess(result);
		const items = result.output('Imagine');
		await expectGridItems(items, { binary: false });
		const task = taskOf(items[0]);
		items.forEach((item, offset) => {
			expect(item.json.imageUrl).toBe(task.imageUrls![offset].url);
			expect(item.pairedItem).toEqual({ item: 0 });
		});
		expect(imageRequests()).toBe(0);
	});

	it('with server imageUrls, Download Image on: each picture downloaded as its own binary', async () => {
		emu.emulator.setOptions({ imageUrls: true });
		const result = await runNodes(mode, gridImagine({ downloadImage: true }));
		expectSuccess(result);
		await expectGridItems(result.output('Imagine'), { binary: true, mode });
		expect(imageRequests()).toBe(4);
	});

	it.each([false, true])('without imageUrls (Download Image %s): the grid is cut here, one download', async (downloadImage) => {
		const result = await runNodes(mode, gridImagine({ downloadImage }));
		expectSuccess(result);
		const items = result.output('Imagine');
		await expectGridItems(items, { binary: true, mode });
		const task = taskOf(items[0]);
		for (const item of items) {
			expect(item.json.imageUrl).toBeUndefined();
			expect(item.json.gridImageUrl).toBe(task.imageUrl);
		}
		expect(imageRequests()).toBe(1);
	});
});

describe('Output "One Item per Grid Image": more tasks and formats', () => {
	it('two input items give eight items, each paired with its input', async () => {
		const result = await runWorkflow(chain(gridImagine({}, '={{ $json.prompt }}')), {
			credentials: emu.credentials(),
			triggerItems: [{ json: { prompt: 'first' } }, { json: { prompt: 'second' } }],
		});
		expectSuccess(result);
		const items = result.output('Imagine');
		expect(items).toHaveLength(8);
		expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
		await expectGridItems(items.slice(0, 4), { binary: true });
		await expectGridItems(items.slice(4), { binary: true });
		expect(items[0].json.prompt).toBe('first');
		expect(items[4].json.prompt).toBe('second');
	});

	it('a variation (V3) and a blend are grids too: four items with their own U / V', async () => {
		const result = await runNodes(
			'default',
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST }),
			midjourneyNode('V3', { operation: 'action', taskId: '={{ $json.taskId }}', button: 'V3', waitingOptions: FAST, options: { output: 'gridImages' } }),
		);
		expectSuccess(result);
		const variation = result.output('V3');
		expect(taskOf(variation[0]).action).toBe('VARIATION');
		await expectGridItems(variation, { binary: true });

		const blend = await runNodes(
			'default',
			midjourneyNode('Blend', {
				operation: 'blend',
				imageSource: 'url',
				imageUrls: `${dataUri(PNG, 'image/png')}\n${dataUri(MASK, 'image/png')}`,
				waitingOptions: FAST,
				options: { output: 'gridImages' },
			}),
		);
		expectSuccess(blend);
		await expectGridItems(blend.output('Blend'), { binary: true });
	});

	it('a JPEG grid without imageUrls cannot be cut: a clear error naming the task and suggesting U1-U4', async () => {
		emu.emulator.setOptions({ imageFilter: (png, { kind }) => (kind === 'grid' ? { body: JPEG, contentType: 'image/jpeg' } : png) });
		const result = await runNodes('default', gridImagine());
		const [taskId] = emu.emulator.createdTaskIds();
		expect(result.error?.message).toMatch(new RegExp(`grid image of task ${taskId} could not be cut: not a PNG`));
		expect((result.error as { description?: string }).description).toMatch(/U1.U4/);
		expect(result.output('Imagine')).toEqual([]);
	});

	it('a JPEG grid with imageUrls needs no cutting: the JPEG pictures are downloaded as they are', async () => {
		emu.emulator.setOptions({
			imageUrls: true,
			imageFilter: (png, { kind }) => (kind === 'quarter' ? { body: JPEG, contentType: 'image/jpeg' } : png),
		});
		const result = await runNodes('default', gridImagine({ downloadImage: true }));
		expectSuccess(result);
		for (const [offset, item] of result.output('Imagine').entries()) {
			expect(item.binary!.data).toMatchObject({ mimeType: 'image/jpeg', fileName: `midjourney-${item.json.taskId}-${offset + 1}.jpg` });
		}
	});

	it('a damaged PNG grid: a clear error, not garbage pictures', async () => {
		emu.emulator.setOptions({
			imageFilter: (png, { kind }) => {
				if (kind !== 'grid') return png;
				const damaged = Buffer.from(png);
				damaged[damaged.indexOf('IDAT') + 10] ^= 0xff;
				return damaged;
			},
		});
		const result = await runNodes('default', gridImagine());
		expect(result.error?.message).toMatch(/could not be cut: the PNG is damaged \(bad checksum in its IDAT chunk\)/);
	});

	it.each([
		['16-bit RGB', { colourType: 2, bitDepth: 16 }],
		['16-bit RGBA, interlaced', { colourType: 6, bitDepth: 16, interlace: true }],
		['2-bit palette', { colourType: 3, bitDepth: 2 }],
		['8-bit palette, interlaced', { colourType: 3, bitDepth: 8, interlace: true }],
		['8-bit RGBA, interlaced, Paeth rows', { colourType: 6, bitDepth: 8, interlace: true, filter: 4 }],
	] as const)('a %s grid served by the server is cut correctly', async (_name, format) => {
		const quarter = (x: number, y: number) => (y < 32 ? 0 : 2) + (x < 32 ? 0 : 1);
		const png = buildPng({
			width: 64,
			height: 64,
			...format,
			palette: format.colourType === 3 ? QUARTER_COLOURS.map((colour) => colour.slice(0, 3)) : undefined,
			pixel: (x, y) => {
				const colour = QUARTER_COLOURS[quarter(x, y)];
				if (format.colourType === 3) return [quarter(x, y)];
				const samples = format.colourType === 2 ? colour.slice(0, 3) : [...colour];
				return format.bitDepth === 16 ? samples.map((value) => value * 257) : samples;
			},
		});
		emu.emulator.setOptions({ imageFilter: (original, { kind }) => (kind === 'grid' ? png : original) });
		const result = await runNodes('default', gridImagine());
		expectSuccess(result);
		await expectGridItems(result.output('Imagine'), { binary: true });
	});

	it('an upscale is not a grid: one item, with its picture when Download Image is on', async () => {
		const result = await runNodes(
			'default',
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a grid', waitingOptions: FAST }),
			midjourneyNode('U4', {
				operation: 'action',
				taskId: '={{ $json.taskId }}',
				button: 'U4',
				waitingOptions: FAST,
				options: { output: 'gridImages', downloadImage: true },
			}),
		);
		expectSuccess(result);
		const items = result.output('U4');
		expect(items).toHaveLength(1);
		expect(items[0].json.index).toBeUndefined();
		expectFlat(await picture(items[0]), QUARTER_COLOURS[3], 'the U4 upscale');
	});
});
