/**
 * The prompt check, the Prompt Parameters fields and References in real
 * workflow runs against the emulator: what is refused submits nothing (while
 * the same prompt sent unchecked is charged and fails), fields and text never
 * both set a flag, and each distinct file is uploaded once.
 */
import { request } from 'undici';

import { rgbaPng } from '../../../emulator/pngWriter';
import { chain, itemWithFiles, midjourneyNode, runWorkflow } from '../../../harness';
import { WaitingExecutions } from '../../../harness/waiting';
import { FAST, SECRET_KEY, useEmulator } from '../emulatorSetup';

const emu = useEmulator({ taskDurationMs: 150 });

const submits = () => emu.emulator.requests.filter((entry) => entry.kind.startsWith('submit-') && entry.kind !== 'submit-upload');
const uploads = () => emu.emulator.requests.filter((entry) => entry.kind === 'submit-upload');
const submittedPrompts = () => submits().map((entry) => (entry.body as { prompt: string }).prompt);
const png = (shade: number) => rgbaPng({ width: 4, height: 4, data: Buffer.alloc(64, shade) });

async function imagine(parameters: Record<string, unknown>, triggerItems?: ReturnType<typeof itemWithFiles>[]) {
	return await runWorkflow(chain(midjourneyNode('Imagine', { operation: 'imagine', waitingOptions: FAST, ...parameters })), {
		credentials: emu.credentials(),
		triggerItems,
	});
}

describe('Prompt Check: Refuse (the default)', () => {
	it.each([
		['a fox --stylise 250', '`--stylise` is not a Midjourney parameter', 'Did you mean `--stylize`?'],
		['a fox --ar16:9', '`--ar16:9` is not a Midjourney parameter', 'Did you mean `--ar 16:9`?'],
		['a fox --chaos 101', '`--chaos 101` is out of range', '--chaos takes 0–100'],
		['a fox --cref https://cdn.example.com/me.png --v 7', '--cref (Character Reference) works on V6 and Niji 6 only, not V7', '--oref'],
	])('%s submits nothing; sent unchecked, the same prompt is charged and fails', async (prompt, message, fix) => {
		const refused = await imagine({ prompt });
		expect(refused.error?.message).toBe(`The prompt of item 0 was refused before sending: ${message}`);
		expect(refused.error?.description).toContain(fix);
		expect(refused.error?.description).toContain('Nothing was sent or charged');
		expect(emu.emulator.requests).toHaveLength(0);

		const raw = await imagine({ prompt, promptCheck: 'off' });
		expect(emu.emulator.createdTaskIds()).toHaveLength(1);
		expect(submits()).toHaveLength(1);
		expect(raw.error?.message).toMatch(/^Midjourney task \d+ failed: Invalid parameter, /);
		expect(JSON.stringify(raw.error)).not.toContain(SECRET_KEY);
	});

	it('-ar 16:9 submits nothing; sent unchecked it is charged and the one-dash flag is drawn as text (a square grid)', async () => {
		const refused = await imagine({ prompt: 'a fox -ar 16:9' });
		expect(refused.error?.message).toBe('The prompt of item 0 was refused before sending: `-ar` has one dash');
		expect(refused.error?.description).toContain('Did you mean `--ar`?');
		expect(emu.emulator.requests).toHaveLength(0);
		const raw = await imagine({ prompt: 'a fox -ar 16:9', promptCheck: 'off' });
		expect(emu.emulator.createdTaskIds()).toHaveLength(1);
		const task = emu.emulator.tasks.get(String(raw.output('Imagine')[0].json.taskId))!;
		const { kind, width, height } = task.picture as { kind: string; width: number; height: number };
		expect([kind, width]).toEqual(['grid', height]);
	});

	it('refuses the whole batch before any item is submitted', async () => {
		const result = await imagine({ prompt: '={{ $json.prompt }}' }, [
			{ json: { prompt: 'a good fox --ar 16:9' } },
			{ json: { prompt: 'a bad fox --stylize 5000' } },
		] as never);
		expect(result.error?.message).toBe('The prompt of item 1 was refused before sending: `--stylize 5000` is out of range');
		expect(submits()).toHaveLength(0);
	});

	it('passes a valid prompt untouched', async () => {
		const prompt = 'a lighthouse \u2014ar 21:9 --s 250 --no text, watermark --raw --v 7';
		const result = await imagine({ prompt });
		expect(result.error).toBeUndefined();
		expect(submittedPrompts()).toEqual([prompt]);
		expect(result.output('Imagine')[0].json).not.toHaveProperty('promptWarnings');
	});
});

