import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

async function imagineMany(count: number, wait = true): Promise<string[]> {
	const result = await runWorkflow(
		chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', waitForCompletion: wait, waitingOptions: FAST })),
		{
			credentials: emu.credentials(),
			triggerItems: Array.from({ length: count }, (_, index) => ({ json: { prompt: `prompt ${index}` } })),
		},
	);
	return result.output('Imagine').map((item) => String(item.json.taskId));
}

describe('Fetch', () => {
	it('reads one task by id', async () => {
		const [taskId] = await imagineMany(1);
		emu.emulator.requests.length = 0;
		// Download Image off: only the read is counted here.
		const result = await runWorkflow(chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId, options: { downloadImage: false } })), {
			credentials: emu.credentials(),
		});
		expect(result.output('Fetch').map((item) => item.json.taskId)).toEqual([taskId]);
		expect(result.output('Fetch')[0].json.U1).toBe(emu.emulator.tasks.get(taskId)!.buttons[0].customId);
		expect(emu.emulator.requests.map((request) => request.kind)).toEqual(['fetch']);
	});

	it('reads many ids in one list-by-condition call, one item per task, in the order asked', async () => {
		const ids = await imagineMany(3, false);
		emu.emulator.requests.length = 0;
		const asked = [ids[2], ids[0], ids[1]];
		const result = await runWorkflow(chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: asked.join(', ') })), {
			credentials: emu.credentials(),
		});
		expect(result.output('Fetch').map((item) => item.json.taskId)).toEqual(asked);
		expect(result.output('Fetch').every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(emu.emulator.requests.map((request) => request.kind)).toEqual(['list']);
	});

	it('reads each task alone where list-by-condition is missing (404)', async () => {
		const ids = await imagineMany(2, false);
		emu.emulator.setOptions({ supportListByCondition: false });
		const result = await runWorkflow(chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: ids.join(',') })), {
			credentials: emu.credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(result.output('Fetch').map((item) => item.json.taskId)).toEqual(ids);
	});

	it('says which id is unknown', async () => {
		const result = await runWorkflow(chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: '999999999' })), {
			credentials: emu.credentials(),
		});
		expect(result.error?.message).toContain('999999999');
		expect(result.error?.message).toMatch(/not found/i);
	});

	it('picks up a task that an Imagine without waiting started', async () => {
		const [taskId] = await imagineMany(1, false);
		await emu.emulator.waitForIdle(5000);
		const result = await runWorkflow(chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId })), {
			credentials: emu.credentials(),
		});
		expect(result.output('Fetch')[0].json.status).toBe('SUCCESS');
	});

	describe('Wait for Completion (issue 20: the recovery after a Callback wait limit)', () => {
		it('waits for running tasks, polling, and outputs them finished, one item per task', async () => {
			emu.emulator.setOptions({ taskDurationMs: 1500 });
			const ids = await imagineMany(2, false);
			const started = Date.now();
			const result = await runWorkflow(
				chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: ids.join(','), waitForCompletion: true, waitingOptions: { pollInterval: 0.2, timeout: 20 } })),
				{ credentials: emu.credentials() },
			);
			expect(result.error).toBeUndefined();
			expect(result.output('Fetch').map((item) => [item.json.taskId, item.json.status])).toEqual(ids.map((id) => [id, 'SUCCESS']));
			expect(Date.now() - started).toBeGreaterThan(700);
			expect(emu.emulator.requests.filter((request) => request.kind === 'submit-imagine')).toHaveLength(2);
		});

		it('without it, Fetch reads the current state once, as before', async () => {
			emu.emulator.setOptions({ taskDurationMs: 1500 });
			const [taskId] = await imagineMany(1, false);
			const result = await runWorkflow(chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: taskId })), { credentials: emu.credentials() });
			expect(result.output('Fetch')[0].json.status).not.toBe('SUCCESS');
		});

		it('a task still running at the Timeout: the error names it, or On Timeout returns it as it is', async () => {
			emu.emulator.setOptions({ taskDurationMs: 60_000 });
			const [taskId] = await imagineMany(1, false);
			const waiting = { operation: 'fetch', taskIds: taskId, waitForCompletion: true };
			const failed = await runWorkflow(chain(midjourneyNode('Fetch', { ...waiting, waitingOptions: { pollInterval: 0.2, timeout: 1 } })), {
				credentials: emu.credentials(),
			});
			expect(failed.error?.message).toMatch(new RegExp(`Task ${taskId} did not finish within 1 s`));
			const returned = await runWorkflow(
				chain(midjourneyNode('Fetch', { ...waiting, waitingOptions: { pollInterval: 0.2, timeout: 1, onTimeout: 'returnTask' } })),
				{ credentials: emu.credentials() },
			);
			expect(returned.output('Fetch')[0].json).toMatchObject({ taskId, timedOut: true });
		});
	});
});
