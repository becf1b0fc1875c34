/*
 * Scenarios 7–9: Callback mode with n8n's scale-out for webhooks: two `n8n webhook` processes
 * behind one address (webhookFront.ts), where the emulator's callbacks land, spread over both.
 * Every final callback of an execution may reach a different process; exactly one may resume
 * it. The workflow's last node posts to a counter once per run ("publish"): it must run once per
 * execution, in the no-fault case, with a worker killed while the executions are parked, and in
 * a burst of executions.
 */
import { auditExecution } from '../audit';
import { readExecution, waitForExecution } from '../executions';
import { startManualRun, waitForExecutionEnd } from '../../e2e/start';
import { Expectations, sleep, type Scenario, type ScenarioContext } from '../scenario';
import type { WebhookFront } from '../webhookFront';
import { IMAGINE_NODE, batchWorkflow } from '../workflows';

const PUBLISH_NODE = 'Publish';

/** Prompts → Imagine (Callback) → Publish (an HTTP POST, once per run of the node). */
export function publishWorkflow(id: string, prompts: number, front: WebhookFront) {
	const workflow = batchWorkflow(id, prompts, { waitMode: 'callback', timeout: 300, pollInterval: 1 });
	workflow.nodes.push({
		parameters: { method: 'POST', url: `=${front.publishUrl}?execution={{ $execution.id }}`, options: {} },
		name: PUBLISH_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [600, 0],
		executeOnce: true,
	});
	workflow.connections[IMAGINE_NODE] = { main: [[{ node: PUBLISH_NODE, type: 'main', index: 0 }]] };
	return workflow;
}

export const webhookWorkflows = (front: WebhookFront) => [publishWorkflow('qWebhooks6', 6, front), publishWorkflow('qWebhooks2', 2, front)];

/** Jobs a worker started for the execution (the first part and each resume). */
function jobStarts(context: ScenarioContext, id: string): number {
	const started = new RegExp(`Worker started execution ${id}\\b`);
	return context.cluster.workers.reduce((sum, worker) => sum + worker.lines().filter((line) => started.test(line)).length, 0);
}

interface Runs {
	ids: string[];
	/** callbacks per webhook process */
	spread: string;
}

/** Runs `count` executions of the workflow at once through the webhook processes, checks each ran its last node once. */
async function runThroughWebhooks(
	context: ScenarioContext,
	expect: Expectations,
	workflowId: string,
	count: number,
	prompts: number,
	whileParked: (ids: string[]) => Promise<void> = async () => {},
): Promise<Runs> {
	const { cluster } = context;
	const front = cluster.front!;
	front.setTargets(cluster.webhookBases);
	const before = new Map(cluster.webhookBases.map((base) => [base, front.forwarded.get(base) ?? 0]));
	try {
		const workflow = { id: workflowId, nodes: [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger' }] };
		const ids = await Promise.all(Array.from({ length: count }, async () => await startManualRun(cluster.base, cluster.cookie, workflow)));
		const parked = await Promise.all(ids.map(async (id) => await waitForExecution(cluster, id, (e) => e.status !== 'new' && e.status !== 'running', 90_000, 100)));
		await whileParked(ids);
		for (const [index, id] of ids.entries()) {
			const status = await waitForExecutionEnd(cluster.base, cluster.cookie, id, 180_000);
			const stored = await readExecution(cluster, id);
			const audit = auditExecution(cluster.stage.emulator, stored);
			const runs = stored.execution?.data.resultData.runData ?? {};
			expect.that(status === 'success', `execution ${id} (parked as ${parked[index].status}) ended ${status}`);
			expect.that(audit.doubles === 0 && audit.lost.length === 0, `execution ${id}: ${audit.doubles} doubles, lost ${audit.lost.join(', ')}`);
			expect.that(
				audit.items.length === prompts && audit.items.every((item) => item.json.status === 'SUCCESS'),
				`execution ${id}: items ${audit.items.map((item) => item.json.status).join(',')}`,
			);
			expect.that(runs[PUBLISH_NODE]?.length === 1, `execution ${id}: Publish ran ${runs[PUBLISH_NODE]?.length ?? 0} times in the stored data`);
		}
		// The posts arrive as the resumed jobs run: give a second resume time to show.
		await sleep(3000);
		for (const id of ids) {
			expect.that(front.publishes(id) === 1, `execution ${id}: published ${front.publishes(id)} times (resumed ${jobStarts(context, id) - 1} times)`);
		}
		const spread = cluster.webhookBases.map((base, index) => `webhook${index + 1}: ${(front.forwarded.get(base) ?? 0) - (before.get(base) ?? 0)}`).join(', ');
		const reached = cluster.webhookBases.filter((base) => (front.forwarded.get(base) ?? 0) > (before.get(base) ?? 0)).length;
		expect.that(reached === cluster.webhookBases.length, `the callbacks reached only ${reached} of the webhook processes (${spread})`);
		return { ids, spread };
	} finally {
		front.setTargets([cluster.base]);
	}
}

const jobsLine = (context: ScenarioContext, ids: string[]) => ids.map((id) => jobStarts(context, id)).join('/');

export const webhooksNoFault: Scenario = {
	name: '7. Callback mode, two webhook processes behind one address: the next node runs once per execution',
	async run(context) {
		const expect = new Expectations();
		const emulator = context.cluster.stage.emulator;
		emulator.reset();
		emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: 3000 });
		const { ids, spread } = await runThroughWebhooks(context, expect, 'qWebhooks6', 2, 6);
		const publishes = ids.map((id) => context.cluster.front!.publishes(id)).join('/');
		expect.measure(`2 executions × 6 prompts: published ${publishes} times, worker jobs per execution ${jobsLine(context, ids)} (start + resume); callbacks ${spread}`);
		return expect.outcome();
	},
};

export const webhooksWorkerKilled: Scenario = {
	name: '8. Callback mode behind webhook processes, a worker killed while parked: the next node runs once per execution',
	async run(context) {
		const expect = new Expectations();
		const { cluster } = context;
		const emulator = cluster.stage.emulator;
		emulator.reset();
		emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: 8000 });
		let killed = '';
		const { ids } = await runThroughWebhooks(context, expect, 'qWebhooks6', 2, 6, async (parkedIds) => {
			const victim = cluster.workers.find((worker) => worker.name === cluster.workerOf(parkedIds[0])[0] && !worker.exited());
			if (!expect.that(victim, `no live worker ran execution ${parkedIds[0]}`)) return;
			killed = victim!.name;
			victim!.signal('SIGKILL');
			await victim!.exit;
		});
		// The cluster keeps its size for whatever runs next.
		await cluster.startWorker();
		const publishes = ids.map((id) => cluster.front!.publishes(id)).join('/');
		expect.measure(`${killed} killed (SIGKILL) while 2 × 6 prompts were parked: published ${publishes} times, worker jobs ${jobsLine(context, ids)}`);
		return expect.outcome();
	},
};

export const webhooksBurst: Scenario = {
	name: '9. Callback mode behind webhook processes, a burst of 10 executions: the next node runs once each',
	async run(context) {
		const expect = new Expectations();
		const emulator = context.cluster.stage.emulator;
		emulator.reset();
		emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: 3000 });
		const { ids, spread } = await runThroughWebhooks(context, expect, 'qWebhooks2', 10, 2);
		const total = ids.reduce((sum, id) => sum + context.cluster.front!.publishes(id), 0);
		expect.measure(`10 executions × 2 prompts at once: ${total} publishes for 10 executions; callbacks ${spread}`);
		return expect.outcome();
	},
};
