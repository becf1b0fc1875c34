import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { chain, itemWithFiles, midjourneyNode, runWorkflow } from '../../../../harness';
import { SECRET_KEY, everythingVisible, pngDataUri, useEmulator } from '../../emulatorSetup';
import { useEndpointlessServer } from '../../endpointlessServer';

const emu = useEmulator();
const oldServer = useEndpointlessServer();

const png = (shade: number) => Buffer.from(pngDataUri(shade).split(',')[1], 'base64');

async function upload(parameters: IDataObject, triggerItems?: INodeExecutionData[], baseUrl = emu.url) {
	return await runWorkflow(chain(midjourneyNode('Upload', { operation: 'upload', ...parameters })), {
		credentials: { cometApi: { apiKey: SECRET_KEY, baseUrl, authStyle: 'bearer' } },
		triggerItems,
	});
}

describe('Image / Upload Images', () => {
	it('turns binary images into URLs the server hosts, at once and without a task', async () => {
		const files = { a: { data: png(10), mimeType: 'image/png' }, b: { data: png(200), mimeType: 'image/png' } };
		const result = await upload({ imageSource: 'binary', binaryPropertyNames: 'a, b' }, [itemWithFiles(files)]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Upload');
		const urls = item.json.urls as string[];
		expect(urls).toHaveLength(2);
		expect(Object.keys(item.json)).toEqual(['urls']);
		expect(item.pairedItem).toEqual({ item: 0 });
		// The URLs serve the very bytes sent.
		for (const [index, file] of [files.a, files.b].entries()) {
			const served = Buffer.from(await (await fetch(urls[index])).arrayBuffer());
			expect(served.equals(file.data)).toBe(true);
		}
		const [submit] = emu.emulator.requests.filter((request) => request.kind === 'submit-upload');
		expect((submit.body as { base64Array: string[] }).base64Array).toEqual([pngDataUri(10), pngDataUri(200)]);
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
		expect(emu.emulator.requests.filter((request) => request.kind === 'fetch' || request.kind === 'list')).toHaveLength(0);
	});

	it('takes data URIs, one item per input item', async () => {
		const result = await upload({ imageSource: 'url', imageUrls: '={{ $json.image }}' }, [
			{ json: { image: pngDataUri(1) } },
			{ json: { image: pngDataUri(2) } },
		]);
		expect(result.error).toBeUndefined();
		const items = result.output('Upload');
		expect(items.map((item) => (item.json.urls as string[]).length)).toEqual([1, 1]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('refuses an item without images before sending anything', async () => {
		const result = await upload({ imageSource: 'binary', binaryPropertyNames: '*' }, [{ json: {} }]);
		expect((result.error as { name?: string })?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/no binary data/);
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('says plainly when the server does not offer the endpoint (404), without the key', async () => {
		const result = await upload({ imageSource: 'url', imageUrls: pngDataUri(3) }, undefined, oldServer.url);
		expect(result.error?.message).toBe('Upload Images is not offered by this server (HTTP 404)');
		expect(String((result.error as { description?: string }).description)).toContain(oldServer.url);
		expect(oldServer.paths).toEqual(['POST /mj/submit/upload-discord-images']);
		expect(everythingVisible(result)).not.toContain(SECRET_KEY);
	});
});
