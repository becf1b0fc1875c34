/**
 * Errors raised by the operations, the waiting machinery and the transport, free of n8n context so the
 * pure modules can throw them; the router turns them into NodeApiError /
 * NodeOperationError with the node attached.
 */
export type MidjourneyErrorKind =
	/** the user's input is wrong: fix a parameter */
	| 'input'
	/** HTTP 401/403: the key or its auth style is wrong */
	| 'auth'
	/** HTTP 402: the account has no credit left */
	| 'credits'
	/** submit code 24 */
	| 'bannedWord'
	/** submit code 23 (or 9 "queue full") after the retries ran out */
	| 'queueFull'
	/** submit code 4 (and other non-success codes) */
	| 'validation'
	/** submit code 3 / HTTP 404 on a parent task */
	| 'notFound'
	/** the task ended in FAILURE or CANCEL */
	| 'taskFailed'
	/** the wait ran out; the task may still finish */
	| 'timeout'
	/** the submit may or may not have created a task */
	| 'ambiguousSubmit'
	/** HTTP 429 / 5xx / network faults that outlived the retries */
	| 'unavailable'
	/** a body that is not what the contract says */
	| 'badResponse'
	/** an answer or file larger than the node accepts (not retried: it would be read again) */
	| 'tooLarge'
	/** the server does not offer the endpoint (HTTP 404 / 405 / 501 without an envelope) */
	| 'unsupported'
	/** the execution was cancelled */
	| 'cancelled';

export interface MidjourneyErrorDetails {
	/** what to do about it, shown under the message in n8n */
	description?: string;
	httpCode?: number;
	/** the submit envelope's code */
	code?: number;
	taskId?: string;
	status?: string;
	progress?: string;
	/** the last task object seen, for timeouts and failures */
	task?: Record<string, unknown>;
	/** milliseconds the server asked us to wait (Retry-After) */
	retryAfterMs?: number;
}

export class MidjourneyError extends Error {
	constructor(
		readonly kind: MidjourneyErrorKind,
		message: string,
		readonly details: MidjourneyErrorDetails = {},
	) {
		super(message);
		this.name = 'MidjourneyError';
	}
}

export function cancelledError(): MidjourneyError {
	return new MidjourneyError('cancelled', 'The execution was cancelled');
}

/** The error again, now carrying the id of the task it concerns (a created task is never dropped). */
export function attachTaskId(error: unknown, taskId: string, status?: string): unknown {
	if (!(error instanceof MidjourneyError) || error.details.taskId) return error;
	return new MidjourneyError(error.kind, `${error.message} (task ${taskId})`, {
		...error.details,
		taskId,
		...(status ? { status } : {}),
	});
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs work and returns its value or its error, so callers decide what to
 * throw outside a catch block (n8n's lint wants errors re-thrown as n8n
 * errors; the router does that once, for all of them).
 */
export async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		return { ok: false, error };
	}
}
