/*
 * Version-dependent buttons, as the reference server builds them
 * (trueai-org/midjourney-proxy, src/Midjourney.Base/Models/CustomComponentModel.cs
 * and TaskInfo.OnUpscaleButtons / GetVersion; Utils/MjPromptParser.cs).
 */
import { decodeRgbaPng, useContractEmulator } from './contractClient';
import { DEFAULT_OPTIONS, type EmulatorOptions } from './index';
import { defaultVersionFromEnv, promptParameters, renderingOf, taskVersion } from './versions';

const TEST_OPTIONS: Partial<EmulatorOptions> = {
	...DEFAULT_OPTIONS,
	taskDurationMs: 120,
	concurrency: 10,
	defaultVersion: '8.1',
	auth: undefined,
	logger: undefined,
};
const contract = useContractEmulator(TEST_OPTIONS);
const { post, get, local, waitTask, press } = contract;

const labels = (task: any): string[] => task.buttons.map((b: any) => b.label || b.emoji);

async function finished(path: string, body: Record<string, unknown>) {
	const { json } = await post(path, body);
	expect(json.code).toBe(1);
	return (await waitTask(String(json.result))).task;
}

/** Imagine `prompt`, press U1 and return the finished upscale. */
async function upscaleOf(prompt: string, extra: Record<string, unknown> = {}) {
	const grid = await finished('/mj/submit/imagine', { prompt, ...extra });
	expect(labels(grid)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
	const u1 = await press(grid, 'U1');
	expect(u1.json.code).toBe(1);
	return (await waitTask(String(u1.json.result))).task;
}

const V8_UPSCALE = ['Vary (Subtle)', 'Vary (Strong)', 'Vary (Region)', 'Animate (High motion)', 'Animate (Low motion)', '🔄'];
const V7_UPSCALE = [
	'Upscale (Subtle)',
	'Upscale (Creative)',
	'Vary (Subtle)',
	'Vary (Strong)',
	'Vary (Region)',
	'Zoom Out 2x',
	'Zoom Out 1.5x',
	'Custom Zoom',
	'⬅️',
	'➡️',
	'⬆️',
	'⬇️',
	'Animate (High motion)',
	'Animate (Low motion)',
	'🔄',
];

describe('the version of a prompt', () => {
	it('reads --version, then --v, then --niji, else the default', () => {
		expect(taskVersion('a boat', 'MID_JOURNEY')).toBe('v 8.1');
		expect(taskVersion('a boat', 'MID_JOURNEY', '7')).toBe('v 7');
		expect(taskVersion('a boat --ar 16:9 --v 6.1', 'MID_JOURNEY')).toBe('v 6.1');
		expect(taskVersion('a boat --version 5.2 --v 7', 'MID_JOURNEY')).toBe('v 5.2');
		expect(taskVersion('a boat --V 7 --stylize 100', 'MID_JOURNEY')).toBe('v 7');
		expect(taskVersion('a boat --niji 6', 'MID_JOURNEY')).toBe('niji 6');
		expect(taskVersion('a boat --niji', 'MID_JOURNEY')).toBe('niji 7');
		expect(taskVersion('a boat', 'NIJI_JOURNEY')).toBe('niji 7');
		// A hyphenated word is no parameter.
		expect(taskVersion('a well-lit boat --ar 1:1', 'MID_JOURNEY')).toBe('v 8.1');
	});

	it('takes flags without values and keeps the first of a repeated parameter', () => {
		expect([...promptParameters('boat --hd --ar 3:2 --draft --ar 1:1').entries()]).toEqual([
			['hd', ''],
			['ar', '3:2'],
			['draft', ''],
		]);
	});

	it('--hd doubles V8 pictures and --draft halves V7+ ones in a quarter of the time; older versions ignore both', () => {
		expect(renderingOf('boat --hd', 'v 8.1')).toEqual({ sizeFactor: 2, durationFactor: 1 });
		expect(renderingOf('boat --hd', 'v 7')).toEqual({ sizeFactor: 1, durationFactor: 1 });
		expect(renderingOf('boat --draft', 'v 7')).toEqual({ sizeFactor: 0.5, durationFactor: 0.25 });
		expect(renderingOf('boat --draft', 'v 6.1')).toEqual({ sizeFactor: 1, durationFactor: 1 });
	});

	it('MJ_EMULATOR_VERSION sets the default and a bad one is refused by name', () => {
		expect(defaultVersionFromEnv({})).toBe('8.1');
		expect(defaultVersionFromEnv({ MJ_EMULATOR_VERSION: ' 7 ' })).toBe('7');
		expect(() => defaultVersionFromEnv({ MJ_EMULATOR_VERSION: 'v7' })).toThrow(/MJ_EMULATOR_VERSION must be a version number/);
	});
});

describe('buttons after an upscale, by version', () => {
	it('V8.1 (the default): no Upscale, Zoom or Pan buttons; Vary, Vary (Region) and Animate remain', async () => {
		const upscale = await upscaleOf('a paper boat --ar 1:1');
		expect(labels(upscale)).toEqual(V8_UPSCALE);
		expect((await upscaleOf('a paper boat --v 8')).buttons.map((b: any) => b.label || b.emoji)).toEqual(V8_UPSCALE);
		// They still act.
		const vary = await press(upscale, 'Vary (Strong)');
		expect((await waitTask(String(vary.json.result))).task).toMatchObject({ status: 'SUCCESS', action: 'VARIATION' });
	});

	it('--v 7 and niji 7: the full set with v7 upscale ids', async () => {
		const upscale = await upscaleOf('a paper boat --v 7');
		const hash = upscale.properties.messageHash;
		expect(labels(upscale)).toEqual(V7_UPSCALE);
		expect(upscale.buttons[0].customId).toBe(`MJ::JOB::upsample_v7_2x_subtle::1::${hash}::SOLO`);
		expect(upscale.buttons[1].customId).toBe(`MJ::JOB::upsample_v7_2x_creative::1::${hash}::SOLO`);
		const niji = await upscaleOf('a paper boat', { botType: 'NIJI_JOURNEY' });
		expect(niji.buttons[0].customId).toMatch(/^MJ::JOB::upsample_v7_2x_subtle::1::/);
	});

	it('the default version is an option: defaultVersion 7 gives V7 buttons to prompts without --v', async () => {
		contract.emu.setOptions({ defaultVersion: '7' });
		expect(labels(await upscaleOf('a paper boat'))).toEqual(V7_UPSCALE);
		// An explicit --v wins over the default.
		expect(labels(await upscaleOf('a paper boat --v 8.1'))).toEqual(V8_UPSCALE);
	});

	it('v6.1, v6 / niji 6 and v5 upscale ids, and the v5 labels', async () => {
		const ids = async (prompt: string) => (await upscaleOf(prompt)).buttons.slice(0, 2).map((b: any) => `${b.label} ${b.customId.split('::')[2]}`);
		expect(await ids('boat --v 6.1')).toEqual(['Upscale (Subtle) upsample_v6r1_2x_subtle', 'Upscale (Creative) upsample_v6r1_2x_creative']);
		expect(await ids('boat --v 6')).toEqual(['Upscale (Subtle) upsample_v6_2x_subtle', 'Upscale (Creative) upsample_v6_2x_creative']);
		expect(await ids('boat --niji 6')).toEqual(['Upscale (Subtle) upsample_v6_2x_subtle', 'Upscale (Creative) upsample_v6_2x_creative']);
		expect(await ids('boat --v 5.2')).toEqual(['Upscale (2x) upsample_v5_2x', 'Upscale (4x) upsample_v5_4x']);
	});

	it('before V5: Vary (Subtle/Strong), Animate and 🔄 only', async () => {
		expect(labels(await upscaleOf('boat --v 4'))).toEqual(['Vary (Subtle)', 'Vary (Strong)', 'Animate (High motion)', 'Animate (Low motion)', '🔄']);
	});

	it('Upscale (Subtle) on V7 ends with no second upscale and no pan, and presses as UPSCALE', async () => {
		const upscale = await upscaleOf('boat --v 7');
		const subtle = await press(upscale, 'Upscale (Subtle)');
		const task = (await waitTask(String(subtle.json.result))).task;
		expect(task.action).toBe('UPSCALE');
		expect(labels(task)).toEqual(V7_UPSCALE.filter((label) => !/^Upscale|^[⬅➡⬆⬇]/u.test(label)));
	});

	it('a V8.1 task refuses the customId of a V7-only button', async () => {
		const upscale = await upscaleOf('boat');
		const hash = upscale.properties.messageHash;
		const answer = await post('/mj/submit/action', { taskId: upscale.id, customId: `MJ::JOB::upsample_v7_2x_subtle::1::${hash}::SOLO` });
		expect(answer.json.code).toBe(4);
	});
});

describe('V8 flags change the picture', () => {
	it('--hd renders a V8.1 grid at twice the side, --draft at half in less time', async () => {
		const size = async (prompt: string) => {
			const grid = await finished('/mj/submit/imagine', { prompt });
			const png = decodeRgbaPng((await get(local(grid.imageUrl))).raw);
			return { width: png.width, height: png.height, ms: grid.finishTime - grid.startTime };
		};
		const plain = await size('boat --ar 1:1');
		const hd = await size('boat --ar 1:1 --hd');
		const draft = await size('boat --ar 1:1 --draft');
		const v6hd = await size('boat --ar 1:1 --hd --v 6.1');
		expect([plain.width, hd.width, draft.width, v6hd.width]).toEqual([128, 256, 64, 128]);
		expect(draft.ms).toBeLessThan(plain.ms);
	});
});
