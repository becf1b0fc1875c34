/**
 * The Midjourney Trigger at workflow level: one workflow submits with its
 * Notify Hook URL set to the trigger's URL; the emulator calls back; each
 * finished task starts one execution of the trigger's workflow, with the
 * task read from the API (never taken from the body).
 */
import { request } from 'undici';
import type { IDataObject } from 'n8n-workflow';

import { PACKAGE_TRIGGER_TYPE, chain, midjourneyNode, runWorkflow, type WorkflowResult } from '../../harness';
import { LiveWebhook } from '../../harness/liveWebhooks';
import { startRawAnswers } from '../../hostile/servers';
import { SECRET_KEY, everythingVisible, useEmulator } from './emulatorSetup';

const api = useEmulator({ taskDurationMs: 200, concurrency: 10, queueSize: 10 });

function triggerWorkflow(parameters: IDataObject) {
	return {
		name: 'on finished task',
		nodes: [
			{
				id: 'trigger',
				name: 'Midjourney Trigger',
				type: PACKAGE_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: 'f0e1d2c3',
				parameters,
				credentials: { cometApi: { id: '1', name: 'CometAPI account' } },
			},
			{ id: 'next', name: 'Next', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
		],
		connections: { 'Midjourney Trigger': { main: [[{ node: 'Next', type: 'main', index: 0 }]] } },
		settings: {},
	};
}

async function withTrigger(parameters: IDataObject, body: (hook: LiveWebhook) => Promise<void>): Promise<void> {
	const hook = new LiveWebhook(triggerWorkflow(parameters), 'Midjourney Trigger', { credentials: api.credentials() });
	await hook.start();
	try {
		await body(hook);
	} finally {
		await hook.close();
	}
}

async function submitWithHook(hookUrl: string, prompts: string[], state = ''): Promise<string[]> {
	const submitted = await runWorkflow(
		chain(
			midjourneyNode('Imagine', {
				operation: 'imagine',
				prompt: '={{ $json.prompt }}',
				waitForCompletion: false,
				options: { notifyHook: hookUrl, ...(state ? { state } : {}) },
			}),
		),
		{ credentials: api.credentials(), triggerItems: prompts.map((prompt) => ({ json: { prompt } })) },
	);
	await api.emulator.waitForIdle();
	return submitted.output('Imagine').map((item) => String(item.json.taskId));
}

const finished = async (hook: LiveWebhook): Promise<WorkflowResult[]> => await hook.settledExecutions();

describe('Midjourney Trigger', () => {
	it('starts one execution per finished task, mapped like the Midjourney node, with the image as binary', async () => {
		await withTrigger({ statuses: ['SUCCESS', 'FAILURE'], options: { downloadImage: true } }, async (hook) => {
			const ids = await submitWithHook(hook.url, ['a red kite', 'a green door']);
			const runs = await finished(hook);
			// With the trigger's answers, so a callback that started nothing says what it was told.
			expect({ executions: runs.length, answers: hook.answers }).toEqual({ executions: 2, answers: expect.any(Array) });
			const items = runs.map((run) => run.output('Next')[0]);
			expect(items.map((item) => item.json.taskId).sort()).toEqual([...ids].sort());
			for (const item of items) {
				expect(item.json.status).toBe('SUCCESS');
				expect(item.json.U1).toEqual(expect.any(String));
				expect(item.json.actions).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'U1' })]));
				expect(item.binary?.data?.mimeType).toBe('image/png');
			}
			expect(everythingVisible(runs)).not.toContain(SECRET_KEY);
		});
	});

	it('filters by status and by state', async () => {
		api.emulator.setOptions({ failPrompts: ['broken'] });
		await withTrigger({ statuses: ['FAILURE'], options: { state: 'post-42' } }, async (hook) => {
			await submitWithHook(hook.url, ['a broken vase', 'a fine vase'], 'post-42');
			await submitWithHook(hook.url, ['another broken vase'], 'post-7');
			const runs = await finished(hook);
			expect(runs.map((run) => [run.output('Next')[0].json.status, run.output('Next')[0].json.state])).toEqual([
				['FAILURE', 'post-42'],
			]);
		});
	});

	it('a forged call cannot inject data: unknown ids get 404, known ones are read from the API', async () => {
		api.emulator.setOptions({ stuckAtProgress: '45%' });
		await withTrigger({ statuses: ['SUCCESS'] }, async (hook) => {
			const [taskId] = await submitWithHook(hook.url, ['a slow kite']);
			const post = async (body: IDataObject) => {
				const response = await request(hook.url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
				await response.body.dump();
				return response.statusCode;
			};
			expect(await post({ id: '9999999999999999', status: 'SUCCESS', imageUrl: 'http://127.0.0.1:1/evil.png' })).toBe(404);
			// A real id with a false status: the API says it is still running, so nothing starts.
			expect(await post({ id: taskId, status: 'SUCCESS', imageUrl: 'http://127.0.0.1:1/evil.png' })).toBe(200);
			expect(hook.executions).toHaveLength(0);
		});
	});

	describe('issue 20: one execution per task, ids read as every Task ID field reads them', () => {
		const postRaw = async (url: string, body: string) => {
			const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
			await response.body.dump();
			return response.statusCode;
		};

		it('a repeated final callback (the duplicate fault) starts one execution per task, not per callback', async () => {
			api.emulator.setOptions({ hookFaults: { duplicate: true } });
			await withTrigger({ statuses: ['SUCCESS'] }, async (hook) => {
				const ids = await submitWithHook(hook.url, ['a red kite', 'a green door']);
				const runs = await finished(hook);
				expect(runs.map((run) => run.output('Next')[0].json.taskId).sort()).toEqual([...ids].sort());
				// The copies were received and answered, they started nothing.
				expect(hook.answers.length).toBeGreaterThan(runs.length);
			});
		});

		it('ids "." and ".." are refused (400) and nothing is read', async () => {
			await withTrigger({ statuses: ['SUCCESS'] }, async (hook) => {
				api.emulator.requests.length = 0;
				for (const id of ['.', '..', 'a/b']) expect(await postRaw(hook.url, JSON.stringify({ id, status: 'SUCCESS' }))).toBe(400);
				expect(api.emulator.requests).toHaveLength(0);
				expect(hook.executions).toHaveLength(0);
			});
		});

		it('an id above 2^53 sent as a JSON number keeps every digit (the raw body is read, not n8n’s rounded one)', async () => {
			const BIG_ID = '12345678901234567890';
			const server = await startRawAnswers(() => ({ body: `{"id":${BIG_ID},"status":"SUCCESS","progress":"100%","action":"IMAGINE","prompt":"x","buttons":[]}` }));
			const hook = new LiveWebhook(triggerWorkflow({ statuses: ['SUCCESS'] }), 'Midjourney Trigger', {
				credentials: { cometApi: { apiKey: SECRET_KEY, baseUrl: server.url, authStyle: 'bearer' } },
			});
			await hook.start();
			try {
				expect(await postRaw(hook.url, `{"id":${BIG_ID},"status":"SUCCESS"}`)).toBe(200);
				const runs = await finished(hook);
				expect(runs.map((run) => run.output('Next')[0].json.taskId)).toEqual([BIG_ID]);
				expect(server.received.map((received) => received.url)).toEqual([`/mj/task/${BIG_ID}/fetch`]);
			} finally {
				await hook.close();
				await server.close();
			}
		});
	});
});
