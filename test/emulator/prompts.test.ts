/**
 * The emulator refuses prompts as Midjourney does (the submit is answered
 * and logged as a created, charged task, which then ends in FAILURE with the
 * reason), and the upload endpoint stores files it serves by URL.
 */
import { rgbaPng } from './pngWriter';
import { useContractEmulator } from './contractClient';
import { DEFAULT_OPTIONS } from './index';
import { promptRefusal } from './promptRefusals';

const contract = useContractEmulator({ ...DEFAULT_OPTIONS, taskDurationMs: 100, auth: undefined });
const { post, get, local, waitTask } = contract;

describe('prompt refusals', () => {
	it.each([
		['a cat --stylise 250', 'Unrecognized parameter(s): `--stylise`'],
		['a cat --ar16:9', 'Unrecognized parameter(s): `--ar16:9`'],
		['a cat --chaos 101', 'Parameter --chaos must be between 0 and 100 (got 101)'],
		['a cat --ar 1.39:1', 'Invalid aspect ratio 1.39:1'],
		['a cat --cref https://x.test/a.png --v 7', '--cref is not compatible with this model version, use --oref'],
		['a cat --oref https://x.test/a.png --v 6.1', '--oref needs version 7 or later (got 6.1)'],
	])('%s: submitted (a created task in the log), then FAILURE "%s"', async (prompt, reason) => {
		const { json } = await post('/mj/submit/imagine', { prompt });
		expect(json.code).toBe(1);
		const id = String(json.result);
		expect(contract.emu.requests.filter((entry) => entry.createdTaskId === id)).toHaveLength(1);
		const { task } = await waitTask(id);
		expect(task).toMatchObject({ status: 'FAILURE', failReason: `Invalid parameter, ${reason}` });
	});

	it.each([
		'a cat --stylize 250 --ar 16:9 --v 7',
		'a cat --cref https://x.test/a.png --cw 50 --v 6.1',
		'a cat --oref https://x.test/a.png --ow 400 --v 7',
		'a cat \u2014ar 3:2 --no text, logos --raw --tile',
	])('takes %s', (prompt) => {
		expect(promptRefusal(prompt)).toBeUndefined();
	});

	it('refuses edits prompts alike', async () => {
		const image = `data:image/png;base64,${rgbaPng({ width: 4, height: 4, data: Buffer.alloc(64, 90) }).toString('base64')}`;
		const { json } = await post('/mj/submit/edits', { image, prompt: 'a bottle --foo' });
		expect(json.code).toBe(1);
		expect((await waitTask(String(json.result))).task.failReason).toBe('Invalid parameter, Unrecognized parameter(s): `--foo`');
	});
});

describe('upload-discord-images', () => {
	it('stores each file and serves it at its URL, byte for byte with its type', async () => {
		const png = rgbaPng({ width: 6, height: 5, data: Buffer.alloc(6 * 5 * 4, 33) });
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
		const { json } = await post('/mj/submit/upload-discord-images', {
			base64Array: [`data:image/png;base64,${png.toString('base64')}`, `data:image/jpeg;base64,${jpeg.toString('base64')}`],
		});
		expect(json.code).toBe(1);
		expect(json.result).toHaveLength(2);
		const [first, second] = await Promise.all((json.result as string[]).map(async (url) => await get(local(url))));
		expect([first.status, first.headers['content-type'], first.raw.equals(png)]).toEqual([200, 'image/png', true]);
		expect([second.status, second.headers['content-type'], second.raw.equals(jpeg)]).toEqual([200, 'image/jpeg', true]);
		// Uploads are not tasks: nothing is created or charged.
		expect(contract.emu.requests.some((entry) => entry.createdTaskId !== undefined)).toBe(false);
	});
});
