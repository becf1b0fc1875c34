import { PACKAGE_TOOL_TYPE, chain, midjourneyNode, runWorkflow, startWorkflow } from '../../../harness';
import { FAST, SECRET_KEY, cancelWhilePolling, everythingVisible, useEmulator } from '../emulatorSetup';

const emu = useEmulator();

describe('Wait for Completion: timeouts and cancellation', () => {
	it('fails at the timeout with the task id, status and progress in the error', async () => {
		emu.emulator.setOptions({ stuckAtProgress: '45%' });
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a stuck one', waitingOptions: { ...FAST, timeout: 1 } })),
			{ credentials: emu.credentials() },
		);
		const [taskId] = emu.emulator.createdTaskIds();
		const visible = everythingVisible(result.error);
		expect(result.error?.message).toMatch(/timed out|timeout|did not finish/i);
		expect(visible).toContain(taskId);
		expect(visible).toContain('45%');
		expect(visible).not.toContain(SECRET_KEY);
	});

	it('returns the task as it is at the timeout with On Timeout = Return Task As Is', async () => {
		emu.emulator.setOptions({ stuckAtProgress: '45%' });
		const result = await runWorkflow(
			chain(
				midjourneyNode('Imagine', {
					operation: 'imagine',
					prompt: 'a stuck one',
					waitingOptions: { ...FAST, timeout: 1, onTimeout: 'returnTask' },
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Imagine');
		expect(item.json).toMatchObject({ taskId: emu.emulator.createdTaskIds()[0], status: 'IN_PROGRESS', progress: '45%' });
	});

	it('stops polling promptly when the execution is cancelled', async () => {
		emu.emulator.setOptions({ stuckAtProgress: '12%' });
		const running = startWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'never ends', waitingOptions: { ...FAST, timeout: 60 } })),
			{ credentials: emu.credentials() },
		);
		await cancelWhilePolling(emu.emulator, running);
	});
});

describe('Many items', () => {
	it('keeps output order and pairedItem as the input, whatever order tasks finish in', async () => {
		const prompts = ['one', 'two', 'three', 'four', 'five'];
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', waitingOptions: FAST })),
			{ credentials: emu.credentials(), triggerItems: prompts.map((prompt) => ({ json: { prompt } })) },
		);
		const items = result.output('Imagine');
		expect(items.map((item) => item.json.prompt)).toEqual(prompts);
		expect(items.map((item) => item.pairedItem)).toEqual(prompts.map((_, item) => ({ item })));
		expect(emu.emulator.createdTaskIds()).toHaveLength(5);
	});

	it('validates every item before creating any task', async () => {
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', waitingOptions: FAST })),
			{ credentials: emu.credentials(), triggerItems: [{ json: { prompt: 'fine' } }, { json: { prompt: '' } }] },
		);
		expect(result.error?.message).toContain('item 1');
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
	});
});

describe('As an AI agent tool', () => {
	it('answers compactly: task id, image URLs and the labels it can press', async () => {
		emu.emulator.setOptions({ imageUrls: true });
		const node = midjourneyNode('Midjourney', { operation: 'imagine', prompt: 'a robot', waitingOptions: FAST }, { type: PACKAGE_TOOL_TYPE });
		const result = await runWorkflow(chain(node), { credentials: emu.credentials() });
		expect(result.error).toBeUndefined();
		const json = result.output('Midjourney')[0].json;
		expect(Object.keys(json).sort()).toEqual(['availableActions', 'imageUrl', 'imageUrls', 'progress', 'status', 'taskId']);
		expect(json.availableActions).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
		expect(json.imageUrls).toHaveLength(4);
	});
});
