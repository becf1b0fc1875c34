import type { IDataObject } from 'n8n-workflow';

import { rgbaPng } from '../../../../emulator/pngWriter';
import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

/**
 * Runs Imagine (and optionally an upscale U1) and returns the finished parent task's id.
 * The prompt pins V7, whose upscale offers every button; V8.1 (the default) has fewer.
 */
async function finishedTask(kind: 'grid' | 'upscale', prompt = 'a lighthouse --v 7'): Promise<string> {
	const nodes = [midjourneyNode('Imagine', { operation: 'imagine', prompt, waitingOptions: FAST })];
	if (kind === 'upscale') {
		nodes.push(midjourneyNode('U1', { operation: 'action', taskId: '={{ $json.taskId }}', button: 'U1', waitingOptions: FAST }));
	}
	const result = await runWorkflow(chain(...nodes), { credentials: emu.credentials() });
	expect(result.error).toBeUndefined();
	return String(result.output(kind === 'grid' ? 'Imagine' : 'U1')[0].json.taskId);
}

async function press(taskId: string, button: string, extra: IDataObject = {}) {
	return await runWorkflow(
		chain(midjourneyNode('Press', { operation: 'action', taskId, button, waitingOptions: FAST, ...extra })),
		{ credentials: emu.credentials() },
	);
}

function submittedCustomIds(): string[] {
	return emu.emulator.requests
		.filter((request) => request.kind === 'submit-action')
		.map((request) => String((request.body as IDataObject).customId));
}

