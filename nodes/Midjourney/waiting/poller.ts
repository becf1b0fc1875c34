import { backoffDelay, withJitter, type BackoffPolicy } from '../transport/backoff';
import { MidjourneyError, settle } from '../model/errors';
import { isFinalStatus, normaliseTask, type MjTask } from '../model/task';

/**
 * One polling loop per execution. Every task the node waits for is watched
 * here; each tick reads all tasks that are due in ONE call (list-by-condition,
 * or per-task fetch where the server lacks it), settles the finished ones and
 * sleeps. Faults on reads back the loop off; a task's wait survives them until
 * its own timeout. Pure: the reads, the clock and the sleep are injected.
 */

/** How long a read started at (or just before) a task's deadline may still take. */
const LAST_READ_GRACE_MS = 2000;

export interface PollerDependencies {
	/** one attempt at reading these tasks, cut off at `deadline`; throws MidjourneyError on faults */
	fetchTasks: (ids: string[], deadline: number) => Promise<Map<string, MjTask>>;
	/** waits; rejects when the execution is cancelled */
	sleep: (ms: number) => Promise<void>;
	isTransient: (error: unknown) => boolean;
	now?: () => number;
	random?: () => number;
}

export interface PollerSettings {
	intervalMs: number;
	/** ± fraction of the interval, so many executions do not poll in lockstep */
	jitter?: number;
	backoff?: BackoffPolicy;
}

export interface WatchOptions {
	/** delay before this task's first poll */
	initialDelayMs: number;
	timeoutMs: number;
	/** the task as known at submit time (status SUBMITTED / NOT_START) */
	initialTask?: MjTask;
}

export type WatchResult =
	{ outcome: 'final'; task: MjTask } | { outcome: 'timeout'; task: MjTask; lastError?: string };

interface Watcher {
	taskId: string;
	firstPollAt: number;
	deadline: number;
	lastSeen: MjTask;
	resolve: (result: WatchResult) => void;
	reject: (error: unknown) => void;
}

export class TaskPoller {
	private readonly watchers = new Map<string, Watcher[]>();
	private running = false;
	private readonly now: () => number;
	private readonly random: () => number;
	private consecutiveFaults = 0;
	private lastFault: string | undefined;

	constructor(
		private readonly deps: PollerDependencies,
		private readonly settings: PollerSettings,
	) {
		this.now = deps.now ?? Date.now;
		this.random = deps.random ?? Math.random;
	}

	/** Resolves when the task reaches SUCCESS, FAILURE, MODAL or CANCEL, or its timeout. */
	async watch(taskId: string, options: WatchOptions): Promise<WatchResult> {
		const start = this.now();
		return await new Promise<WatchResult>((resolve, reject) => {
			const watcher: Watcher = {
				taskId,
				// An Initial Delay longer than the Timeout still gets its poll, at the deadline.
				firstPollAt: start + Math.min(options.initialDelayMs, options.timeoutMs),
				deadline: start + options.timeoutMs,
				lastSeen: options.initialTask ?? { id: taskId, status: 'SUBMITTED', progress: '0%' },
				resolve,
				reject,
			};
			const list = this.watchers.get(taskId) ?? [];
			list.push(watcher);
			this.watchers.set(taskId, list);
			if (!this.running) {
				this.running = true;
				void this.run();
			}
		});
	}

	private async run(): Promise<void> {
		try {
			while (this.watchers.size > 0) {
				await this.deps.sleep(this.nextDelay());
				await this.tick();
			}
		} catch (error) {
			// Cancellation (or a fatal read error): every waiting task learns it.
			for (const list of this.watchers.values()) for (const watcher of list) watcher.reject(error);
			this.watchers.clear();
		} finally {
			// Synchronous with the loop's last check, so a new watch() always finds a loop.
			this.running = false;
		}
	}

	private nextDelay(): number {
		const now = this.now();
		const interval = this.settings.intervalMs;
		let delay = withJitter(interval, this.settings.jitter ?? 0.1, this.random);
		if (this.consecutiveFaults > 0) {
			delay = Math.max(
				delay,
				backoffDelay(this.consecutiveFaults, this.settings.backoff, this.random),
			);
		}
		let earliestDue = Infinity;
		let earliestDeadline = Infinity;
		for (const list of this.watchers.values()) {
			for (const watcher of list) {
				earliestDue = Math.min(earliestDue, watcher.firstPollAt);
				earliestDeadline = Math.min(earliestDeadline, watcher.deadline);
			}
		}
		// Nothing due yet: sleep until the first task is due rather than a whole interval.
		if (earliestDue > now) delay = Math.max(delay, earliestDue - now);
		if (this.retryAfterUntil > now) delay = Math.max(delay, this.retryAfterUntil - now);
		// But never sleep past a deadline: a timeout is reported on time.
		return Math.max(0, Math.min(delay, earliestDeadline - now));
	}

	private retryAfterUntil = 0;

	private async tick(): Promise<void> {
		const now = this.now();
		const due = [...this.watchers.entries()]
			.filter(([, list]) => list.some((watcher) => watcher.firstPollAt <= now))
			.map(([taskId]) => taskId);
		if (due.length > 0) {
			// A read that hangs must not hold a wait past its Timeout (the check at the deadline itself gets a moment).
			const cutOff = Math.max(this.earliestDeadline(due), now + LAST_READ_GRACE_MS);
			const read = await settle(async () => await this.deps.fetchTasks(due, cutOff));
			if (read.ok) {
				this.consecutiveFaults = 0;
				this.lastFault = undefined;
				for (const [taskId, task] of read.value) this.update(taskId, normaliseTask(task));
			} else if (this.deps.isTransient(read.error)) {
				this.consecutiveFaults++;
				this.lastFault = read.error instanceof Error ? read.error.message : String(read.error);
				const retryAfter =
					read.error instanceof MidjourneyError ? read.error.details.retryAfterMs : undefined;
				if (retryAfter !== undefined) this.retryAfterUntil = this.now() + retryAfter;
			} else {
				// Not a passing fault (a rejected key): the waits cannot succeed.
				throw read.error;
			}
		}
		this.expire(this.now());
	}

	private earliestDeadline(taskIds: string[]): number {
		let earliest = Infinity;
		for (const taskId of taskIds)
			for (const watcher of this.watchers.get(taskId) ?? [])
				earliest = Math.min(earliest, watcher.deadline);
		return earliest;
	}

	private update(taskId: string, task: MjTask): void {
		const list = this.watchers.get(taskId);
		if (!list) return;
		for (const watcher of list) watcher.lastSeen = task;
		if (isFinalStatus(task.status)) {
			this.watchers.delete(taskId);
			for (const watcher of list) watcher.resolve({ outcome: 'final', task });
		}
	}

	private expire(now: number): void {
		for (const [taskId, list] of this.watchers) {
			const remaining = list.filter((watcher) => {
				if (watcher.deadline > now) return true;
				watcher.resolve({ outcome: 'timeout', task: watcher.lastSeen, lastError: this.lastFault });
				return false;
			});
			if (remaining.length === 0) this.watchers.delete(taskId);
			else this.watchers.set(taskId, remaining);
		}
	}
}
