import { sleep } from 'n8n-workflow';

/** Longest single timer: a finished request leaves no wait behind for longer. */
const SLICE_MS = 500;

export interface Deadline {
	/** aborted when the time is up or the execution is cancelled */
	signal: AbortSignal;
	/** true once the time ran out (not when the execution was cancelled) */
	readonly expired: boolean;
	/** the request is over: stop watching */
	end(): void;
}

/**
 * A total time limit for one request, as an AbortSignal. axios's `timeout`
 * only limits silence between bytes, so a server that drips a byte now and
 * then would hold the node for ever. Built on n8n-workflow's `sleep` in short
 * slices (nodes may not use timers of their own), and combined with the
 * execution's cancel signal.
 */
export function startDeadline(ms: number, cancel?: AbortSignal): Deadline {
	const controller = new AbortController();
	const state = { expired: false, ended: false };
	const onCancel = () => controller.abort();
	if (cancel?.aborted) controller.abort();
	else cancel?.addEventListener('abort', onCancel, { once: true });
	const until = Date.now() + Math.max(0, ms);
	void (async () => {
		while (!state.ended && !controller.signal.aborted && Date.now() < until) {
			await sleep(Math.min(SLICE_MS, until - Date.now()));
		}
		if (!state.ended && !controller.signal.aborted) {
			state.expired = true;
			controller.abort();
		}
	})();
	return {
		signal: controller.signal,
		get expired() {
			return state.expired;
		},
		end() {
			state.ended = true;
			cancel?.removeEventListener('abort', onCancel);
		},
	};
}