describe('Action', () => {
	it.each([
		['U1', 'UPSCALE', 0],
		['u2', 'UPSCALE', 1],
		['U3', 'UPSCALE', 2],
		['U4', 'UPSCALE', 3],
		['🔄', 'REROLL', 4],
		['reroll', 'REROLL', 4],
		['V1', 'VARIATION', 5],
		[' v 2 ', 'VARIATION', 6],
		['V3', 'VARIATION', 7],
		['V4', 'VARIATION', 8],
	])('presses %s on a grid by its label', async (label, action, buttonIndex) => {
		const parentId = await finishedTask('grid');
		const parent = emu.emulator.tasks.get(parentId)!;
		const result = await press(parentId, label);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Press');
		expect(item.json).toMatchObject({ status: 'SUCCESS', action });
		expect(submittedCustomIds()).toEqual([parent.buttons[buttonIndex].customId]);
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.parentId).toBe(parentId);
	});

	it.each([
		['Upscale (Subtle)', 'upsample_v7_2x_subtle', 'UPSCALE'],
		['upscale (creative)', 'upsample_v7_2x_creative', 'UPSCALE'],
		['Vary (Strong)', 'high_variation', 'VARIATION'],
		['Zoom Out 2x', 'Outpaint::50', 'ZOOM'],
		['⬅️', 'pan_left', 'PAN'],
		['pan left', 'pan_left', 'PAN'],
		['upscaleSubtle', 'upsample_v7_2x_subtle', 'UPSCALE'],
	])('presses %s on an upscale', async (label, customIdPart, action) => {
		const parentId = await finishedTask('upscale');
		const result = await press(parentId, label);
		expect(result.error).toBeUndefined();
		expect(result.output('Press')[0].json).toMatchObject({ status: 'SUCCESS', action });
		const [customId] = submittedCustomIds().slice(-1);
		expect(customId).toContain(customIdPart);
	});

	it('accepts a raw customId without looking the parent up', async () => {
		const parentId = await finishedTask('grid');
		const customId = emu.emulator.tasks.get(parentId)!.buttons[2].customId;
		emu.emulator.requests.length = 0;
		const result = await press(parentId, customId);
		expect(result.output('Press')[0].json.status).toBe('SUCCESS');
		expect(submittedCustomIds()).toEqual([customId]);
		expect(emu.emulator.requests.filter((request) => request.kind === 'fetch' && request.at < emu.emulator.requests.find((r) => r.kind === 'submit-action')!.at)).toHaveLength(0);
	});

	it('lists the labels the task offers when the button is unknown, and creates nothing', async () => {
		const parentId = await finishedTask('grid');
		const before = emu.emulator.createdTaskIds().length;
		const result = await press(parentId, 'Upscale (Subtle)');
		expect((result.error as { name?: string }).name).toBe('NodeOperationError');
		expect(result.error?.message).toContain('Upscale (Subtle)');
		const description = String((result.error as { description?: string }).description);
		for (const label of ['U1', 'U4', 'V1', 'V4', '🔄']) expect(description).toContain(label);
		expect(description).toMatch(/press U1-U4 first/);
		expect(emu.emulator.createdTaskIds()).toHaveLength(before);
	});

	it.each([
		['a lighthouse --v 8.1', 'Upscale (Subtle)', 'V8.1 tasks offer no Upscale (Subtle); these are offered: Vary (Subtle), Vary (Strong), Vary (Region)'],
		['a lighthouse', 'zoomOut2x', "This task's Midjourney version (its prompt has no --v, so the account's default: V8.1 on Midjourney today) offers no Zoom Out 2x;"],
		['a lighthouse --ar 3:2', 'pan left', 'offers no ⬅️;'],
	])('on a V8.1 upscale (%s), %s says the version offers no such button, and what it does offer', async (prompt, wanted, words) => {
		const parentId = await finishedTask('upscale', prompt);
		const before = emu.emulator.createdTaskIds().length;
		const result = await press(parentId, wanted);
		expect(result.error?.message).toBe(`Button "${wanted}" is not on task ${parentId}`);
		const description = String((result.error as { description?: string }).description);
		expect(description).toContain(words);
		expect(description).toContain('Animate (Low motion)');
		expect(description).toMatch(/Only V[56].* offer it: add --v 7 to the Imagine prompt/);
		expect(emu.emulator.createdTaskIds()).toHaveLength(before);
	});

	it('on a V7 upscale of an upscale, a missing Upscale (Subtle) is not blamed on the version', async () => {
		const upscaleId = await finishedTask('upscale');
		const subtle = await press(upscaleId, 'Upscale (Subtle)');
		const result = await press(String(subtle.output('Press')[0].json.taskId), 'Upscale (Subtle)');
		const description = String((result.error as { description?: string }).description);
		expect(description).toMatch(/^This task offers: Vary \(Subtle\)/);
		expect(description).not.toContain('tasks offer no');
	});

	it('says when the parent task does not exist (code 3 / not found)', async () => {
		const result = await press('1234567890', 'U1');
		expect(result.error?.message).toMatch(/not found/i);
		expect(result.error?.message).toContain('1234567890');
	});

	it('returns the MODAL task for Vary (Region) when no modal prompt is given', async () => {
		const parentId = await finishedTask('upscale');
		const result = await press(parentId, 'Vary (Region)');
		expect(result.error).toBeUndefined();
		const [item] = result.output('Press');
		expect(item.json.status).toBe('MODAL');
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.status).toBe('MODAL');
	});

	it('submits the modal itself and keeps waiting when a modal prompt and mask are given', async () => {
		const parentId = await finishedTask('upscale');
		const mask = rgbaPng({ width: 2, height: 2, data: Buffer.alloc(16, 255) });
		const result = await press(parentId, 'Vary (Region)', {
			actionOptions: { modalPrompt: 'a red door', modalMaskUrl: `data:image/png;base64,${mask.toString('base64')}` },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.output('Press');
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'INPAINT' });
		const modal = emu.emulator.requests.find((request) => request.kind === 'submit-modal')!;
		expect(modal.body).toMatchObject({ prompt: 'a red door', maskBase64: expect.stringMatching(/^data:image\/png;base64,/) });
	});

	it('continues a MODAL task with the Modal operation (action → MODAL → modal)', async () => {
		const parentId = await finishedTask('upscale');
		const result = await runWorkflow(
			chain(
				midjourneyNode('Custom Zoom', { operation: 'action', taskId: parentId, button: 'Custom Zoom', waitingOptions: FAST }),
				midjourneyNode('Modal', { operation: 'modal', taskId: '={{ $json.taskId }}', prompt: 'a wide bay --zoom 2', waitingOptions: FAST }),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Custom Zoom')[0].json.status).toBe('MODAL');
		const [item] = result.output('Modal');
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'ZOOM', taskId: result.output('Custom Zoom')[0].json.taskId });
		expect(item.json.U1).toBeDefined();
	});

	it('passes the server description of a rejected modal (code 4)', async () => {
		const parentId = await finishedTask('upscale');
		const result = await runWorkflow(
			chain(
				midjourneyNode('Custom Zoom', { operation: 'action', taskId: parentId, button: 'Custom Zoom', waitingOptions: FAST }),
				midjourneyNode('Modal', { operation: 'modal', taskId: '={{ $json.taskId }}', prompt: 'no zoom flag here', waitingOptions: FAST }),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error?.message + String((result.error as { description?: string }).description)).toContain('--zoom');
	});

	it('refuses to press a button of an unfinished task, saying why', async () => {
		const submitted = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a slow one', waitForCompletion: false })),
			{ credentials: emu.credentials() },
		);
		const taskId = String(submitted.output('Imagine')[0].json.taskId);
		const result = await press(taskId, 'U1');
		expect(result.error?.message).toMatch(/not (finished|available)|SUBMITTED|IN_PROGRESS|NOT_START/);
	});

	it('returns the submitted action and modal at once when Wait for Completion is off', async () => {
		const parentId = await finishedTask('upscale');
		const result = await runWorkflow(
			chain(
				midjourneyNode('Custom Zoom', { operation: 'action', taskId: parentId, button: 'Custom Zoom', waitForCompletion: false }),
				midjourneyNode('Modal', {
					operation: 'modal',
					taskId: '={{ $json.taskId }}',
					prompt: 'a wide bay --zoom 2',
					waitForCompletion: false,
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Custom Zoom')[0].json.status).toBe('MODAL');
		const modal = result.output('Modal')[0].json;
		expect(['SUBMITTED', 'NOT_START']).toContain(modal.status);
		expect(emu.emulator.tasks.get(String(modal.taskId))!.status).not.toBe('SUCCESS');
	});

	it('returns a pressed button at once when Wait for Completion is off', async () => {
		const parentId = await finishedTask('grid');
		const result = await press(parentId, 'V3', { waitForCompletion: false });
		const [item] = result.output('Press');
		expect(['SUBMITTED', 'NOT_START']).toContain(item.json.status);
		expect(emu.emulator.tasks.get(String(item.json.taskId))!.action).toBe('VARIATION');
	});
});
