import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { TaskPoller } from '../../../../nodes/Midjourney/waiting/poller';
import { mapWithConcurrency, runJobs, type TaskJob } from '../../../../nodes/Midjourney/waiting/runner';
import type { MjTask } from '../../../../nodes/Midjourney/model/task';
import { isTransientError } from '../../../../nodes/Midjourney/transport/client';
import { VirtualClock } from './virtualClock';

/** A fake server: each submitted task finishes `durationMs` after its submit. */
function fakeServer(clock: VirtualClock, durationMs: number) {
	const submittedAt = new Map<string, number>();
	let inFlightPeak = 0;
	const inFlight = () => [...submittedAt].filter(([, at]) => clock.time < at + durationMs).length;
	return {
		submittedAt,
		peak: () => inFlightPeak,
		submit: (id: string) => {
			submittedAt.set(id, clock.time);
			inFlightPeak = Math.max(inFlightPeak, inFlight());
			return { taskId: id, code: 1 };
		},
		fetchTasks: async (ids: string[]) =>
			new Map<string, MjTask>(
				ids.map((id) => [
					id,
					{ id, status: clock.time >= submittedAt.get(id)! + durationMs ? 'SUCCESS' : 'IN_PROGRESS' },
				]),
			),
	};
}

/** Every job waits through the same poller. */
const singlePoller = (one: TaskPoller) => () => one;

function job(itemIndex: number, submit: TaskJob['submit'], extra: Partial<TaskJob> = {}): TaskJob {
	return { itemIndex, submit, waitForCompletion: true, timeoutMs: 60_000, initialDelayMs: 1000, ...extra };
}

function poller(clock: VirtualClock, fetchTasks: (ids: string[]) => Promise<Map<string, MjTask>>) {
	return new TaskPoller(
		{ fetchTasks, sleep: clock.sleep, now: clock.now, random: () => 0.5, isTransient: isTransientError },
		{ intervalMs: 1000 },
	);
}

describe('runJobs', () => {
	it('overlaps the waits of all items and keeps input order', async () => {
		const clock = new VirtualClock();
		const server = fakeServer(clock, 3000);
		const jobs = [0, 1, 2, 3, 4].map((i) => job(i, async () => server.submit(`t${i}`)));
		const outcomes = await runJobs(jobs, { concurrency: 10, pollerFor: singlePoller(poller(clock, server.fetchTasks)), isCancelled: () => false, now: clock.now });
		expect(outcomes.map((outcome) => outcome.itemIndex)).toEqual([0, 1, 2, 3, 4]);
		expect(outcomes.every((outcome) => outcome.ok && outcome.task.status === 'SUCCESS')).toBe(true);
		expect(server.peak()).toBe(5);
		expect(clock.time).toBe(3000);
	});

	it('runs one task after another with concurrency 1', async () => {
		const clock = new VirtualClock();
		const server = fakeServer(clock, 3000);
		const jobs = [0, 1, 2].map((i) => job(i, async () => server.submit(`t${i}`)));
		await runJobs(jobs, { concurrency: 1, pollerFor: singlePoller(poller(clock, server.fetchTasks)), isCancelled: () => false, now: clock.now });
		expect(server.peak()).toBe(1);
		expect(clock.time).toBe(9000);
	});

	it('keeps the task id when the wait fails after the submit', async () => {
		const clock = new VirtualClock();
		const failingPoller = poller(clock, async () => {
			throw new MidjourneyError('auth', 'rejected');
		});
		const [outcome] = await runJobs([job(0, async () => ({ taskId: '1773314942177684', code: 1 }))], {
			concurrency: 2,
			pollerFor: singlePoller(failingPoller),
			isCancelled: () => false,
			now: clock.now,
		});
		expect(outcome).toMatchObject({ ok: false, submitted: { taskId: '1773314942177684' } });
	});

	it('returns the submitted task at once without waiting, and MODAL tasks unpolled', async () => {
		const clock = new VirtualClock();
		const fetchTasks = jest.fn(async () => new Map<string, MjTask>());
		const outcomes = await runJobs(
			[
				job(0, async () => ({ taskId: 'a', code: 22, queuePosition: 4 }), { waitForCompletion: false }),
				job(1, async () => ({ taskId: 'b', code: 21 })),
			],
			{ concurrency: 2, pollerFor: singlePoller(poller(clock, fetchTasks)), isCancelled: () => false, now: clock.now },
		);
		expect(outcomes[0]).toMatchObject({ ok: true, task: { id: 'a', status: 'NOT_START' }, submitted: { queuePosition: 4 } });
		expect(outcomes[1]).toMatchObject({ ok: true, task: { id: 'b', status: 'MODAL' } });
		expect(fetchTasks).not.toHaveBeenCalled();
	});

	it('submits nothing more once cancelled', async () => {
		const clock = new VirtualClock();
		let cancelled = false;
		const submit = jest.fn(async () => {
			cancelled = true;
			return { taskId: 'x', code: 1 };
		});
		const outcomes = await runJobs([job(0, submit, { waitForCompletion: false }), job(1, submit), job(2, submit)], {
			concurrency: 1,
			pollerFor: singlePoller(poller(clock, async () => new Map())),
			isCancelled: () => cancelled,
			now: clock.now,
		});
		expect(submit).toHaveBeenCalledTimes(1);
		expect(outcomes.slice(1).map((outcome) => outcome.ok)).toEqual([false, false]);
	});

	it('passes a deadline of submit time + timeout for queue-full retries', async () => {
		const clock = new VirtualClock();
		clock.time = 5000;
		const submit = jest.fn(async (deadline: number) => ({ taskId: String(deadline), code: 1 }));
		await runJobs([job(0, submit, { waitForCompletion: false, timeoutMs: 30_000 })], {
			concurrency: 1,
			pollerFor: singlePoller(poller(clock, async () => new Map())),
			isCancelled: () => false,
			now: clock.now,
		});
		expect(submit).toHaveBeenCalledWith(35_000);
	});
});

describe('mapWithConcurrency', () => {
	it('never runs more than the limit at once', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (value) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setImmediate(resolve));
			running--;
			return value * 2;
		});
		expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
		expect(peak).toBe(3);
	});
});
