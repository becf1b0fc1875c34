import { cancelledError } from '../model/errors';
import { SUBMIT_CODE } from '../model/submitCodes';
import { submittedTaskSnapshot, type MjTask, type SubmittedTask } from '../model/task';
import type { TaskPoller } from './poller';

/**
 * Runs one task per input item: submits with bounded concurrency and waits
 * for all of them together through the shared poller(s). A job holds a slot from
 * its submit until its task ends, so Max Concurrent Tasks bounds the tasks in
 * flight (1 = one after another). Outcomes come back in input order, and a
 * task id, once created, is in its outcome whatever happens next.
 */

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
	/** the poller that waits for this job's task (one per poll interval) */
	pollerFor: (job: TaskJob) => TaskPoller;
	isCancelled: () => boolean;
	now?: () => number;
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
			return { itemIndex: job.itemIndex, ok: false, error: cancelledError() };
		}
		let submitted: SubmittedTask;
		try {
			submitted = await job.submit(now() + job.timeoutMs);
		} catch (error) {
			return { itemIndex: job.itemIndex, ok: false, error };
		}
		const snapshot = submittedTaskSnapshot(submitted);
		// A MODAL task waits for the Modal operation: nothing to poll for.
		if (!job.waitForCompletion || submitted.code === SUBMIT_CODE.modal) {
			return { itemIndex: job.itemIndex, ok: true, submitted, task: snapshot, timedOut: false };
		}
		try {
			const result = await options.pollerFor(job).watch(submitted.taskId, {
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
