import type { IDataObject } from 'n8n-workflow';

import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, pngDataUri, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

describe('Describe', () => {
	it('gives the four suggested prompts as clean strings and the raw text', async () => {
		const result = await runWorkflow(
			// Simplify off: the raw answer (promptsText) is a field of the whole task.
			chain(midjourneyNode('Describe', { operation: 'describe', imageSource: 'url', imageUrl: pngDataUri(120), simplify: false, waitingOptions: FAST })),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		const json = result.output('Describe')[0].json;
		const task = emu.emulator.tasks.get(String(json.taskId))!;
		expect(json.action).toBe('DESCRIBE');
		expect(json.prompts).toEqual(task.describePrompts);
		for (const prompt of json.prompts as string[]) expect(prompt).not.toMatch(/^[\s\d️⃣]/u);
		expect(String(json.promptsText)).toContain('1️⃣');
	});

	it('sends an image URL as a link, without downloading it', async () => {
		const link = `${emu.url}/nowhere/photo.png`;
		const result = await runWorkflow(
			chain(midjourneyNode('Describe', { operation: 'describe', imageSource: 'url', imageUrl: link, waitForCompletion: false })),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		const submit = emu.emulator.requests.find((request) => request.kind === 'submit-describe')!;
		expect((submit.body as IDataObject).link).toBe(link);
		expect(emu.emulator.requests.some((request) => request.path.startsWith('/nowhere'))).toBe(false);
	});
});