describe('Prompt Check: Warn and Off', () => {
	// The emulator takes --hd on V7; the check knows it is a V8 switch.
	const prompt = 'a lighthouse --hd --v 7';

	it('Warn sends the prompt and lists the problems in the output', async () => {
		const result = await imagine({ prompt, promptCheck: 'warn' });
		expect(result.error).toBeUndefined();
		expect(submittedPrompts()).toEqual([prompt]);
		expect(result.output('Imagine')[0].json.promptWarnings).toEqual(['--hd needs V8 or later, not V7. Choose a version that takes it, or remove it.']);
	});

	it('Off sends it unchecked, without warnings', async () => {
		const result = await imagine({ prompt, promptCheck: 'off' });
		expect(result.error).toBeUndefined();
		expect(submittedPrompts()).toEqual([prompt]);
		expect(result.output('Imagine')[0].json).not.toHaveProperty('promptWarnings');
	});

	it('Warn keeps its warnings through a Callback park and resume', async () => {
		// Long enough for the park to be stored before the task ends, however busy the machine.
		emu.emulator.setOptions({ taskDurationMs: 2000 });
		const waiting = new WaitingExecutions();
		await waiting.start();
		try {
			const workflow = chain(midjourneyNode('Imagine', { operation: 'imagine', prompt, promptCheck: 'warn', waitingOptions: { ...FAST, waitMode: 'callback' } }));
			const parked = await waiting.run(workflow, { credentials: emu.credentials() });
			expect(parked.run.status).toBe('waiting');
			const resumed = await waiting.ended(parked.executionId);
			const [item] = resumed.output('Imagine');
			expect(item.json).toMatchObject({ status: 'SUCCESS', promptWarnings: ['--hd needs V8 or later, not V7. Choose a version that takes it, or remove it.'] });
		} finally {
			await waiting.close();
		}
	});

	it('an unknown mode is refused', async () => {
		const result = await imagine({ prompt, promptCheck: 'sometimes' });
		expect(result.error?.message).toBe('Prompt Check of item 0 is "sometimes"');
		expect(emu.emulator.requests).toHaveLength(0);
	});
});

