import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INode } from 'n8n-workflow';

import { decodePng } from '../../nodes/Midjourney/images/png';
import { QUARTER_COLOURS } from '../emulator';
import { PACKAGE_NODE_TYPE, binaryBuffer, chain, midjourneyNode, runWorkflow } from '../harness';
import { LiveWebhook } from '../harness/liveWebhooks';
import { WaitingExecutions } from '../harness/waiting';
import { FAST, useEmulator } from '../nodes/Midjourney/emulatorSetup';

const emu = useEmulator({ concurrency: 50, queueSize: 50 });

/** A fixture as a user would import it, with the Midjourney nodes set to poll at test pace. */
function loadFixture(file: string): IDataObject {
	const workflow = JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as { nodes: INode[] };
	for (const node of workflow.nodes) {
		if (node.type === PACKAGE_NODE_TYPE) {
			node.parameters.waitingOptions = { ...(node.parameters.waitingOptions as IDataObject), ...FAST } as INode["parameters"];
		}
	}
	return workflow as unknown as IDataObject;
}

// Midjourney's default is V8.1 (no Upscale, Zoom or Pan after an upscale); these run on both.
describe.each(['8.1', '7'])('on an account whose default Midjourney version is %s', (defaultVersion) => {
	beforeEach(() => emu.emulator.setOptions({ defaultVersion }));

	describe('imagine-u2-upscale.json (the demo)', () => {
		it('runs imagine → U2 → Upscale (Subtle) through labels alone', async () => {
			const result = await runWorkflow(loadFixture('imagine-u2-upscale.json'), { credentials: emu.credentials() });
			expect(result.error).toBeUndefined();
			const imagine = result.output('Imagine')[0].json;
			const u2 = result.output('Upscale U2')[0].json;
			const subtle = result.output('Upscale (Subtle)')[0].json;
			const tasks = emu.emulator.tasks;
			expect(tasks.get(String(u2.taskId))!.customId).toBe(imagine.U2);
			expect(tasks.get(String(subtle.taskId))!.customId).toBe(u2.upscaleSubtle);
			expect(subtle).toMatchObject({ status: 'SUCCESS', action: 'UPSCALE' });
			expect(emu.emulator.createdTaskIds()).toEqual([imagine.taskId, u2.taskId, subtle.taskId]);
		});
	});

	describe('examples/batch-split-switch.json', () => {
		it('imagines 10 prompts at once, splits the buttons and routes them by label', async () => {
			const result = await runWorkflow(loadFixture('examples/batch-split-switch.json'), { credentials: emu.credentials() });
			expect(result.error).toBeUndefined();
			const imagined = result.output('Imagine all (concurrent)');
			expect(imagined).toHaveLength(10);
			expect(new Set(imagined.map((item) => item.json.taskId)).size).toBe(10);
			const upscales = result.output('Route by button type', 0);
			const variations = result.output('Route by button type', 1);
			const other = result.output('Route by button type', 2);
			expect(upscales).toHaveLength(40);
			expect(variations).toHaveLength(40);
			expect(other.map((item) => item.json.label)).toEqual(Array(10).fill('🔄'));
			// Every routed button still knows its task, so the next Midjourney node can press it.
			for (const item of upscales) {
				const task = emu.emulator.tasks.get(String(item.json.taskId))!;
				expect(task.buttons.map((button) => button.customId)).toContain(item.json.customId);
			}
			// One polling loop for the batch: list-by-condition, not one fetch per task.
			expect(emu.emulator.requests.filter((request) => request.kind === 'fetch')).toHaveLength(0);
		});
	});

	describe('grid-pick-upscale-download.json', () => {
		it('imagine → one item per picture → IF index 3 → Action on its U → the right picture as binary', async () => {
			const result = await runWorkflow(loadFixture('grid-pick-upscale-download.json'), { credentials: emu.credentials() });
			expect(result.error).toBeUndefined();
			const pictures = result.output('Imagine (one item per picture)');
			expect(pictures).toHaveLength(4);
			expect(result.output('Picture 3?', 0).map((item) => item.json.index)).toEqual([3]);
			expect(result.output('Picture 3?', 1).map((item) => item.json.index)).toEqual([1, 2, 4]);
			const [upscaled] = result.output('Upscale it and download');
			expect(upscaled.json).toMatchObject({ status: 'SUCCESS', action: 'UPSCALE' });
			const task = emu.emulator.tasks.get(String(upscaled.json.taskId))!;
			expect(task.customId).toBe(pictures[2].json.U);
			const image = await decodePng(await binaryBuffer(upscaled.binary!.data));
			const colour = Buffer.from(QUARTER_COLOURS[2]);
			for (let offset = 0; offset < image.data.length; offset += 4) {
				if (!image.data.subarray(offset, offset + 4).equals(colour)) throw new Error(`pixel ${offset / 4} is not picture 3's colour`);
			}
		});
	});
});

