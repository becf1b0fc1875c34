/** Retry timing shared by the transport's retries and the poller's ticks. */
export interface BackoffPolicy {
	baseMs: number;
	maxMs: number;
	/** 0.1 = up to ±10 % */
	jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000, jitter: 0.2 };

/** ±jitter around ms, so that many clients (or tasks) do not retry in lockstep. */
export function withJitter(ms: number, jitter: number, random: () => number = Math.random): number {
	return Math.max(0, Math.round(ms * (1 + jitter * (2 * random() - 1))));
}

/** Exponential delay before retry number `attempt` (1 = first retry). */
export function backoffDelay(
	attempt: number,
	policy: BackoffPolicy = DEFAULT_BACKOFF,
	random: () => number = Math.random,
): number {
	const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
	return withJitter(exponential, policy.jitter, random);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(text));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
