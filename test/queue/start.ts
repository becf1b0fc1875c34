/*
 * `npm run start:queue`: the queue-mode cluster of the test layer, for a person: Redis, Postgres,
 * the emulator, an n8n main and two workers, with the package, a CometAPI credential pointing at
 * the emulator and the example workflows in place (like `npm start`). Ctrl+C stops everything.
 *
 * Env: N8N_PORT (5678), EMULATOR_PORT (5681), CMS_PORT (5680, the URL the examples use),
 *      EMULATOR_TASK_MS (4000), N8N_E2E_VERSION (1.123.81; `2` or a 2.x runs on Node 24),
 *      QUEUE_WORKERS (2), QUEUE_WORKER_CONCURRENCY (10, n8n's default).
 */
import { EXAMPLE_CMS_URL, ensureN8n, resolveN8nVersion } from '../e2e/n8n';
import { OWNER } from '../e2e/start';
import { startCluster, type Cluster } from './cluster';
import { startPostgres } from './postgres';
import { stopAll } from './processes';
import { startRedis } from './redis';

async function main(): Promise<void> {
	const version = resolveN8nVersion();
	const install = ensureN8n(version);
	const log = (line: string) => console.log(`[setup] ${line}`);
	const redis = await startRedis();
	const postgres = await startPostgres();
	log(`Redis on 127.0.0.1:${redis.port}, Postgres on 127.0.0.1:${postgres.port}`);
	let cluster: Cluster | undefined;
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		await cluster?.stop();
		await postgres.stop();
		await redis.stop();
		await stopAll();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	const taskMs = Number(process.env.EMULATOR_TASK_MS ?? 4000);
	try {
		cluster = await startCluster({
			install,
			redis,
			postgres,
			name: `mj_queue_${Date.now()}`,
			workers: Number(process.env.QUEUE_WORKERS ?? 2),
			workerConcurrency: Number(process.env.QUEUE_WORKER_CONCURRENCY ?? 10),
			taskDurationMs: taskMs,
			n8nPort: Number(process.env.N8N_PORT ?? 5678),
			emulatorPort: Number(process.env.EMULATOR_PORT ?? 5681),
			cmsPort: Number(process.env.CMS_PORT ?? new URL(EXAMPLE_CMS_URL).port),
			midjourneyOptions: { pollInterval: 1, initialDelay: 0 },
			log,
		});
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		await stop(1);
		return;
	}
	const { base, stage, workers } = cluster;
	console.log(
		[
			'',
			`n8n ${install.version} in queue mode with n8n-nodes-cometapi-midjourney (from dist/):`,
			`  Editor:      ${base}  (sign in: ${OWNER.email} / ${OWNER.password})`,
			...stage.workflows.map((w) => `  Workflow:    ${base}/workflow/${w.id}  (${w.workflow.name})`),
			`  Workers:     ${workers.length} (\`n8n worker\`, pids ${workers.map((w) => w.pid).join(', ')}); executions, manual ones too, run on them`,
			`  Queue:       Redis 127.0.0.1:${redis.port}; database: Postgres 127.0.0.1:${postgres.port}; binary data in the database`,
			`  Credential:  "CometAPI account" -> ${stage.emulator.url} (local emulator, no real key; tasks take ${taskMs / 1000} s)`,
			`  CMS stub:    ${stage.cms.url}`,
			'Everything is thrown away on exit. Ctrl+C stops it all.',
			'',
		].join('\n'),
	);
	for (const process_ of [cluster.main, ...workers]) {
		void process_.exit.then((how) => {
			if (!stopping) {
				console.error(`${process_.name} ended (${how}):\n${process_.output()}`);
				void stop(1);
			}
		});
	}
}

main().catch(async (error) => {
	console.error(error instanceof Error ? error.message : error);
	await stopAll();
	process.exit(1);
});
