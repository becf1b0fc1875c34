import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError, settle, type MidjourneyErrorKind } from '../model/errors';
import type { SubmittedTask } from '../model/task';

/**
 * Remembers, within one execution, what each item's submits created, so a
 * second run of the same node (n8n's Retry On Fail re-runs it with the same
 * items) waits for the tasks of the first try instead of creating and
 * charging them again. Kept in the node's execution context, which n8n
 * stores with the execution and hands to every try of the node.
 */

interface LedgerEntry {
	/** of the request, so a different request under the same key is never mistaken for it */
	fingerprint: string;
	/** sending: the answer never came back (the submit may have created a task) */
	state: 'sending' | 'created';
	task?: SubmittedTask;
}

const MAYBE_CREATED = new Set<MidjourneyErrorKind>(['ambiguousSubmit', 'cancelled']);

/** Context key; one ledger per node (n8n keeps the context per node). */
const CONTEXT_KEY = 'midjourneySubmits';

export type ItemSubmit = (
	endpoint: string,
	body: IDataObject,
	send: () => Promise<SubmittedTask>,
) => Promise<SubmittedTask>;

/** FNV-1a over the request, so the ledger holds no prompt or image. */
function fingerprintOf(endpoint: string, body: IDataObject): string {
	const text = `${endpoint}\n${JSON.stringify(body)}`;
	let hash = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return `${hash.toString(16)}:${text.length}`;
}

export class SubmitLedger {
	private readonly entries: Record<string, LedgerEntry>;

	constructor(ctx: IExecuteFunctions) {
		// The AI-tool variant may run without a persisted context: then a plain object (one try).
		const context = typeof ctx.getContext === 'function' ? ctx.getContext('node') : {};
		context[CONTEXT_KEY] ??= {};
		this.entries = context[CONTEXT_KEY] as Record<string, LedgerEntry>;
	}

	/**
	 * The submit function of one item in one run of the node: each of its
	 * submits (an Action that opens a dialog makes two) has its own entry.
	 */
	forItem(runIndex: number, itemIndex: number): ItemSubmit {
		let sequence = 0;
		return async (endpoint, body, send) => {
			const key = `${runIndex}:${itemIndex}:${sequence++}`;
			const fingerprint = fingerprintOf(endpoint, body);
			const known = this.entries[key];
			if (known && known.fingerprint === fingerprint) {
				if (known.state === 'created' && known.task) return known.task;
				throw new MidjourneyError(
					'ambiguousSubmit',
					`Submitting ${endpoint}: an earlier try of this node got no clear answer; a task may have been created`,
					{
						description:
							'Not resent, so that no second task is created and charged. Look for the task with the Fetch operation or in your CometAPI task log.',
					},
				);
			}
			this.entries[key] = { fingerprint, state: 'sending' };
			const sent = await settle(send);
			if (sent.ok) {
				this.entries[key] = { fingerprint, state: 'created', task: sent.value };
				return sent.value;
			}
			// Only an unclear answer (or a cancel mid-request) may have created a task; any other refusal created none.
			if (!(sent.error instanceof MidjourneyError && MAYBE_CREATED.has(sent.error.kind)))
				delete this.entries[key];
			throw sent.error;
		};
	}
}
