/*
 * Scenarios 4 and 5: Callback mode in queue mode. The emulator calls the execution's resume URL
 * (the main's /webhook-waiting/...), the main hands the continuation to a worker, the output is
 * complete. Then the main is restarted while executions are parked: the callbacks that arrive
 * after it is back resume them.
 */
import { auditExecution, summary } from '../audit';
import { readExecution, waitForExecution } from '../executions';
import { startManualRun, waitForExecutionEnd } from '../../e2e/start';
import { Expectations, type Scenario, type ScenarioContext } from '../scenario';
import { callbackLossWorkflow } from './workerLoss';

const PROMPTS = 10;

async function checkResumed(context: ScenarioContext, expect: Expectations, id: string, label: string) {
	const { cluster } = context;
	const status = await waitForExecutionEnd(cluster.base, cluster.cookie, id, 120_000);
	const audit = auditExecution(cluster.stage.emulator, await readExecution(cluster, id));
	context.log(`${label}: ${summary(audit)}; started on ${cluster.workerOf(id).join(', ')}`);
	expect.that(status === 'success', `${label}: execution ${id} ended ${status}`);
	expect.that(audit.doubles === 0 && audit.lost.length === 0, `${label}: ${audit.doubles} doubles, lost ${audit.lost.join(', ')}`);
	expect.that(
		audit.items.length === PROMPTS && audit.items.every((item) => item.json.status === 'SUCCESS' && typeof item.json.imageUrl === 'string'),
		`${label}: items ${audit.items.map((item) => item.json.status).join(',')}`,
	);
	const polls = cluster.stage.emulator.requests.filter((r) => r.kind === 'list' || r.kind === 'fetch').length;
	return { audit, polls };
}

export const callbackInQueueMode: Scenario = {
	name: '4. Callback mode in queue mode: resumed through the main, continued on a worker',
	async run(context) {
		const { cluster } = context;
		const expect = new Expectations();
		cluster.stage.emulator.reset();
		cluster.stage.emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: 3000 });
		const id = await startManualRun(cluster.base, cluster.cookie, callbackLossWorkflow());
		const parked = await waitForExecution(cluster, id, (e) => e.status === 'waiting', 60_000, 50);
		expect.that(parked.status === 'waiting', `execution ${id} did not park (status ${parked.status})`);
		const startsBefore = cluster.workerOf(id).length;
		const { polls } = await checkResumed(context, expect, id, 'callback');
		// Each worker logs "started execution <id>" for the first part and for the continuation.
		const starts = cluster.workers.flatMap((worker) =>
			worker.lines().filter((line) => new RegExp(`Worker started execution ${id}\\b`).test(line)),
		).length;
		expect.that(starts >= 2, `the continuation did not run on a worker (${starts} job starts for execution ${id})`);
		expect.measure(
			`${PROMPTS} prompts, T = 3 s: parked, resumed through the main, continued on ${cluster.workerOf(id).join(' + ')} ` +
				`(${starts} jobs, ${startsBefore} before the resume); ${polls} status requests while parked (the node re-reads the tasks on resume)`,
		);
		return expect.outcome();
	},
};

export const mainRestart: Scenario = {
	name: '5. main restarted while executions wait in Callback mode: they resume',
	async run(context) {
		const { cluster } = context;
		const expect = new Expectations();
		cluster.stage.emulator.reset();
		// Long enough for the main to be back before the tasks end: the emulator, like the real
		// servers, does not retry a callback that finds nobody listening.
		cluster.stage.emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: 30_000 });
		const ids = await Promise.all([0, 1].map(() => startManualRun(cluster.base, cluster.cookie, callbackLossWorkflow())));
		for (const id of ids) {
			const parked = await waitForExecution(cluster, id, (e) => e.status === 'waiting', 60_000, 100);
			expect.that(parked.status === 'waiting', `execution ${id} did not park (status ${parked.status})`);
		}
		const restartStarted = Date.now();
		await cluster.restartMain('SIGTERM');
		const restartMs = Date.now() - restartStarted;
		const firstEnd = Math.min(...[...cluster.stage.emulator.tasks.values()].map((task) => task.submitTime + 30_000));
		expect.that(Date.now() < firstEnd, `the main took ${restartMs} ms to restart: the tasks ended before it was back`);
		for (const id of ids) await checkResumed(context, expect, id, `after the restart`);
		expect.measure(`main restarted (SIGTERM, start, REST up) in ${(restartMs / 1000).toFixed(1)} s while 2 × ${PROMPTS} prompts were parked; both resumed`);
		return expect.outcome();
	},
};