describe('Prompt Parameters fields', () => {
	it('are appended as flags after the text', async () => {
		const result = await imagine({
			prompt: 'a red fox in the snow',
			promptParameters: {
				aspectRatio: '16:9',
				version: '7',
				stylize: 250,
				chaos: 10,
				weird: 5,
				quality: '2',
				raw: true,
				seed: 42,
				exclude: 'text, watermark',
				tile: false,
				draft: true,
				personalize: true,
				personalizationCodes: 'abc123',
			},
		});
		expect(result.error).toBeUndefined();
		expect(submittedPrompts()).toEqual([
			'a red fox in the snow --v 7 --ar 16:9 --s 250 --c 10 --w 5 --q 2 --raw --seed 42 --no text, watermark --draft --p abc123',
		]);
	});

	it('Niji and a custom ratio', async () => {
		await imagine({ prompt: 'a cat', waitForCompletion: false, promptParameters: { version: 'niji 6', aspectRatio: 'custom', customAspectRatio: '7:4' } });
		expect(submittedPrompts()).toEqual(['a cat --niji 6 --ar 7:4']);
	});

	it.each([
		[{ aspectRatio: '16:9' }, 'a fox --ar 4:3', 'The Aspect Ratio field sets `--ar 16:9` and the prompt of item 0 has `--ar 4:3`', 'Remove `--ar 4:3`'],
		[{ stylize: 250 }, 'a fox --stylize 100', 'The Stylize field sets `--s 250` and the prompt of item 0 has `--stylize 100`', 'clear the Stylize field'],
		[{ version: '7' }, 'a fox --niji 6', 'The Version field sets `--v 7` and the prompt of item 0 has `--niji 6`', ''],
		[{ raw: true }, 'a fox --raw', 'The Raw field sets `--raw` and the prompt of item 0 has `--raw`', ''],
	])('a field and the text both setting a flag is refused, naming both (%j, %s)', async (promptParameters, prompt, message, fix) => {
		// Refused whatever the check mode: never sent twice, never silently overridden.
		for (const promptCheck of ['refuse', 'off']) {
			const result = await imagine({ prompt, promptParameters, promptCheck });
			expect(result.error?.message).toBe(message);
			expect(result.error?.description).toContain(fix);
		}
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('a field value out of range is refused like a typed one', async () => {
		const result = await imagine({ prompt: 'a fox', promptParameters: { chaos: 150 } });
		expect(result.error?.message).toBe('The prompt of item 0 was refused before sending: `--c 150` is out of range');
		expect(emu.emulator.requests).toHaveLength(0);
	});
});

describe('References', () => {
	const brandStyle = png(200);
	const products = [png(10), png(90)];
	const items = () =>
		products.map((product, index) => itemWithFiles({ style: { data: brandStyle, mimeType: 'image/png' }, product: { data: product, mimeType: 'image/png' } }, { index }));
	const references = {
		reference: [
			{ kind: 'style', source: 'binary', binaryPropertyName: 'style' },
			{ kind: 'omni', source: 'binary', binaryPropertyName: 'product' },
			{ kind: 'image', source: 'url', url: 'https://cdn.example.com/scene.jpg' },
		],
	};

	it('uploads each distinct file once and puts the URLs in the submitted prompts', async () => {
		const result = await imagine(
			{ prompt: 'a product shot on marble', references, promptParameters: { version: '7', styleWeight: 300, omniWeight: 400 } },
			items(),
		);
		expect(result.error).toBeUndefined();
		// Two items share the brand style: three distinct files, three uploads.
		expect(uploads()).toHaveLength(3);
		const uploaded = uploads().map((entry) => (entry.body as { base64Array: string[] }).base64Array);
		expect(uploaded.every((list) => list.length === 1)).toBe(true);
		const prompts = submittedPrompts();
		expect(prompts).toHaveLength(2);
		const pattern = /^https:\/\/cdn\.example\.com\/scene\.jpg a product shot on marble --v 7 --sw 300 --ow 400 --sref (\S+) --oref (\S+)$/;
		const [first, second] = prompts.map((prompt) => pattern.exec(prompt));
		expect(first && second).toBeTruthy();
		expect(first![1]).toBe(second![1]);
		expect(first![2]).not.toBe(second![2]);
		// The URLs serve the files themselves.
		for (const [url, bytes] of [
			[first![1], brandStyle],
			[first![2], products[0]],
			[second![2], products[1]],
		] as const) {
			const response = await request(url);
			expect(Buffer.from(await response.body.arrayBuffer()).equals(bytes)).toBe(true);
		}
		expect(result.output('Imagine').map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
		expect(result.output('Imagine').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('one file used twice in one item (style and image prompt) is uploaded once', async () => {
		const result = await imagine(
			{
				prompt: 'a poster',
				waitForCompletion: false,
				references: {
					reference: [
						{ kind: 'image', source: 'binary', binaryPropertyName: 'style' },
						{ kind: 'style', source: 'binary', binaryPropertyName: 'style' },
					],
				},
			},
			[items()[0]],
		);
		expect(result.error).toBeUndefined();
		expect(uploads()).toHaveLength(1);
		const url = submittedPrompts()[0].split(' ')[0];
		expect(submittedPrompts()).toEqual([`${url} a poster --sref ${url}`]);
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/attachments\//);
	});

	it('a refused prompt uploads nothing', async () => {
		const result = await imagine({ prompt: 'a product shot', references, promptParameters: { version: '6.1' } }, items());
		expect(result.error?.message).toBe('The prompt of item 0 was refused before sending: --oref needs V7 or later, not V6.1');
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('a reference and the same flag typed in the prompt are refused', async () => {
		const result = await imagine(
			{ prompt: 'a product shot --sref random', references: { reference: [{ kind: 'style', source: 'url', url: 'https://cdn.example.com/s.png' }] } },
		);
		expect(result.error?.message).toBe(
			'The Style Reference field sets `--sref (https://cdn.example.com/s.png)` and the prompt of item 0 has `--sref random`',
		);
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('a missing binary property names the ones there are', async () => {
		const result = await imagine({ prompt: 'a shot --v 7', references: { reference: [{ kind: 'omni', source: 'binary', binaryPropertyName: 'logo' }] } }, items());
		expect(result.error?.message).toBe('Item 0 has no binary property "logo" for the omni reference');
		expect(result.error?.description).toContain('style, product');
		expect(uploads()).toHaveLength(0);
	});
});

describe('Animate and Edit', () => {
	it("Animate refuses --motion typed into the prompt against the Motion field", async () => {
		const result = await runWorkflow(
			chain(
				midjourneyNode('Animate', {
					operation: 'animate',
					source: 'image',
					imageSource: 'url',
					imageUrl: 'https://cdn.example.com/frame.png',
					motion: 'low',
					prompt: 'waves roll in --motion high',
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error?.message).toBe('The Motion field sets `--motion low` and the prompt of item 0 has `--motion high`');
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('Edit appends its Prompt Parameters and checks the prompt', async () => {
		const image = `data:image/png;base64,${png(60).toString('base64')}`;
		const edit = (prompt: string) =>
			chain(
				midjourneyNode('Edit', {
					operation: 'edit',
					imageSource: 'url',
					imageUrl: image,
					prompt,
					promptParameters: { aspectRatio: '4:5' },
					waitForCompletion: false,
				}),
			);
		const refused = await runWorkflow(edit('the bottle on marble --stylise 200'), { credentials: emu.credentials() });
		expect(refused.error?.message).toBe('The prompt of item 0 was refused before sending: `--stylise` is not a Midjourney parameter');
		expect(emu.emulator.requests).toHaveLength(0);
		await runWorkflow(edit('the bottle on marble'), { credentials: emu.credentials() });
		expect(submittedPrompts()).toEqual(['the bottle on marble --ar 4:5']);
	});
});
