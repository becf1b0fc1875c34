import { shortenSuggestions } from '../../../../emulator/tasks';
import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

describe('Image / Shorten', () => {
	it('lists the five shortened prompts as clean strings, with their buttons (each opens a dialog)', async () => {
		const prompt = 'a very detailed painting of an old lighthouse on a rocky cliff at dawn --ar 16:9';
		// Simplify off: the raw answer (promptsText) and the actions list are fields of the whole task.
		const result = await runWorkflow(chain(midjourneyNode('Shorten', { operation: 'shorten', prompt, simplify: false, waitingOptions: FAST })), {
			credentials: emu.credentials(),
		});
		expect(result.error).toBeUndefined();
		expect(emu.emulator.requests.find((request) => request.kind === 'submit-shorten')!.body).toEqual({ prompt });
		const [item] = result.output('Shorten');
		expect(item.json).toMatchObject({ status: 'SUCCESS', action: 'SHORTEN' });
		expect(item.json.prompts).toEqual(shortenSuggestions(prompt));
		expect(String(item.json.promptsText)).toContain('IMPORTANT TOKENS');
		const actions = item.json.actions as Array<{ key: string; customId: string; needsModal: boolean }>;
		expect(actions.map((action) => action.key)).toEqual(['shortened1', 'shortened2', 'shortened3', 'shortened4', 'shortened5']);
		expect(actions.every((action) => action.needsModal)).toBe(true);
		expect(item.json.shortened3).toBe('MJ::Job::PromptAnalyzer::3');
	});

	it('returns at once when Wait for Completion is off', async () => {
		const result = await runWorkflow(
			chain(midjourneyNode('Shorten', { operation: 'shorten', prompt: 'a cat on a mat', waitForCompletion: false })),
			{ credentials: emu.credentials() },
		);
		const [item] = result.output('Shorten');
		expect(['SUBMITTED', 'NOT_START']).toContain(item.json.status);
		expect(item.json.prompts).toBeUndefined();
	});

	it('refuses an empty prompt before sending anything', async () => {
		const result = await runWorkflow(chain(midjourneyNode('Shorten', { operation: 'shorten', prompt: '={{ " " }}' })), {
			credentials: emu.credentials(),
		});
		expect(result.error?.message).toMatch(/prompt of item 0 is empty/);
		expect(emu.emulator.requests).toHaveLength(0);
	});
});
