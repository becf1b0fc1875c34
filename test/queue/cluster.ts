/*
 * One n8n queue-mode cluster on loopback: the stage of the e2e layer (emulator, CMS stub, the
 * packed package installed as a community package, the credential and workflows imported) on
 * Postgres, then an n8n main (`n8n start`, EXECUTIONS_MODE=queue, manual runs offloaded) and
 * `n8n worker` processes taking jobs from Redis. Redis and Postgres are started once per layer
 * (redis.ts, postgres.ts) and shared by the clusters of both n8n versions, each in its own database and
 * Bull prefix.
 */
import { rmSync } from 'node:fs';

import { makeUserFolder, type N8nInstall, type WorkflowJson } from '../e2e/n8n';
import { stageN8n, type Stage } from '../e2e/stage';
import { freePort, setupOwner, waitForRestApi } from '../e2e/start';
import type { Postgres } from './postgres';
import { spawnGroup, type GroupProcess } from './processes';
import type { Redis } from './redis';
import type { WebhookFront } from './webhookFront';

export interface ClusterOptions {
	install: N8nInstall;
	redis: Redis;
	postgres: Postgres;
	/** Database (created here) and Bull prefix of this cluster. */
	name: string;
	workers?: number;
	/** Jobs one worker runs at once (`n8n worker --concurrency`). */
	workerConcurrency?: number;
	taskDurationMs: number;
	/** 0 or absent: free ports. */
	n8nPort?: number;
	emulatorPort?: number;
	cmsPort?: number;
	withExamples?: boolean;
	extraWorkflows?: WorkflowJson[];
	midjourneyOptions?: Record<string, unknown>;
	/** Settings for every n8n process (lock duration, shutdown timeout ...). */
	env?: Record<string, string>;
	log?: (line: string) => void;
	emulatorLog?: (line: string) => void;
	/** Gets every line n8n's processes print, prefixed with the process name. */
	n8nLog?: (line: string) => void;
	/** The address callbacks come to (WEBHOOK_URL), in front of the main or the webhook processes. */
	front?: WebhookFront;
	/** `n8n webhook` processes behind `front` (n8n's scale-out for webhooks). */
	webhookProcesses?: number;
}

