import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST, SECRET_KEY, useEmulator } from '../../emulatorSetup';
import { useEndpointlessServer } from '../../endpointlessServer';

const emu = useEmulator();
const oldServer = useEndpointlessServer();

async function getSeed(taskId: string, baseUrl = emu.url) {
	return await runWorkflow(chain(midjourneyNode('Seed', { operation: 'getSeed', taskId })), {
		credentials: { cometApi: { apiKey: SECRET_KEY, baseUrl, authStyle: 'bearer' } },
	});
}

describe('Task / Get Seed', () => {
	it('reads the seed of a finished task (Imagine → Get Seed)', async () => {
		const result = await runWorkflow(
			chain(
				midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a lighthouse', waitingOptions: FAST }),
				midjourneyNode('Seed', { operation: 'getSeed', taskId: '={{ $json.taskId }}' }),
			),
			{ credentials: emu.credentials() },
		);
		expect(result.error).toBeUndefined();
		const taskId = String(result.output('Imagine')[0].json.taskId);
		expect(result.output('Seed')[0].json).toEqual({ taskId, seed: emu.emulator.tasks.get(taskId)!.seed });
		expect(emu.emulator.requests.filter((request) => request.kind === 'seed').map((request) => request.path)).toEqual([
			`/mj/task/${taskId}/image-seed`,
		]);
	});

	it('says the task was not found (404 with code 3)', async () => {
		const result = await getSeed('1234567890123456');
		expect(result.error?.message).toMatch(/1234567890123456.*not found/);
	});

	it('passes the refusal for an unfinished task (400, code 4)', async () => {
		const started = await runWorkflow(
			chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'slow', waitForCompletion: false })),
			{ credentials: emu.credentials() },
		);
		const taskId = String(started.output('Imagine')[0].json.taskId);
		const result = await getSeed(taskId);
		expect(result.error?.message).toContain(taskId);
		expect(String((result.error as { description?: string }).description)).toMatch(/not SUCCESS/);
	});

	it('says plainly when the server does not offer the endpoint (404 without an answer)', async () => {
		const result = await getSeed('1234567890123456', oldServer.url);
		expect(result.error?.message).toBe('Get Seed is not offered by this server (HTTP 404)');
	});
});
