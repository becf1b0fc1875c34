import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, SECRET_KEY, everythingVisible, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

describe('Imagine', () => {
	it('waits for the grid and splits its nine buttons into fields', async () => {
		const result = await runWorkflow(
			// Simplify off: this reads every field of the whole task.
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a red fox --ar 16:9 --v 6.1', simplify: false, waitingOptions: FAST })),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Imagine');
		const json = item.json;
		const task = emu.emulator.tasks.get(String(json.taskId))!;
		expect(typeof json.taskId).toBe('string');
		expect(json).toMatchObject({ status: 'SUCCESS', progress: '100%', progressPercent: 100, action: 'IMAGINE', prompt: 'a red fox --ar 16:9 --v 6.1' });
		expect(json.imageUrl).toBe(task.imageUrl);
		for (const [index, button] of ['U1', 'U2', 'U3', 'U4', 'reroll', 'V1', 'V2', 'V3', 'V4'].entries()) {
			expect(json[button]).toBe(task.buttons[index].customId);
		}
		const actions = json.actions as Array<{ label: string; key: string; customId: string; needsModal: boolean }>;
		expect(actions.map((action) => action.key)).toEqual(['U1', 'U2', 'U3', 'U4', 'reroll', 'V1', 'V2', 'V3', 'V4']);
		expect(actions.every((action) => action.needsModal === false)).toBe(true);
		expect(item.pairedItem).toEqual({ item: 0 });
		// The prompt, flags included, reached the server unchanged.
		const submit = emu.emulator.requests.find((request) => request.kind === 'submit-imagine')!;
		expect((submit.body as { prompt: string }).prompt).toBe('a red fox --ar 16:9 --v 6.1');
	});

	it('returns the submitted task at once when Wait for Completion is off', async () => {
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a cat', waitForCompletion: false })),
			{ credentials: emu.credentials() },
		);
		const [item] = result.output('Imagine');
		expect(emu.emulator.createdTaskIds()).toEqual([item.json.taskId]);
		expect(['SUBMITTED', 'NOT_START']).toContain(item.json.status);
		expect(emu.emulator.requests.filter((request) => request.kind === 'fetch' || request.kind === 'list')).toHaveLength(0);
	});

	it('sends speed as the path prefix and state, notifyHook and botType in the body', async () => {
		await runWorkflow(
			chain(
				midjourneyNode('Imagine', {
					operation: 'imagine',
					prompt: 'an anime city',
					waitForCompletion: false,
					options: { speed: 'turbo', state: 'order-42', notifyHook: `${emu.url}/hook-sink`, botType: 'NIJI_JOURNEY' },
				}),
			),
			{ credentials: emu.credentials() },
		);
		const submit = emu.emulator.requests.find((request) => request.kind === 'submit-imagine')!;
		expect(submit.mode).toBe('turbo');
		expect(submit.body).toMatchObject({ state: 'order-42', notifyHook: `${emu.url}/hook-sink`, botType: 'NIJI_JOURNEY' });
	});

	it('refuses an empty prompt before sending anything', async () => {
		const result = await runWorkflow(chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '   ' })), {
			credentials: emu.credentials(),
		});
		expect(result.error?.message).toMatch(/prompt/i);
		expect((result.error as { name?: string })?.name).toBe('NodeOperationError');
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('names the banned word (code 24) and never shows the key', async () => {
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a badword in a field', waitingOptions: FAST })),
			{ credentials: emu.credentials() },
		);
		expect((result.error as { name?: string })?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/badword/);
		expect(everythingVisible(result)).not.toContain(SECRET_KEY);
	});

	it('reports FAILURE with the failReason and the task id', async () => {
		emu.emulator.setOptions({ failPrompts: ['doomed'] });
		const result = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a doomed ship', waitingOptions: FAST })),
			{ credentials: emu.credentials() },
		);
		const [taskId] = emu.emulator.createdTaskIds();
		expect(result.error?.message).toContain(emu.emulator.options.failReason);
		expect(everythingVisible(result.error)).toContain(taskId);
	});

	it('gives a Continue On Fail error item with pairedItem and task id, next to the good items', async () => {
		emu.emulator.setOptions({ failPrompts: ['doomed'] });
		const result = await runWorkflow(
			chain(
				midjourneyNode(
					'Imagine',
					{ operation: 'imagine', prompt: '={{ $json.prompt }}', waitingOptions: FAST },
					{ continueOnFail: true },
				),
			),
			{
				credentials: emu.credentials(),
				triggerItems: [{ json: { prompt: 'a calm lake' } }, { json: { prompt: 'a doomed ship' } }, { json: { prompt: 'a hill' } }],
			},
		);
		expect(result.error).toBeUndefined();
		const items = result.output('Imagine');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.status).toBe('SUCCESS');
		expect(items[2].json.status).toBe('SUCCESS');
		expect(items[1].json.error).toEqual(expect.stringContaining(emu.emulator.options.failReason));
		const doomed = [...emu.emulator.tasks.values()].find((task) => task.prompt.includes('doomed'))!;
		expect(items[1].json.taskId).toBe(doomed.id);
	});

	it('explains a rejected key (401) without showing it, for every auth style', async () => {
		for (const authStyle of ['bearer', 'raw', 'mjApiSecret']) {
			const wrongKey = `sk-WRONG-${authStyle}-key`;
			const result = await runWorkflow(chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a cat', waitingOptions: FAST })), {
				credentials: emu.credentials(authStyle, wrongKey),
			});
			expect((result.error as { name?: string })?.name).toBe('NodeApiError');
			expect(`${result.error?.message} ${(result.error as { description?: string }).description}`).toMatch(/API key/i);
			expect(everythingVisible(result)).not.toContain(wrongKey);
		}
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
	});
});
