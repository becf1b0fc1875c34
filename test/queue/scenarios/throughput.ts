/*
 * Scenario 1: four executions of a 25-prompt Imagine batch started together spread over the two
 * workers; each succeeds with the items a single n8n process gives for the same workflow; the
 * emulator saw exactly one accepted submit per prompt. Wall time against one worker.
 * The cluster starts with one worker; this scenario measures it, then starts the second.
 */
import { executeWorkflow, nodeOutput, type Item } from '../../e2e/n8n';
import { freePort } from '../../e2e/start';
import { acceptedSubmits, auditExecution, summary } from '../audit';
import { runTogether } from '../executions';
import { Expectations, type Scenario, type ScenarioContext } from '../scenario';
import { batchWorkflow, IMAGINE_NODE } from '../workflows';

export const PROMPTS = 25;
const EXECUTIONS = 4;
const TASK_MS = 2000;
export const throughputWorkflow = () =>
	batchWorkflow('qThroughput25', PROMPTS, { pollInterval: 1, initialDelay: 0, timeout: 120 });

/** An item as the user sees it, without what differs from run to run (ids, times, hashes). */
function shape(item: Item, index: number): string {
	const { json } = item;
	return JSON.stringify({
		keys: Object.keys(json).sort(),
		status: json.status,
		action: json.action,
		progress: json.progress,
		prompt: String(json.prompt).replace(/of execution \d+/, 'of execution N'),
		buttons: Array.isArray(json.actions) ? json.actions.map((a: { label: string }) => a.label) : undefined,
		paired: (item.pairedItem as { item?: number } | undefined)?.item ?? index,
	});
}

async function runBatch(context: ScenarioContext, expect: Expectations, label: string) {
	const { cluster } = context;
	cluster.stage.emulator.reset();
	const batch = await runTogether(cluster, throughputWorkflow(), EXECUTIONS);
	const audits = batch.executions.map((stored) => auditExecution(cluster.stage.emulator, stored));
	for (const audit of audits) {
		context.log(`${label}: ${summary(audit)} on ${cluster.workerOf(audit.executionId).join(', ')}`);
		expect.that(audit.status === 'success', `${label}: execution ${audit.executionId} ended ${audit.status}`);
		expect.that(audit.items.length === PROMPTS, `${label}: execution ${audit.executionId} gave ${audit.items.length} items`);
		expect.that(
			audit.created.size === PROMPTS && audit.doubles === 0,
			`${label}: execution ${audit.executionId}: ${audit.created.size} prompts created tasks, ${audit.doubles} doubles`,
		);
		expect.that(audit.lost.length === 0, `${label}: execution ${audit.executionId} lost ${audit.lost.join(', ')}`);
	}
	const accepted = acceptedSubmits(cluster.stage.emulator.requests).length;
	expect.that(accepted === PROMPTS * EXECUTIONS, `${label}: the emulator accepted ${accepted} submits for ${PROMPTS * EXECUTIONS} prompts`);
	return { batch, audits };
}

export const throughput: Scenario = {
	name: `1. throughput: ${EXECUTIONS} executions × ${PROMPTS} prompts over two workers`,
	async run(context) {
		const { cluster } = context;
		const expect = new Expectations();
		cluster.stage.emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: TASK_MS });

		// The reference: the same workflow in one n8n process (`n8n execute`, regular mode).
		cluster.stage.emulator.reset();
		const env = { ...cluster.stage.env, EXECUTIONS_MODE: 'regular', N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		const single = await executeWorkflow(cluster.install, env, 'qThroughput25');
		const reference = single.execution ? nodeOutput(single.execution, IMAGINE_NODE).map(shape) : [];
		expect.that(reference.length === PROMPTS, `single process: ${reference.length} items (${single.error ?? 'no error'})`);

		const alive = () => cluster.workers.filter((worker) => !worker.exited());
		expect.that(alive().length === 1, `expected to start with one worker, found ${alive().length}`);
		const one = await runBatch(context, expect, 'one worker');
		await cluster.startWorker();
		const two = await runBatch(context, expect, 'two workers');

		const used = new Set(two.batch.ids.flatMap((id) => cluster.workerOf(id)));
		expect.that(used.size === 2, `the 4 executions ran on ${[...used].join(', ') || 'no worker'}; expected both workers`);
		for (const audit of two.audits) {
			const shapes = audit.items.map(shape);
			const differing = shapes.findIndex((s, i) => s !== reference[i]);
			expect.that(
				differing === -1 && shapes.length === reference.length,
				`execution ${audit.executionId}: item ${differing} differs from the single process: ${shapes[differing]} vs ${reference[differing]}`,
			);
		}
		const perWorker = [...used].map((name) => `${name}: ${two.batch.ids.filter((id) => cluster.workerOf(id).includes(name)).length}`);
		expect.measure(
			`${EXECUTIONS} × ${PROMPTS} prompts, T = ${TASK_MS / 1000} s, poll 1 s, worker concurrency 2: ` +
				`one worker ${(one.batch.wallMs / 1000).toFixed(1)} s, two workers ${(two.batch.wallMs / 1000).toFixed(1)} s ` +
				`(executions per worker: ${perWorker.join(', ')}); single process, 1 × ${PROMPTS}: ${(single.cli.ms / 1000).toFixed(1)} s incl. CLI start`,
		);
		return expect.outcome();
	},
};
