/*
 * Scenarios 2 and 3: the worker running a 10-prompt execution is lost while the execution waits,
 * by SIGKILL, or by SIGTERM with n8n's graceful shutdown timeout (3 s here) shorter than the wait.
 *
 * Poll mode: the execution waits inside the worker's job, so losing the worker leaves a stalled
 * Bull job. What n8n does with it is measured and checked against what the README documents
 * (1.x re-runs the job from the start, 2.x fails it); either way a guarantee breaks.
 * Callback mode: the execution is parked in Postgres right after the submits; the worker is lost
 * after the park, the callbacks resume it on the surviving worker: no double, no lost id. The
 * window in which a loss still hurts (first submit until the park is stored) is measured.
 */
import { acceptedSubmits, auditExecution, summary } from '../audit';
import { readExecution, waitForExecution } from '../executions';
import { startManualRun, waitForExecutionEnd } from '../../e2e/start';
import { Expectations, sleep, type Scenario, type ScenarioContext } from '../scenario';
import { batchWorkflow, promptOwner } from '../workflows';

const PROMPTS = 10;
const TASK_MS = 8000;
const OPTIONS = { pollInterval: 1, initialDelay: 0, timeout: 120 };
export const pollLossWorkflow = () => batchWorkflow('qLossPoll10', PROMPTS, OPTIONS);
export const callbackLossWorkflow = () => batchWorkflow('qLossCallback10', PROMPTS, { ...OPTIONS, waitMode: 'callback' });

type WaitMode = 'poll' | 'callback';

/** What a Poll-mode execution's stalled job becomes, per n8n major version (see the README). */
export function documentedPollLoss(version: string): { doubles: number; lost: number; status: string } {
	return version.startsWith('1.')
		? // maxStalledCount 1: the job runs again from the start on another worker; the first run's ids are gone.
			{ doubles: PROMPTS, lost: PROMPTS, status: 'success' }
		: // maxStalledCount 0: the job fails; the execution ends in error without its ids.
			{ doubles: 0, lost: PROMPTS, status: 'error' };
}

function submitsOf(context: ScenarioContext, executionId: string) {
	return acceptedSubmits(context.cluster.stage.emulator.requests).filter(
		(r) => promptOwner((r.body as { prompt?: unknown })?.prompt) === executionId,
	);
}

async function loseWorker(context: ScenarioContext, signal: 'SIGKILL' | 'SIGTERM', waitMode: WaitMode) {
	const { cluster } = context;
	const expect = new Expectations();
	cluster.stage.emulator.reset();
	cluster.stage.emulator.setOptions({ concurrency: 1000, queueSize: 1000, taskDurationMs: TASK_MS });
	const workflow = waitMode === 'poll' ? pollLossWorkflow() : callbackLossWorkflow();
	const id = await startManualRun(cluster.base, cluster.cookie, workflow);

	// Wait for the point of loss: all submits made (Poll), or the park stored (Callback).
	let parkedAt: number | undefined;
	if (waitMode === 'callback') {
		const parked = await waitForExecution(cluster, id, (e) => e.status === 'waiting', 60_000, 50);
		parkedAt = Date.now();
		expect.that(parked.status === 'waiting', `execution ${id} never parked (status ${parked.status})`);
	} else {
		const deadline = Date.now() + 60_000;
		while (submitsOf(context, id).length < PROMPTS && Date.now() < deadline) await sleep(100);
		await sleep(1000);
	}
	const submits = submitsOf(context, id);
	const [victimName] = cluster.workerOf(id);
	const victim = cluster.workers.find((worker) => worker.name === victimName);
	if (!expect.that(victim && submits.length === PROMPTS, `execution ${id}: ${submits.length} submits, worker ${victimName ?? 'unknown'}`)) {
		return expect.outcome();
	}
	if (parkedAt !== undefined) {
		// The wait is safe once the worker has finished the job (Bull no longer holds it), which is
		// a little after the execution shows as waiting.
		const finished = new RegExp(`Worker finished execution ${id}\\b`);
		const deadline = Date.now() + 30_000;
		while (!victim!.lines().some((line) => finished.test(line)) && Date.now() < deadline) await sleep(20);
		const jobDoneAt = Date.now();
		expect.measure(
			`window in which a worker loss still hurts, first submit → job finished (the park stored): ` +
				`${jobDoneAt - submits[0].at} ms for ${PROMPTS} prompts (→ status "waiting": ${parkedAt - submits[0].at} ms; ` +
				`last submit → job finished: ${jobDoneAt - submits[submits.length - 1].at} ms)`,
		);
	}

	const lostAt = Date.now();
	victim!.signal(signal);
	const replacement = cluster.startWorker();
	const how = await victim!.exit;
	const exitedAfter = Date.now() - lostAt;
	await replacement;
	const status = await waitForExecutionEnd(cluster.base, cluster.cookie, id, 120_000);
	const endedAfter = Date.now() - lostAt;
	await sleep(500);
	const audit = auditExecution(cluster.stage.emulator, await readExecution(cluster, id));
	context.log(`${waitMode}, ${signal}: ${summary(audit)}`);
	expect.measure(
		`${waitMode} mode, ${signal} to ${victim!.name} (exited by ${how} after ${exitedAfter} ms): execution ${status} ` +
			`${(endedAfter / 1000).toFixed(1)} s after the loss; ${audit.doubles} prompts submitted twice, ${audit.lost.length} of ` +
			`${[...audit.created.values()].flat().length} created task ids missing from the execution`,
	);

	if (waitMode === 'callback') {
		expect.that(audit.doubles === 0, `${audit.doubles} prompts were submitted twice`);
		expect.that(audit.lost.length === 0, `task ids lost: ${audit.lost.join(', ')}`);
		expect.that(status === 'success', `execution ended ${status}`);
		expect.that(
			audit.items.length === PROMPTS && audit.items.every((item) => item.json.status === 'SUCCESS'),
			`items: ${audit.items.map((item) => item.json.status).join(',')}`,
		);
		const resumedOn = cluster.workerOf(id).filter((name) => name !== victim!.name);
		expect.that(resumedOn.length > 0, `the continuation did not run on another worker (${cluster.workerOf(id).join(', ')})`);
	} else {
		const documented = documentedPollLoss(context.version);
		expect.that(
			audit.doubles === documented.doubles && audit.lost.length === documented.lost && status === documented.status,
			`Poll mode no longer behaves as the README documents for ${context.version} ` +
				`(documented: ${documented.doubles} doubles, ${documented.lost} lost, ${documented.status}; ` +
				`measured: ${audit.doubles}, ${audit.lost.length}, ${status}): update README "Running at scale"`,
		);
	}
	return expect.outcome();
}

export const workerKilledPoll: Scenario = {
	name: '2. worker SIGKILLed mid-wait, Poll mode (measured; the README documents it)',
	run: (context) => loseWorker(context, 'SIGKILL', 'poll'),
};
export const workerKilledCallback: Scenario = {
	name: '2. worker SIGKILLed mid-wait, Callback mode: no double, no lost id',
	run: (context) => loseWorker(context, 'SIGKILL', 'callback'),
};
export const workerStoppedPoll: Scenario = {
	name: '3. worker SIGTERMed mid-wait beyond the shutdown timeout, Poll mode (measured)',
	run: (context) => loseWorker(context, 'SIGTERM', 'poll'),
};
export const workerStoppedCallback: Scenario = {
	name: '3. worker SIGTERMed mid-wait beyond the shutdown timeout, Callback mode: no double, no lost id',
	run: (context) => loseWorker(context, 'SIGTERM', 'callback'),
};
