import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

async function imagineMany(count: number, wait = true): Promise<string[]> {
	const result = await runWorkflow(
		chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', waitForCompletion: wait, options: FAST })),
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
});
