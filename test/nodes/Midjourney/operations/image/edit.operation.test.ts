import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { binaryBuffer, chain, itemWithFiles, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, pngDataUri, useEmulator } from '../../emulatorSetup';

const emu = useEmulator({ imageUrls: false });

async function edit(parameters: IDataObject, triggerItems?: INodeExecutionData[]) {
	return await runWorkflow(chain(midjourneyNode('Edit', { operation: 'edit', waitingOptions: FAST, ...parameters })), {
		credentials: emu.credentials(),
		triggerItems,
	});
}

const editSubmits = () => emu.emulator.requests.filter((request) => request.kind === 'submit-edits');

describe('Image / Edit', () => {
	it('sends image and prompt to /mj/submit/edits and returns a grid with its split buttons', async () => {
		const image = pngDataUri(40);
		const result = await edit({ imageSource: 'url', imageUrl: image, prompt: 'the bottle on marble' });
		expect(result.error).toBeUndefined();
		expect(editSubmits().map((request) => [request.path, request.body])).toEqual([
			['/mj/submit/edits', { image, prompt: 'the bottle on marble' }],
		]);
		const [item] = result.output('Edit');
		const task = emu.emulator.tasks.get(String(item.json.taskId))!;
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'EDIT' });
		for (const [index, key] of ['U1', 'U2', 'U3', 'U4', 'reroll', 'V1', 'V2', 'V3', 'V4'].entries()) {
			expect(item.json[key]).toBe(task.buttons[index].customId);
		}
	});

	it('Mode Retexture sends the same body to /mj/submit/retexture', async () => {
		const url = 'https://example.com/product.jpg';
		const result = await edit({ imageSource: 'url', imageUrl: url, prompt: 'chrome and neon', editMode: 'retexture' });
		expect(result.error).toBeUndefined();
		expect(editSubmits().map((request) => [request.path, request.body])).toEqual([
			['/mj/submit/retexture', { image: url, prompt: 'chrome and neon' }],
		]);
		expect(result.output('Edit')[0].json.action).toBe('RETEXTURE');
	});

	it('takes the image from a binary property, and One Item per Grid Image with Download Image cuts the grid', async () => {
		const png = Buffer.from(pngDataUri(70).split(',')[1], 'base64');
		const result = await edit(
			{ imageSource: 'binary', binaryPropertyName: 'photo', prompt: 'a red label', waitingOptions: FAST, options: { output: 'gridImages', downloadImage: true } },
			[itemWithFiles({ photo: { data: png, mimeType: 'image/png' } })],
		);
		expect(result.error).toBeUndefined();
		expect((editSubmits()[0].body as IDataObject).image).toBe(`data:image/png;base64,${png.toString('base64')}`);
		const items = result.output('Edit');
		expect(items.map((item) => item.json.index)).toEqual([1, 2, 3, 4]);
		for (const item of items) {
			expect(item.binary?.data.mimeType).toBe('image/png');
			expect((await binaryBuffer(item.binary!.data)).subarray(1, 4).toString()).toBe('PNG');
			expect(String(item.json.U)).toContain(`upsample::${String(item.json.index)}`);
		}
	});

	it('returns at once when Wait for Completion is off', async () => {
		const result = await edit({ imageSource: 'url', imageUrl: pngDataUri(1), prompt: 'x', waitForCompletion: false });
		expect(['SUBMITTED', 'NOT_START']).toContain(result.output('Edit')[0].json.status);
		expect(emu.emulator.requests.filter((request) => request.kind === 'fetch' || request.kind === 'list')).toHaveLength(0);
	});

	it.each([
		['an empty prompt', { imageSource: 'url', imageUrl: pngDataUri(1), prompt: '={{ "  " }}' }, /prompt of item 0 is empty/],
		['no image', { imageSource: 'url', imageUrl: '={{ "" }}', prompt: 'x' }, /Image URL is empty.*/],
		['a wrong mode', { imageSource: 'url', imageUrl: pngDataUri(1), prompt: 'x', editMode: '={{ "paint" }}' }, /Mode must be Edit or Retexture/],
	])('refuses %s before sending anything', async (_case, parameters, message) => {
		const result = await edit(parameters);
		expect((result.error as { name?: string })?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(emu.emulator.requests).toHaveLength(0);
	});
});
