/*
 * Scenario 6: 200 prompts in flight across the cluster (4 executions × 50, two workers) against an
 * account that runs 3 tasks and queues 10 more (codes 22 and 23), with faults on: 429 bursts on
 * submits, 5xx and dropped connections on status reads. Faults that would leave a submit's fate
 * unknown (5xx or a reset after it was sent) are left out: the node rightly does not resend those,
 * so such a prompt ends with an error and no task id, by design (README, Errors).
 * Every prompt ends SUCCESS or as an error item with its task id; zero doubles; peak RSS per worker.
 */
import { acceptedSubmits, auditExecution, summary, unaccountedItems } from '../audit';
import { runTogether } from '../executions';
import { memoryOf } from '../processes';
import { Expectations, type Scenario } from '../scenario';
import { batchWorkflow } from '../workflows';

const PROMPTS = 50;
const EXECUTIONS = 4;
const TASK_MS = 400;
export const loadWorkflow = () =>
	batchWorkflow(
		'qLoad50',
		PROMPTS,
		{ pollInterval: 1, initialDelay: 0, timeout: 600, maxConcurrency: PROMPTS },
		// Continue On Fail: every prompt gets its item, an error one included.
		{ onError: 'continueRegularOutput' },
	);

export const load: Scenario = {
	name: `6. load: ${EXECUTIONS * PROMPTS} prompts, 3 running + 10 queued, 429 / 5xx / dropped connections`,
	async run(context) {
		const { cluster } = context;
		const expect = new Expectations();
		const { emulator } = cluster.stage;
		emulator.reset();
		emulator.setOptions({
			concurrency: 3,
			queueSize: 10,
			taskDurationMs: TASK_MS,
			faults: [
				{ target: 'submit', kind: '429', everyNth: 7, retryAfterSec: 1 },
				{ target: 'list', kind: '500', everyNth: 5 },
				{ target: 'list', kind: '503', everyNth: 11, retryAfterSec: 1 },
				{ target: 'list', kind: 'drop-before', everyNth: 9 },
				{ target: 'fetch', kind: 'drop-before', everyNth: 9 },
			],
		});
		try {
			const batch = await runTogether(cluster, loadWorkflow(), EXECUTIONS, 420_000);
			let prompts = 0;
			let refusedPrompts = 0;
			const errors: string[] = [];
			for (const stored of batch.executions) {
				const audit = auditExecution(emulator, stored);
				prompts += audit.created.size;
				context.log(`load: ${summary(audit)} on ${cluster.workerOf(stored.id).join(', ')}`);
				expect.that(audit.items.length === PROMPTS, `execution ${stored.id} (${stored.status}) gave ${audit.items.length} items`);
				expect.that(audit.doubles === 0, `execution ${stored.id}: ${audit.doubles} prompts submitted twice`);
				expect.that(audit.lost.length === 0, `execution ${stored.id} lost task ids ${audit.lost.join(', ')}`);
				const unaccounted = unaccountedItems(audit);
				const refused = audit.items.filter((item) => item.json.error && typeof item.json.taskId !== 'string');
				errors.push(...audit.items.filter((item) => item.json.error).map((item) => String(item.json.error).slice(0, 120)));
				refusedPrompts += refused.length;
				expect.that(
					unaccounted.length === 0,
					`execution ${stored.id}: ${unaccounted.length} items neither SUCCESS nor an error with a task id, e.g. ${JSON.stringify(unaccounted[0]?.json ?? null).slice(0, 300)}`,
				);
			}
			const requests = emulator.requests;
			const count = (predicate: (r: (typeof requests)[number]) => boolean) => requests.filter(predicate).length;
			const submits = requests.filter((r) => r.kind === 'submit-imagine');
			const queueFull = count((r) => r.kind === 'submit-imagine' && r.status === 200 && !r.createdTaskId);
			expect.that(
				prompts + refusedPrompts === EXECUTIONS * PROMPTS,
				`${prompts} prompts created a task and ${refusedPrompts} were refused, of ${EXECUTIONS * PROMPTS}`,
			);
			const kinds = [...new Set(errors.map((e) => e.replace(/\d{6,}/g, 'N')))];
			expect.measure(`${errors.length} error items (${refusedPrompts} without a task: nothing created)${kinds.length ? `: ${kinds.slice(0, 3).join(' | ')}` : ''}`);
			const memory = cluster.workers
				.filter((worker) => !worker.exited())
				.map((worker) => {
					const m = memoryOf(worker.pid);
					return `${worker.name} ${m ? `${m.peakMb.toFixed(0)} MB peak (VmHWM), ${m.rssMb.toFixed(0)} MB now` : 'gone'}`;
				});
			const main = memoryOf(cluster.main.pid);
			expect.measure(
				`${EXECUTIONS} × ${PROMPTS} prompts, T = ${TASK_MS} ms, emulator 3 running + 10 queued: ${(batch.wallMs / 1000).toFixed(1)} s; ` +
					`${acceptedSubmits(requests).length} tasks created from ${submits.length} submit requests ` +
					`(${queueFull} refused with code 23, ${count((r) => r.kind === 'submit-imagine' && r.fault === '429')} × 429); ` +
					`${count((r) => r.kind === 'list')} list requests (${count((r) => r.kind === 'list' && r.fault !== undefined)} faulted)`,
			);
			expect.measure(`memory: ${memory.join('; ')}; main ${main ? `${main.peakMb.toFixed(0)} MB peak` : 'gone'}`);
		} finally {
			emulator.setOptions({ faults: [], concurrency: 1000, queueSize: 1000 });
		}
		return expect.outcome();
	},
};
