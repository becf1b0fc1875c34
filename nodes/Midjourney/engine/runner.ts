import { MidjourneyError } from './errors';
import type { TaskPoller } from './poller';
import type { MjTask } from './taskOutput';

/**
 * Runs one task per input item: submits with bounded concurrency and waits
 * for all of them together through the shared poller. A job holds a slot from
 * its submit until its task ends, so Max Concurrent Tasks bounds the tasks in
 * flight (1 = one after another). Outcomes come back in input order, and a
 * task id, once created, is in its outcome whatever happens next.
 */

export interface SubmittedTask {
	taskId: string;
	/** submit code: 1 accepted, 21 modal, 22 queued */
	code: number;
	description?: string;
	queuePosition?: number;
}

export interface TaskJob {
	itemIndex: number;
	/** sends the submit request(s); `deadline` bounds queue-full retries */
	submit: (deadline: number) => Promise<SubmittedTask>;
	waitForCompletion: boolean;
	timeoutMs: number;
	initialDelayMs: number;
}

export type JobOutcome =
	| {
			itemIndex: number;
			ok: true;
			submitted: SubmittedTask;
			task: MjTask;
			/** the wait ran out before a final status */
			timedOut: boolean;
			lastError?: string;
	  }
	| { itemIndex: number; ok: false; error: unknown; submitted?: SubmittedTask };

export interface RunOptions {
	concurrency: number;
	poller: TaskPoller;
	isCancelled: () => boolean;
	now?: () => number;
}

/** The task as known right after submit, before any poll. */
export function submittedTaskSnapshot(submitted: SubmittedTask): MjTask {
	const status = submitted.code === 21 ? 'MODAL' : submitted.code === 22 ? 'NOT_START' : 'SUBMITTED';
	return { id: submitted.taskId, status, progress: '0%', description: submitted.description };
}

/** Runs `worker` over `items` with at most `limit` running at once; results in input order. */
export async function mapWithConcurrency<T, R>(
	items: T[],
	limit: number,
	worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await worker(items[index], index);
		}
	});
	await Promise.all(lanes);
	return results;
}

export async function runJobs(jobs: TaskJob[], options: RunOptions): Promise<JobOutcome[]> {
	const now = options.now ?? Date.now;
	return await mapWithConcurrency(jobs, options.concurrency, async (job): Promise<JobOutcome> => {
		if (options.isCancelled()) {
			return { itemIndex: job.itemIndex, ok: false, error: new MidjourneyError('cancelled', 'The execution was cancelled') };
		}
		let submitted: SubmittedTask;
		try {
			submitted = await job.submit(now() + job.timeoutMs);
		} catch (error) {
			return { itemIndex: job.itemIndex, ok: false, error };
		}
		const snapshot = submittedTaskSnapshot(submitted);
		// A MODAL task waits for the Modal operation: nothing to poll for.
		if (!job.waitForCompletion || submitted.code === 21) {
			return { itemIndex: job.itemIndex, ok: true, submitted, task: snapshot, timedOut: false };
		}
		try {
			const result = await options.poller.watch(submitted.taskId, {
				initialDelayMs: job.initialDelayMs,
				timeoutMs: job.timeoutMs,
				initialTask: snapshot,
			});
			return {
				itemIndex: job.itemIndex,
				ok: true,
				submitted,
				task: result.task,
				timedOut: result.outcome === 'timeout',
				lastError: result.outcome === 'timeout' ? result.lastError : undefined,
			};
		} catch (error) {
			return { itemIndex: job.itemIndex, ok: false, error, submitted };
		}
	});
}
