/*
 * The queue-mode layer of `npm test` (npm run test:queue; needs `npm run build` first): Redis and
 * Postgres started once, then for each n8n version a cluster (main + workers, see cluster.ts) and
 * the six scenarios against it. Ends with "N passed, N failed", which test/results.js adds up.
 *
 *   ts-node --transpile-only test/queue/run.ts [--version 1.123.81] [--only 2.] [--verbose]
 *   (default: n8n 1.123.81 on Node 20 and the newest installable 2.x on Node 24, the versions of the e2e layer)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_N8N_VERSION, ensureN8n, resolveN8nVersion, ROOT } from '../e2e/n8n';
import { startCluster, type Cluster } from './cluster';
import { startPostgres, type Postgres } from './postgres';
import { stopAll } from './processes';
import { startRedis, type Redis } from './redis';
import type { Scenario } from './scenario';
import { callbackInQueueMode, mainRestart } from './scenarios/callback';
import { load, loadWorkflow } from './scenarios/load';
import { throughput, throughputWorkflow } from './scenarios/throughput';
import {
	callbackLossWorkflow,
	pollLossWorkflow,
	workerKilledCallback,
	workerKilledPoll,
	workerStoppedCallback,
	workerStoppedPoll,
} from './scenarios/workerLoss';
import { runLayer } from '../layerMain';

/** 1.123.81 and the newest installable 2.x (looked up when the layer runs, not on import). */
export const queueVersions = (): string[] => [DEFAULT_N8N_VERSION, resolveN8nVersion('2')];

/**
 * Settings of every n8n process in the layer: a stalled job is noticed within seconds instead
 * of n8n's 30 s lock + 30 s check, and a stopped worker gives up on its jobs after 3 s.
 */
export const LAYER_ENV = {
	QUEUE_WORKER_LOCK_DURATION: '5000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '2500',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
	N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '3',
	QUEUE_WORKER_TIMEOUT: '3',
};

const CALLBACK_SCENARIOS = new Set<Scenario>([workerKilledCallback, workerStoppedCallback, callbackInQueueMode, mainRestart]);
const SCENARIOS: Scenario[] = [
	throughput,
	load,
	workerKilledPoll,
	workerKilledCallback,
	workerStoppedPoll,
	workerStoppedCallback,
	callbackInQueueMode,
	mainRestart,
];

/** Whether the build has Wait Mode "Callback" (issue 12); its scenarios wait for it otherwise. */
function buildHasCallbackMode(): boolean {
	const file = join(ROOT, 'dist', 'nodes', 'Midjourney', 'parameters', 'options.description.js');
	return existsSync(file) && readFileSync(file, 'utf8').includes("value: 'callback'");
}

function parseArgs(argv: string[]) {
	const versions: string[] = [];
	const only: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--version') versions.push(argv[++i]);
		if (argv[i] === '--only') only.push(argv[++i]);
	}
	return { versions: versions.length ? versions : queueVersions(), only, verbose: argv.includes('--verbose') };
}

interface Tally {
	passed: number;
	failed: number;
	waiting: number;
}

async function runVersion(version: string, redis: Redis, postgres: Postgres, args: ReturnType<typeof parseArgs>, tally: Tally) {
	const started = Date.now();
	console.log(`\n--- n8n ${version} in queue mode`);
	const print = (line: string) => console.log(`  ${line}`);
	const selected = SCENARIOS.filter((s) => !args.only.length || args.only.some((o) => s.name.startsWith(o)));
	const callbackMode = buildHasCallbackMode();
	let cluster: Cluster;
	try {
		cluster = await startCluster({
			install: ensureN8n(version),
			redis,
			postgres,
			name: `mj_queue_${version.replace(/\W/g, '_')}_${Date.now()}`,
			// One worker first: the throughput scenario measures it, then starts the second.
			workers: selected.includes(throughput) ? 1 : 2,
			workerConcurrency: 2,
			taskDurationMs: 2000,
			withExamples: false,
			extraWorkflows: [throughputWorkflow(), pollLossWorkflow(), callbackLossWorkflow(), loadWorkflow()],
			env: LAYER_ENV,
			log: print,
			n8nLog: args.verbose ? (line) => console.log(`    ${line}`) : undefined,
		});
	} catch (error) {
		tally.failed++;
		console.log(`FAIL n8n ${version}: the cluster did not start: ${(error as Error).message}`);
		return;
	}
	try {
		for (const scenario of selected) {
			const name = `${scenario.name} [n8n ${version}]`;
			if (CALLBACK_SCENARIOS.has(scenario) && !callbackMode) {
				tally.waiting++;
				console.log(`WAIT ${name}: the build has no Wait Mode "Callback" yet (issue 12)`);
				continue;
			}
			const scenarioStarted = Date.now();
			let failures: string[];
			let measured: string[] = [];
			try {
				({ failures, measured } = await scenario.run({ cluster, version, log: args.verbose ? print : () => {} }));
			} catch (error) {
				failures = [`crashed: ${(error as Error).stack ?? error}`];
			}
			const seconds = ((Date.now() - scenarioStarted) / 1000).toFixed(1);
			if (failures.length === 0) tally.passed++;
			else tally.failed++;
			console.log(`${failures.length === 0 ? 'PASS' : 'FAIL'} ${name} (${seconds} s)`);
			for (const failure of failures) console.log(`     - ${failure}`);
			for (const line of measured) console.log(`     measured: ${line}`);
		}
	} finally {
		await cluster.stop();
		console.log(`  n8n ${version}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
	}
}

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const tally: Tally = { passed: 0, failed: 0, waiting: 0 };
	const stopServices: Array<() => Promise<void>> = [];
	const onSignal = () => void stopAll().then(() => process.exit(1));
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		const redis = await startRedis();
		stopServices.push(redis.stop);
		const postgres = await startPostgres();
		stopServices.push(postgres.stop);
		console.log(`Redis on 127.0.0.1:${redis.port}, Postgres on 127.0.0.1:${postgres.port}`);
		for (const version of args.versions) await runVersion(version, redis, postgres, args, tally);
	} catch (error) {
		tally.failed++;
		console.log(`FAIL queue-mode services: ${(error as Error).message}`);
	} finally {
		for (const stop of stopServices.reverse()) await stop().catch(() => {});
		await stopAll();
	}
	const waiting = tally.waiting ? `; ${tally.waiting} waiting for Callback mode` : '';
	console.log(`${tally.passed} passed, ${tally.failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s${waiting})`);
	return tally.failed === 0 && tally.passed > 0 ? 0 : 1;
}

runLayer(main);