export interface Cluster {
	install: N8nInstall;
	stage: Stage;
	/** http://127.0.0.1:<port> of the main. */
	base: string;
	cookie: string;
	main: GroupProcess;
	workers: GroupProcess[];
	/** The address callbacks come to, when the cluster has one in front. */
	front?: WebhookFront;
	/** The `n8n webhook` processes and their addresses (behind `front`). */
	webhooks: GroupProcess[];
	webhookBases: string[];
	/** Starts one more worker and waits until it takes jobs. */
	startWorker(): Promise<GroupProcess>;
	/** Stops the main (SIGTERM, or SIGKILL) and starts it again on the same port and database. */
	restartMain(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
	/** Which worker logged "started execution <id>", per execution id (workers in start order). */
	workerOf(executionId: string): string[];
	stop(): Promise<void>;
}

/**
 * Queue mode as n8n documents it: Postgres, Redis, one encryption key for all processes (n8nEnv
 * sets it), binary data in the database (filesystem mode does not work across processes; 1.x
 * also needs `database` listed as available).
 */
export function queueEnv(options: ClusterOptions, port: number): Record<string, string> {
	const { redis, postgres, name } = options;
	return {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: name,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_PREFIX: name,
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		// Resume URLs ($execution.resumeUrl) are built by the workers: they must name the main (or the front of the webhook processes).
		WEBHOOK_URL: options.front ? `${options.front.url}/` : `http://127.0.0.1:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		// Workers report which execution they run at info level.
		N8N_LOG_LEVEL: 'info',
		...options.env,
	};
}

const WORKER_READY = /n8n worker is now ready/;
const WEBHOOK_READY = /Webhook listener waiting for requests/;
const STARTED_EXECUTION = /Worker started execution (\d+)/;

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
	const log = options.log ?? (() => {});
	const { install } = options;
	const port = options.n8nPort || (await freePort());
	options.postgres.createDatabase(options.name);
	const userFolder = makeUserFolder(`mj-queue-${options.name}-`);
	const started = Date.now();
	let stage: Stage;
	try {
		stage = await stageN8n({
			install,
			userFolder,
			emulatorPort: options.emulatorPort ?? 0,
			cmsPort: options.cmsPort ?? 0,
			taskDurationMs: options.taskDurationMs,
			midjourneyOptions: options.midjourneyOptions,
			extraWorkflows: options.extraWorkflows,
			withExamples: options.withExamples,
			emulatorLog: options.emulatorLog,
			env: queueEnv(options, port),
			log,
		});
	} catch (error) {
		rmSync(userFolder, { recursive: true, force: true });
		throw error;
	}
	log(`staged on Postgres database ${options.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

	// What is per host in a real cluster must be per process here, though they share a user folder:
	// the task broker's port (n8n 2.x always starts one) and the event log, which a starting
	// process reads to mark the executions it was running as crashed (it would take a live
	// worker's executions for its own).
	const n8n = async (name: string, args: string[], extraEnv: Record<string, string> = {}) =>
		spawnGroup(name, install.node, [install.script, ...args], {
			env: {
				...stage.env,
				...extraEnv,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				N8N_EVENTBUS_LOGWRITER_LOGBASENAME: `n8nEventLog-${name}`,
			},
			log: options.n8nLog && ((line) => options.n8nLog!(`[${name}] ${line}`)),
		});
	const base = `http://127.0.0.1:${port}`;
	const workers: GroupProcess[] = [];
	const webhooks: GroupProcess[] = [];
	const webhookBases: string[] = [];
	let main = await n8n('main', ['start']);
	let cookie = '';

	const startMain = async () => {
		await waitForRestApi(base, main.child);
		cookie = (await setupOwner(base)).cookie;
	};
	const ready = async (started: GroupProcess, line: RegExp) => {
		const deadline = Date.now() + 120_000;
		while (!started.lines().some((printed) => line.test(printed))) {
			if (started.exited()) throw new Error(`${started.name} exited while starting:\n${started.output()}`);
			if (Date.now() > deadline) throw new Error(`${started.name} was not ready within 120 s:\n${started.output()}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		return started;
	};
	const startWorker = async () => {
		const worker = await n8n(`worker${workers.length + 1}`, ['worker', `--concurrency=${options.workerConcurrency ?? 2}`]);
		workers.push(worker);
		return await ready(worker, WORKER_READY);
	};
	const startWebhookProcess = async () => {
		const webhookPort = await freePort();
		const webhook = await n8n(`webhook${webhooks.length + 1}`, ['webhook'], { N8N_PORT: String(webhookPort) });
		webhooks.push(webhook);
		webhookBases.push(`http://127.0.0.1:${webhookPort}`);
		return await ready(webhook, WEBHOOK_READY);
	};
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			// Workers first (so that none picks up a job the main re-queues while it stops), then the main.
			await Promise.allSettled([...workers, ...webhooks].map((started) => started.stop()));
			await main.stop();
			await stage.close();
			rmSync(userFolder, { recursive: true, force: true });
		})());

	try {
		await startMain();
		for (let i = 0; i < (options.workers ?? 2); i++) await startWorker();
		// Started together: each boots as long as a worker, and they wait for nothing but the database.
		await Promise.all(Array.from({ length: options.webhookProcesses ?? 0 }, async () => await startWebhookProcess()));
		options.front?.setTargets([base]);
		log(
			`main ${base}, ${workers.length} workers and ${webhooks.length} webhook processes up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
		);
	} catch (error) {
		const output = main.output();
		await stop();
		throw new Error(`${error instanceof Error ? error.message : error}\nmain's output (last lines):\n${output}`);
	}

	return {
		install,
		stage,
		base,
		get cookie() {
			return cookie;
		},
		get main() {
			return main;
		},
		workers,
		front: options.front,
		webhooks,
		webhookBases,
		startWorker,
		async restartMain(signal = 'SIGTERM') {
			if (signal === 'SIGKILL') main.signal('SIGKILL');
			await main.stop();
			main = await n8n('main', ['start']);
			await startMain();
		},
		workerOf(executionId) {
			return workers
				.filter((worker) => worker.lines().some((line) => STARTED_EXECUTION.exec(line)?.[1] === executionId))
				.map((worker) => worker.name);
		},
		stop,
	};
}
