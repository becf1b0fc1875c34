import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { TaskPoller } from '../../../../nodes/Midjourney/waiting/poller';
import type { MjTask } from '../../../../nodes/Midjourney/model/task';
import { isTransientError } from '../../../../nodes/Midjourney/transport/client';
import { VirtualClock } from './virtualClock';

/** Tasks that finish at a given virtual time. */
function taskServer(clock: VirtualClock, finishAt: Record<string, number>) {
	const calls: string[][] = [];
	const fetchTasks = async (ids: string[]) => {
		calls.push([...ids]);
		const found = new Map<string, MjTask>();
		for (const id of ids) {
			const done = clock.time >= finishAt[id];
			found.set(id, { id, status: done ? 'SUCCESS' : 'IN_PROGRESS', progress: done ? '100%' : '45%' });
		}
		return found;
	};
	return { calls, fetchTasks };
}

function makePoller(clock: VirtualClock, fetchTasks: (ids: string[]) => Promise<Map<string, MjTask>>, intervalMs = 1000) {
	return new TaskPoller(
		{ fetchTasks, sleep: clock.sleep, now: clock.now, random: () => 0.5, isTransient: isTransientError },
		{ intervalMs, jitter: 0.1 },
	);
}

describe('TaskPoller', () => {
	it('reads every task in flight with one request per tick', async () => {
		const clock = new VirtualClock();
		const server = taskServer(clock, { a: 3000, b: 5000, c: 5000 });
		const poller = makePoller(clock, server.fetchTasks);
		const results = await Promise.all(
			['a', 'b', 'c'].map(async (id) => await poller.watch(id, { initialDelayMs: 1000, timeoutMs: 60_000 })),
		);
		expect(results.map((result) => result.outcome)).toEqual(['final', 'final', 'final']);
		expect(results.map((result) => result.task.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
		// one call per tick, all ids together, finished ones dropped
		expect(server.calls[0]).toEqual(['a', 'b', 'c']);
		expect(server.calls.length).toBe(5);
		expect(server.calls[3]).toEqual(['b', 'c']);
	});

	it('waits for the initial delay before the first poll', async () => {
		const clock = new VirtualClock();
		const firstPollTimes: number[] = [];
		const poller = makePoller(clock, async (ids) => {
			firstPollTimes.push(clock.time);
			return new Map(ids.map((id) => [id, { id, status: 'SUCCESS' }]));
		});
		await poller.watch('x', { initialDelayMs: 7000, timeoutMs: 60_000 });
		expect(firstPollTimes).toEqual([7000]);
	});

	it('times out with the last status seen, on time', async () => {
		const clock = new VirtualClock();
		const server = taskServer(clock, { stuck: Infinity, next: 0 });
		const poller = makePoller(clock, server.fetchTasks);
		const result = await poller.watch('stuck', { initialDelayMs: 1000, timeoutMs: 10_000 });
		expect(result.outcome).toBe('timeout');
		expect(result.task).toMatchObject({ id: 'stuck', status: 'IN_PROGRESS', progress: '45%' });
		expect(clock.time).toBe(10_000);
		// Nothing is watched any more: the next watch's read carries its own task alone.
		await poller.watch('next', { initialDelayMs: 1000, timeoutMs: 10_000 });
		expect(server.calls.at(-1)).toEqual(['next']);
	});

	it('backs off on transient faults and survives them', async () => {
		const clock = new VirtualClock();
		let failures = 3;
		const poller = makePoller(clock, async (ids) => {
			if (failures-- > 0) throw new MidjourneyError('unavailable', 'HTTP 503', { httpCode: 503 });
			return new Map(ids.map((id) => [id, { id, status: 'SUCCESS' }]));
		});
		const result = await poller.watch('t', { initialDelayMs: 1000, timeoutMs: 120_000 });
		expect(result.outcome).toBe('final');
		// interval 1000, then exponential backoff 1000, 2000, 4000 (random 0.5 = no jitter)
		expect(clock.sleeps).toEqual([1000, 1000, 2000, 4000]);
	});

	it('obeys Retry-After', async () => {
		const clock = new VirtualClock();
		let failed = false;
		const poller = makePoller(clock, async (ids) => {
			if (!failed) {
				failed = true;
				throw new MidjourneyError('unavailable', 'HTTP 429', { httpCode: 429, retryAfterMs: 9000 });
			}
			return new Map(ids.map((id) => [id, { id, status: 'SUCCESS' }]));
		});
		await poller.watch('t', { initialDelayMs: 1000, timeoutMs: 120_000 });
		expect(clock.sleeps[1]).toBeGreaterThanOrEqual(9000);
	});

	it('reports a timeout with the last fault when faults never stop', async () => {
		const clock = new VirtualClock();
		const poller = makePoller(clock, async () => {
			throw new MidjourneyError('badResponse', 'not valid JSON');
		});
		const result = await poller.watch('t', { initialDelayMs: 1000, timeoutMs: 30_000 });
		expect(result).toMatchObject({ outcome: 'timeout', lastError: 'not valid JSON' });
		expect(clock.time).toBe(30_000);
	});

	it('fails every waiting task on a fatal error', async () => {
		const clock = new VirtualClock();
		const poller = makePoller(clock, async () => {
			throw new MidjourneyError('auth', 'The API key was rejected');
		});
		const waits = ['a', 'b'].map(async (id) => await poller.watch(id, { initialDelayMs: 1000, timeoutMs: 30_000 }));
		await expect(waits[0]).rejects.toThrow('The API key was rejected');
		await expect(waits[1]).rejects.toThrow('The API key was rejected');
	});

	it('rejects the waits when the execution is cancelled', async () => {
		const clock = new VirtualClock();
		const server = taskServer(clock, { a: Infinity });
		const poller = makePoller(clock, async (ids) => {
			if (clock.time >= 3000) clock.cancelled = true;
			return await server.fetchTasks(ids);
		});
		await expect(poller.watch('a', { initialDelayMs: 1000, timeoutMs: 60_000 })).rejects.toThrow('cancelled');
		expect(clock.time).toBeLessThan(5000);
	});

	it('starts again for tasks added after the loop went idle', async () => {
		const clock = new VirtualClock();
		const server = taskServer(clock, { a: 1000, b: 4000 });
		const poller = makePoller(clock, server.fetchTasks);
		await poller.watch('a', { initialDelayMs: 1000, timeoutMs: 60_000 });
		const second = await poller.watch('b', { initialDelayMs: 1000, timeoutMs: 60_000 });
		expect(second).toMatchObject({ outcome: 'final', task: { status: 'SUCCESS' } });
	});
});

describe('TaskPoller: issue 9', () => {
	it('an Initial Delay longer than the Timeout still polls once, at the deadline', async () => {
		const clock = new VirtualClock();
		const server = taskServer(clock, { a: Infinity });
		const poller = makePoller(clock, server.fetchTasks);
		const result = await poller.watch('a', { initialDelayMs: 60_000, timeoutMs: 5000 });
		expect(result.outcome).toBe('timeout');
		expect(result.task.progress).toBe('45%');
		expect(server.calls).toEqual([['a']]);
		expect(clock.time).toBe(5000);
	});

	it('status spellings end the wait: "success", "FAILED", "canceled"', async () => {
		const clock = new VirtualClock();
		const statuses: Record<string, string> = { a: 'success', b: 'FAILED', c: 'canceled' };
		let reads = 0;
		const fetchTasks = async (ids: string[]) => {
			reads++;
			return new Map(ids.map((id) => [id, { id, status: statuses[id] } as MjTask]));
		};
		const poller = makePoller(clock, fetchTasks);
		const results = await Promise.all(
			['a', 'b', 'c'].map(async (id) => await poller.watch(id, { initialDelayMs: 0, timeoutMs: 60_000 })),
		);
		expect(results.map((result) => [result.outcome, result.task.status])).toEqual([
			['final', 'SUCCESS'],
			['final', 'FAILURE'],
			['final', 'CANCEL'],
		]);
		expect(reads).toBe(1);
	});
});
