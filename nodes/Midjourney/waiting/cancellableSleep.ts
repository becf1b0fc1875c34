import { sleep } from 'n8n-workflow';

import { cancelledError } from '../model/errors';

/** Longest single wait: a cancelled execution never leaves a timer running much longer. */
const SLICE_MS = 1000;

/**
 * n8n-workflow's `sleep`, stopped by the execution's cancel signal. Not
 * `sleepWithAbort`: n8n-workflow 2.x no longer has it. Waits in slices of at
 * most a second, each raced against the signal, and rejects at once when the
 * execution is cancelled.
 */
export async function sleepUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	let remaining = Math.max(0, ms);
	do {
		if (signal?.aborted) throw cancelledError();
		const slice = Math.min(remaining, SLICE_MS);
		await sliceOrAbort(slice, signal);
		remaining -= slice;
	} while (remaining > 0);
	if (signal?.aborted) throw cancelledError();
}

async function sliceOrAbort(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	let onAbort: () => void = () => {};
	// Resolves on abort (the caller then throws): a rejection nobody awaits would be "unhandled".
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		// One listener at a time: polling for minutes must not pile them up on the signal.
		signal.removeEventListener('abort', onAbort);
	}
}
