/*
 * Executions of a queue-mode cluster, through the main's REST API (as the editor reads them):
 * start several manual runs at once, wait for them, and read each one's run data.
 */
import { join } from 'node:path';
import { request } from 'undici';

import type { Execution, N8nInstall } from '../e2e/n8n';
import { startManualRun, waitForExecutionEnd } from '../e2e/start';
import type { Cluster } from './cluster';

export interface StoredExecution {
	id: string;
	status: string;
	/** Run data, parsed from n8n's `flatted` storage format. */
	execution?: Execution;
	startedAt?: string;
	stoppedAt?: string;
	waitTill?: string | null;
}

/** n8n stores and serves run data in the `flatted` format; parse it with n8n's own copy. */
function flattedParse(install: N8nInstall, text: string): unknown {
	const flatted = require(join(install.dir, 'node_modules', 'flatted')) as { parse(text: string): unknown };
	return flatted.parse(text);
}

/** What reading an execution needs: any running n8n main (a queue cluster's, or `npm start`'s). */
export type ExecutionSource = Pick<Cluster, 'base' | 'cookie' | 'install'>;

export async function readExecution(cluster: ExecutionSource, id: string): Promise<StoredExecution> {
	const res = await request(`${cluster.base}/rest/executions/${id}`, { headers: { cookie: cluster.cookie } });
	const body = (await res.body.json()) as {
		data?: { status?: string; data?: string; startedAt?: string; stoppedAt?: string; waitTill?: string | null };
	};
	if (res.statusCode !== 200 || !body.data) return { id, status: `HTTP ${res.statusCode}` };
	const { status = 'unknown', data, startedAt, stoppedAt, waitTill } = body.data;
	const runData = typeof data === 'string' ? (flattedParse(cluster.install, data) as Execution['data']) : undefined;
	return { id, status, execution: runData ? { status, data: runData } : undefined, startedAt, stoppedAt, waitTill };
}

export interface Batch {
	ids: string[];
	/** From the first start request to the last execution's end (ms). */
	wallMs: number;
	executions: StoredExecution[];
}

/** Starts `count` manual runs of a workflow together and waits until every one has ended. */
export async function runTogether(
	cluster: Cluster,
	workflow: { id: string; nodes: Array<{ name: string; type: string }> },
	count: number,
	timeoutMs = 240_000,
): Promise<Batch> {
	const started = Date.now();
	const ids = await Promise.all(Array.from({ length: count }, () => startManualRun(cluster.base, cluster.cookie, workflow)));
	await Promise.all(ids.map((id) => waitForExecutionEnd(cluster.base, cluster.cookie, id, timeoutMs)));
	const wallMs = Date.now() - started;
	const executions = await Promise.all(ids.map((id) => readExecution(cluster, id)));
	return { ids, wallMs, executions };
}

/** Waits until `predicate` holds for the execution (e.g. status 'waiting'); its last reading. */
export async function waitForExecution(
	cluster: ExecutionSource,
	id: string,
	predicate: (execution: StoredExecution) => boolean,
	timeoutMs = 120_000,
	intervalMs = 100,
): Promise<StoredExecution> {
	const deadline = Date.now() + timeoutMs;
	let last: StoredExecution = { id, status: 'unread' };
	while (Date.now() < deadline) {
		try {
			last = await readExecution(cluster, id);
			if (predicate(last)) return last;
		} catch {
			// main restarting
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	return last;
}
