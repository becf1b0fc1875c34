/**
 * Issue 4's "Done when": imagine → One Item per Grid Image → IF on index →
 * Action on that item's U → Download Image, run from the fixture as a user
 * would import it, yields picture 3 as binary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { decodePng } from '../../nodes/Midjourney/images/png';
import { QUARTER_COLOURS } from '../emulator';
import { PACKAGE_NODE_TYPE, binaryBuffer, runWorkflow, type BinaryMode } from '../harness';
import { FAST, useEmulator } from '../nodes/Midjourney/emulatorSetup';

const FIXTURE = 'grid-pick-upscale-download.json';
const IMAGINE = 'Imagine (one item per picture)';
const IF = 'Picture 3?';
const UPSCALE = 'Upscale it and download';

const emu = useEmulator({ taskDurationMs: 150, imageSize: 64 });

interface WorkflowJson {
	nodes: INode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
}

function readFixture(): WorkflowJson {
	return JSON.parse(readFileSync(join(__dirname, FIXTURE), 'utf8')) as WorkflowJson;
}

/** The fixture with the Midjourney nodes polling at test pace (the fixture itself keeps n8n's defaults). */
function fixtureAtTestPace(): IDataObject {
	const workflow = readFixture();
	for (const node of workflow.nodes) {
		if (node.type === PACKAGE_NODE_TYPE) {
			node.parameters.waitingOptions = { ...(node.parameters.waitingOptions as IDataObject), ...FAST } as INode['parameters'];
		}
	}
	return workflow as unknown as IDataObject;
}

describe(FIXTURE, () => {
	it('is an importable n8n workflow: known node types, the credential, connections between its own nodes', () => {
		const workflow = readFixture();
		const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
		expect(workflow.nodes.map((node) => [node.type, node.typeVersion])).toEqual([
			['n8n-nodes-base.manualTrigger', 1],
			[PACKAGE_NODE_TYPE, 1],
			['n8n-nodes-base.if', 2.2],
			[PACKAGE_NODE_TYPE, 1],
		]);
		for (const node of workflow.nodes) {
			expect(node.id).toMatch(/^[0-9a-f-]{36}$/);
			expect(node.position).toHaveLength(2);
			if (node.type === PACKAGE_NODE_TYPE) {
				expect(node.credentials).toEqual({ cometApi: { id: '1', name: 'CometAPI account' } });
				// Test-only speed-ups stay out of the fixture.
				expect(Object.keys((node.parameters.waitingOptions ?? {}) as IDataObject)).not.toContain('pollInterval');
			}
		}
		for (const [from, { main }] of Object.entries(workflow.connections)) {
			expect(byName.has(from)).toBe(true);
			for (const target of main.flat()) expect(byName.has(target.node)).toBe(true);
		}
		expect(byName.get(IMAGINE)!.parameters).toMatchObject({ operation: 'imagine', options: { output: 'gridImages' } });
		expect(byName.get(UPSCALE)!.parameters).toMatchObject({
			operation: 'action',
			taskId: '={{ $json.taskId }}',
			button: '={{ $json.U }}',
			options: { downloadImage: true },
		});
		const condition = (byName.get(IF)!.parameters.conditions as { conditions: IDataObject[] }).conditions[0];
		expect(condition).toMatchObject({ leftValue: '={{ $json.index }}', rightValue: 3, operator: { type: 'number', operation: 'equals' } });
	});

	it.each<[string, boolean, BinaryMode]>([
		['the grid cut locally', false, 'default'],
		['the server imageUrls', true, 'default'],
		['the grid cut locally, filesystem binary mode', false, 'filesystem'],
	])('runs against the emulator with %s and yields picture 3 as binary', async (_name, imageUrls, binaryMode) => {
		emu.emulator.setOptions({ imageUrls });
		const result = await runWorkflow(fixtureAtTestPace(), { credentials: emu.credentials(), binaryMode });
		expect(result.error?.message).toBeUndefined();

		const pictures = result.output(IMAGINE);
		expect(pictures.map((item) => item.json.index)).toEqual([1, 2, 3, 4]);
		const grid = emu.emulator.tasks.get(String(pictures[0].json.taskId))!;
		expect(result.output(IF, 0).map((item) => item.json.index)).toEqual([3]);
		expect(result.output(IF, 1).map((item) => item.json.index)).toEqual([1, 2, 4]);

		const upscaled: INodeExecutionData[] = result.output(UPSCALE);
		expect(upscaled).toHaveLength(1);
		const [item] = upscaled;
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'UPSCALE' });
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.parentId).toBe(grid.id);
		// The button pressed was picture 3's U, and nothing else was created.
		const task = emu.emulator.tasks.get(String(item.json.taskId))!;
		expect(task.customId).toBe(grid.buttons.find((button) => button.label === 'U3')!.customId);
		expect(task.customId).toBe(pictures[2].json.U);
		expect(emu.emulator.createdTaskIds()).toEqual([grid.id, task.id]);

		// The emulator's U3 upscale is one picture in quarter 3's colour.
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'image/png', fileName: `midjourney-${task.id}.png` });
		if (binaryMode === 'filesystem') expect(binary.id).toMatch(/^filesystem/);
		const image = await decodePng(await binaryBuffer(binary));
		expect([image.width, image.height]).toEqual([64, 64]);
		const expected = Buffer.alloc(image.data.length);
		for (let offset = 0; offset < expected.length; offset += 4) Buffer.from(QUARTER_COLOURS[2]).copy(expected, offset);
		expect(image.data.equals(expected)).toBe(true);
	});
});
