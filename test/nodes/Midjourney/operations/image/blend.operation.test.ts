import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, pngDataUri, useEmulator } from '../../emulatorSetup';

const emu = useEmulator();

describe('Blend', () => {
	it('blends 2 to 5 images with the chosen dimensions and waits for the grid', async () => {
		const uris = [pngDataUri(10), pngDataUri(200), pngDataUri(90)];
		const result = await runWorkflow(
			chain(
				midjourneyNode('Blend', {
					operation: 'blend',
					imageSource: 'url',
					imageUrls: uris.join('\n'),
					dimensions: 'LANDSCAPE',
					waitingOptions: FAST,
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Blend')[0].json).toMatchObject({ status: 'SUCCESS', action: 'BLEND' });
		expect(result.output('Blend')[0].json.V4).toBeDefined();
		const submit = emu.emulator.requests.find((request) => request.kind === 'submit-blend')!;
		expect(submit.body).toMatchObject({ base64Array: uris, dimensions: 'LANDSCAPE' });
	});

	it.each([[1], [6]])('refuses %i image(s) before sending', async (count) => {
		const result = await runWorkflow(
			chain(
				midjourneyNode('Blend', {
					operation: 'blend',
					imageSource: 'url',
					imageUrls: Array.from({ length: count }, (_, index) => pngDataUri(index * 20)).join('\n'),
					dimensions: 'SQUARE',
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect((result.error as { name?: string }).name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/2.*5|two.*five/i);
		expect(emu.emulator.createdTaskIds()).toHaveLength(0);
	});

	it('returns at once with Wait for Completion off', async () => {
		const result = await runWorkflow(
			chain(
				midjourneyNode('Blend', {
					operation: 'blend',
					imageSource: 'url',
					imageUrls: `${pngDataUri(1)}\n${pngDataUri(2)}`,
					dimensions: 'SQUARE',
					waitForCompletion: false,
				}),
			),
			{ credentials: emu.credentials() },
		);
		expect(['SUBMITTED', 'NOT_START']).toContain(result.output('Blend')[0].json.status);
	});
});