describe('imagine-u2-upscale.json without its --v 7 pin', () => {
	it('on V8.1 stops at Upscale (Subtle), saying the version offers none and what it does offer', async () => {
		const workflow = loadFixture('imagine-u2-upscale.json') as { nodes: INode[] };
		const imagine = workflow.nodes.find((node) => node.name === 'Imagine')!;
		imagine.parameters.prompt = String(imagine.parameters.prompt).replace(' --v 7', '');
		const result = await runWorkflow(workflow as unknown as IDataObject, { credentials: emu.credentials() });
		expect(result.error?.message).toMatch(/^Button "Upscale \(Subtle\)" is not on task \d+$/);
		expect((result.error as { description?: string }).description).toMatch(
			/^This task's Midjourney version \(its prompt has no --v.*offers no Upscale \(Subtle\); these are offered: Vary \(Subtle\)/,
		);
		expect(emu.emulator.createdTaskIds()).toHaveLength(2);
	});
});

describe('examples/callback-wait-fetch.json', () => {
	const waiting = new WaitingExecutions();
	beforeAll(async () => await waiting.start());
	afterAll(async () => await waiting.close());
	const fixture = () => loadFixture('examples/callback-wait-fetch.json');

	it('parks, resumes by callback with the finished task, and leaves Fetch out', async () => {
		const parked = await waiting.run(fixture(), { credentials: emu.credentials() });
		expect(parked.run.status).toBe('waiting');
		const resumed = await waiting.ended(parked.executionId);
		expect(resumed.run.status).toBe('success');
		const [task] = resumed.output('Imagine (callback)');
		expect(task.json).toMatchObject({ status: 'SUCCESS', action: 'IMAGINE', taskId: emu.emulator.createdTaskIds()[0] });
		expect(resumed.output('Ended without callback?', 0)).toHaveLength(0);
		expect(resumed.executed).not.toContain('Fetch the tasks');
	});

	it('with every callback dropped: at the wait limit the task id goes on to Fetch, which reads SUCCESS', async () => {
		emu.emulator.setOptions({ hookFaults: { drop: 'all' } });
		const parked = await waiting.run(fixture(), { credentials: emu.credentials() });
		expect(parked.run.status).toBe('waiting');
		await emu.emulator.waitForIdle();
		const resumed = await waiting.resumeAtWaitLimit(parked.executionId);
		expect(resumed.run.status).toBe('success');
		const [taskId] = emu.emulator.createdTaskIds();
		expect(resumed.output('Ended without callback?', 0).map((item) => item.json.taskId)).toEqual([taskId]);
		expect(resumed.output('Fetch the tasks').map((item) => [item.json.taskId, item.json.status])).toEqual([[taskId, 'SUCCESS']]);
	});

	it('the final callback lost while the task runs: parked until the Callback Wait Limit (not the Timeout), then Fetch waits for the task', async () => {
		emu.emulator.setOptions({ hookFaults: { drop: 'final' }, taskDurationMs: 2000 });
		// The example's limit (600 s) and Timeout (1800 s), scaled down as the other tests' Timeouts are.
		const workflow = fixture() as { nodes: INode[] };
		const imagine = workflow.nodes.find((node) => node.name === 'Imagine (callback)')!;
		expect(imagine.parameters.waitingOptions).toMatchObject({ callbackWaitLimit: 600 });
		imagine.parameters.waitingOptions = { ...(imagine.parameters.waitingOptions as IDataObject), callbackWaitLimit: 6, timeout: 18 };
		const before = Date.now();
		const parked = await waiting.run(workflow as unknown as IDataObject, { credentials: emu.credentials() });
		expect(parked.run.status).toBe('waiting');
		const waitTill = new Date(parked.run.waitTill!).getTime();
		expect(waitTill - before).toBeGreaterThanOrEqual(6000);
		expect(waitTill - Date.now()).toBeLessThan(7000);
		// The wait limit ends while the task still runs: Fetch (Wait for Completion on) polls until it ends.
		const resumed = await waiting.resumeAtWaitLimit(parked.executionId);
		expect(resumed.run.status).toBe('success');
		const [taskId] = emu.emulator.createdTaskIds();
		expect(resumed.output('Fetch the tasks').map((item) => [item.json.taskId, item.json.status])).toEqual([[taskId, 'SUCCESS']]);
		expect(emu.emulator.createdTaskIds()).toHaveLength(1);
	});
});

describe('examples/trigger-fire-and-forget.json', () => {
	it('starts its workflow once per SUCCESS task, with the task and its image; a FAILURE starts nothing', async () => {
		emu.emulator.setOptions({ failPrompts: ['doomed'] });
		const hook = new LiveWebhook(loadFixture('examples/trigger-fire-and-forget.json'), 'On finished task', { credentials: emu.credentials() });
		await hook.start();
		try {
			const submitted = await runWorkflow(
				chain(
					midjourneyNode('Submit', {
						operation: 'imagine',
						prompt: '={{ $json.prompt }}',
						waitForCompletion: false,
						options: { notifyHook: hook.url },
					}),
				),
				{ credentials: emu.credentials(), triggerItems: [{ json: { prompt: 'a red kite' } }, { json: { prompt: 'a doomed kite' } }] },
			);
			const [okId, failedId] = submitted.output('Submit').map((item) => String(item.json.taskId));
			await emu.emulator.waitForIdle();
			const runs = await hook.settledExecutions();
			expect(emu.emulator.tasks.get(failedId)?.status).toBe('FAILURE');
			expect(runs).toHaveLength(1);
			const [item] = runs[0].output('Your upload here');
			expect(item.json).toMatchObject({ taskId: okId, status: 'SUCCESS', U1: expect.any(String) });
			expect(item.binary?.data?.mimeType).toBe('image/png');
		} finally {
			await hook.close();
		}
	});
});
