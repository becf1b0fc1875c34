/**
 * `npm run bench`: the node inside n8n-core's WorkflowExecute (the test
 * harness) against the emulator, which runs in a child process (see
 * emulatorChild.ts) so that this process's CPU time is the node's and
 * n8n-core's alone. Prints the results, checks them against the targets of
 * issue 5 and writes BENCHMARKS.md at the repository root.
 *
 *   npm run bench [-- --task-ms 3000 --n 50 --poll 1 --sequential-n 10 --download-n 200
 *                     --latency-runs 10 --cpu-runs 3 --compare-poll 0.5 --concurrent-runs 5]
 *   BENCH_PROFILE=run.cpuprofile npm run bench   also keeps the CPU profile of section 4
 *   npm run bench -- --callback-only              only section 6 (Wait Mode Callback), spliced in
 *   npm run bench -- --grid-only                  only section 7 (grid cutting), spliced in
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
} from 'n8n-workflow';

import { Midjourney } from '../../nodes/Midjourney/Midjourney.node';
import type { EmulatorOptions } from '../emulator';
import { PACKAGE_NODE_TYPE, chain, midjourneyNode, optionParameters, runWorkflow } from '../harness';
import { WaitingExecutions } from '../harness/waiting';
import { rgbaPng } from '../emulator/pngWriter';
import type { ChildRequest, Snapshot } from './emulatorChild';
import { GRID_HEADING, gridSection } from './gridCut';

const KEY = 'sk-bench-emulator-key';

const { values: args } = parseArgs({
	options: {
		'task-ms': { type: 'string', default: '3000' },
		n: { type: 'string', default: '50' },
		poll: { type: 'string', default: '1' },
		'sequential-n': { type: 'string', default: '10' },
		'download-n': { type: 'string', default: '200' },
		'latency-runs': { type: 'string', default: '10' },
		'cpu-runs': { type: 'string', default: '3' },
		'compare-poll': { type: 'string', default: '0.5' },
		'concurrent-runs': { type: 'string', default: '5' },
		'video-n': { type: 'string', default: '20' },
		'video-mb': { type: 'string', default: '10' },
		/** only section 5 (videos), spliced into the BENCHMARKS.md already there */
		'videos-only': { type: 'boolean', default: false },
		/** only section 6 (Wait Mode Callback), spliced in likewise */
		'callback-only': { type: 'boolean', default: false },
		/** only section 7 (grid cutting), spliced in likewise */
		'grid-only': { type: 'boolean', default: false },
	},
});
const T = Number(args['task-ms']);
const N = Number(args.n);
const POLL_S = Number(args.poll);
const POLL_MS = POLL_S * 1000;
const SEQUENTIAL_N = Number(args['sequential-n']);
const DOWNLOAD_N = Number(args['download-n']);
const LATENCY_RUNS = Number(args['latency-runs']);
const CPU_RUNS = Number(args['cpu-runs']);
const COMPARE_POLL_S = Number(args['compare-poll']);
const CONCURRENT_RUNS = Number(args['concurrent-runs']);
const VIDEO_N = Number(args['video-n']);
const VIDEO_MB = Number(args['video-mb']);
/** The node's own upper limit for Max Concurrent Tasks. */
const NODE_MAX_CONCURRENCY = 100;

// ---------------------------------------------------------------------------
// The emulator process

class EmulatorProcess {
	url = '';
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

	private constructor(private readonly child: ChildProcess) {
		child.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: string }) => {
			const waiter = this.pending.get(message.id);
			this.pending.delete(message.id);
			if (message.ok) waiter?.resolve(message.value);
			else waiter?.reject(new Error(`emulator process: ${message.error}`));
		});
		child.once('exit', (code) => {
			for (const waiter of this.pending.values()) waiter.reject(new Error(`emulator process exited (${code})`));
			this.pending.clear();
		});
	}

	static async start(options: Partial<EmulatorOptions>): Promise<EmulatorProcess> {
		const child = fork(join(__dirname, 'emulatorChild.ts'), [], {
			execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const emulator = new EmulatorProcess(child);
		emulator.url = ((await emulator.call({ op: 'start', options })) as { url: string }).url;
		return emulator;
	}

	private async call(request: DistributiveOmit<ChildRequest, 'id'>): Promise<unknown> {
		const id = this.nextId++;
		return await new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.child.send({ ...request, id });
		});
	}

	async reset(): Promise<void> {
		await this.call({ op: 'reset' });
	}

	async setOptions(options: Partial<EmulatorOptions>): Promise<void> {
		await this.call({ op: 'setOptions', options });
	}

	async snapshot(): Promise<Snapshot> {
		return (await this.call({ op: 'snapshot' })) as Snapshot;
	}

	async close(): Promise<void> {
		await this.call({ op: 'close' }).catch(() => undefined);
	}
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ---------------------------------------------------------------------------
// Workflows

/** The Midjourney node type, noting when its execute() starts and ends. */
function watchedMidjourney(times: { startedAt?: number; settledAt?: number }): INodeType {
	const node = new Midjourney();
	const execute = node.execute;
	node.execute = async function (this: IExecuteFunctions) {
		times.startedAt = Date.now();
		try {
			return await execute.call(this);
		} finally {
			times.settledAt = Date.now();
		}
	};
	return node;
}

const prompts = (count: number): INodeExecutionData[] =>
	Array.from({ length: count }, (_, index) => ({ json: { prompt: `bench prompt ${index} --v 6.1` } }));

interface NodeRun {
	items: INodeExecutionData[];
	failed: number;
	/** Date.now() around the workflow run */
	runStartedAt: number;
	runEndedAt: number;
	/** the node's execute(), start and end */
	nodeStartedAt: number;
	nodeSettledAt: number;
	wallMs: number;
}

async function runImagine(emulator: EmulatorProcess, count: number, options: IDataObject): Promise<NodeRun> {
	const times: { startedAt?: number; settledAt?: number } = {};
	const runStartedAt = Date.now();
	const started = performance.now();
	const result = await runWorkflow(
		chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', ...optionParameters(options) })),
		{
			credentials: { cometApi: { apiKey: KEY, baseUrl: emulator.url, authStyle: 'bearer' } },
			triggerItems: prompts(count),
			nodeTypes: { [PACKAGE_NODE_TYPE]: watchedMidjourney(times) },
		},
	);
	const wallMs = performance.now() - started;
	const items = result.output('Imagine');
	const failed = result.error
		? count
		: items.filter((item) => item.json.status !== 'SUCCESS' || (options.downloadImage === true && !item.binary?.data)).length;
	return {
		items,
		failed,
		runStartedAt,
		runEndedAt: Date.now(),
		nodeStartedAt: times.startedAt ?? runStartedAt,
		nodeSettledAt: times.settledAt ?? Date.now(),
		wallMs,
	};
}

/** The node's option values (both collections) at the bench's pace. */
const nodeOptions = (pollS: number, extra: IDataObject = {}): IDataObject => ({
	pollInterval: pollS,
	initialDelay: 0,
	timeout: 600,
	...extra,
});

// ---------------------------------------------------------------------------
// 1-3: wall time, requests, detection latency

interface BatchResult {
	n: number;
	maxConcurrency: number;
	pollS: number;
	wallMs: number;
	failed: number;
	submits: number;
	lists: number;
	fetches: number;
	polls: number;
	/** ids in the largest list-by-condition request */
	maxIdsPerList: number;
	/** per task: from finishedAt to the first poll that asked for it afterwards (arrival at the emulator) */
	pollLatencies: number[];
	/** ms from the start of the run */
	submitSpreadMs: number;
	lastFinishMs: number;
	lastPollMs: number;
	/** the last poll before the last task finished */
	pollBeforeLastFinishMs: number;
	nodeEndMs: number;
}

async function batch(emulator: EmulatorProcess, n: number, maxConcurrency: number, pollS: number): Promise<BatchResult> {
	await emulator.reset();
	const run = await runImagine(emulator, n, nodeOptions(pollS, { maxConcurrency }));
	const { requests, tasks } = await emulator.snapshot();
	const polls = requests.filter((entry) => entry.kind === 'fetch' || entry.kind === 'list');
	const submits = requests.filter((entry) => entry.kind.startsWith('submit'));
	const pollLatencies: number[] = [];
	for (const task of tasks) {
		if (task.finishedAt === undefined) continue;
		const seen = polls.find((entry) => entry.at >= task.finishedAt! && entry.taskIds?.includes(task.id));
		if (seen) pollLatencies.push(seen.at - task.finishedAt);
	}
	const from = run.runStartedAt;
	const lastFinish = Math.max(...tasks.map((task) => task.finishedAt ?? 0));
	const before = polls.filter((entry) => entry.at < lastFinish);
	return {
		n,
		maxConcurrency,
		pollS,
		wallMs: run.wallMs,
		failed: run.failed,
		submits: submits.length,
		lists: polls.filter((entry) => entry.kind === 'list').length,
		fetches: polls.filter((entry) => entry.kind === 'fetch').length,
		polls: polls.length,
		maxIdsPerList: Math.max(0, ...polls.filter((entry) => entry.kind === 'list').map((entry) => entry.taskIds?.length ?? 0)),
		pollLatencies,
		submitSpreadMs: submits.length ? submits[submits.length - 1].at - submits[0].at : 0,
		lastFinishMs: lastFinish - from,
		lastPollMs: polls.length ? polls[polls.length - 1].at - from : 0,
		pollBeforeLastFinishMs: before.length ? before[before.length - 1].at - from : 0,
		nodeEndMs: run.nodeSettledAt - from,
	};
}

/**
 * Detection latency at every phase: single-task runs whose task time steps
 * through one poll interval (T, T + interval/K, …), each measured from the
 * emulator's finishedAt to the end of the node's execute() (its result).
 */
async function latencySweep(emulator: EmulatorProcess): Promise<number[]> {
	const latencies: number[] = [];
	for (let run = 0; run < LATENCY_RUNS; run++) {
		await emulator.setOptions({ taskDurationMs: T + Math.round((run * POLL_MS) / LATENCY_RUNS) });
		await emulator.reset();
		const result = await runImagine(emulator, 1, nodeOptions(POLL_S));
		const { tasks } = await emulator.snapshot();
		if (tasks[0]?.finishedAt !== undefined && result.failed === 0) latencies.push(result.nodeSettledAt - tasks[0].finishedAt);
	}
	await emulator.setOptions({ taskDurationMs: T });
	return latencies;
}

// ---------------------------------------------------------------------------
// 4: CPU and memory

interface CpuRun {
	cpuMsPerTask: number;
	wallMs: number;
	failed: number;
	requestsPerTask: { submits: number; polls: number; images: number };
	imageSpanMs: number;
}

interface Resources {
	runs: CpuRun[];
	baseRssMb: number;
	peakRssMb: number;
	peakHeapMb: number;
	/** n8n-core's request helper alone: CPU ms per request (a probe node that only sends requests) */
	helperMsPerRequest: number;
	/** self time in the package's own code (nodes/, credentials/) per task, from a CPU profile */
	ownMsPerTask: number;
}

const HTTP_PROBE_TYPE = 'bench.httpProbe';

/** A node that only sends `count` GET requests through n8n's authenticated helper, `parallel` at a time. */
function httpProbe(url: string, count: number, parallel: number): INodeType {
	return {
		description: {
			displayName: 'HTTP probe',
			name: 'httpProbe',
			group: ['transform'],
			version: 1,
			description: 'Sends requests through the n8n helper',
			defaults: { name: 'Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'cometApi', required: true }],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			let sent = 0;
			const lane = async () => {
				while (sent < count) {
					sent++;
					await this.helpers.httpRequestWithAuthentication.call(this, 'cometApi', {
						method: 'GET',
						url,
						json: true,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					});
				}
			};
			await Promise.all(Array.from({ length: parallel }, lane));
			return [[{ json: { sent } }]];
		},
	};
}

async function helperCostPerRequest(emulator: EmulatorProcess, taskId: string): Promise<number> {
	const url = `${emulator.url}/mj/task/${taskId}/fetch`;
	const credentials = { cometApi: { apiKey: KEY, baseUrl: emulator.url, authStyle: 'bearer' } };
	const workflow = chain({ name: 'Probe', type: HTTP_PROBE_TYPE, parameters: {}, credentials: { cometApi: { id: '1', name: 'CometAPI account' } } });
	const count = 2 * DOWNLOAD_N;
	await runWorkflow(workflow, { credentials, nodeTypes: { [HTTP_PROBE_TYPE]: httpProbe(url, 100, NODE_MAX_CONCURRENCY) } });
	const before = process.cpuUsage();
	await runWorkflow(workflow, { credentials, nodeTypes: { [HTTP_PROBE_TYPE]: httpProbe(url, count, NODE_MAX_CONCURRENCY) } });
	const cpu = process.cpuUsage(before);
	return (cpu.user + cpu.system) / 1000 / count;
}

async function resources(emulator: EmulatorProcess): Promise<Resources> {
	const options = nodeOptions(POLL_S, { downloadImage: true, maxConcurrency: NODE_MAX_CONCURRENCY });
	// Warm up (module loading, JIT, n8n-core's binary data service) outside the measurement.
	for (let round = 0; round < 2; round++) {
		await emulator.reset();
		await runImagine(emulator, 20, options);
	}
	const baseRss = process.memoryUsage().rss;
	let peakRss = baseRss;
	let peakHeap = process.memoryUsage().heapUsed;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	const runs: CpuRun[] = [];
	let lastTaskId = '';
	for (let round = 0; round < CPU_RUNS; round++) {
		await emulator.reset();
		const sampler = setInterval(sample, 50);
		const before = process.cpuUsage();
		const run = await runImagine(emulator, DOWNLOAD_N, options);
		const cpu = process.cpuUsage(before);
		clearInterval(sampler);
		sample();
		const { requests, tasks } = await emulator.snapshot();
		lastTaskId = tasks[0]?.id ?? lastTaskId;
		const images = requests.filter((entry) => entry.kind === 'image');
		runs.push({
			cpuMsPerTask: (cpu.user + cpu.system) / 1000 / DOWNLOAD_N,
			wallMs: run.wallMs,
			failed: run.failed,
			requestsPerTask: {
				submits: requests.filter((entry) => entry.kind.startsWith('submit')).length / DOWNLOAD_N,
				polls: requests.filter((entry) => entry.kind === 'fetch' || entry.kind === 'list').length / DOWNLOAD_N,
				images: images.length / DOWNLOAD_N,
			},
			imageSpanMs: images.length ? images[images.length - 1].at - images[0].at : 0,
		});
	}
	const helperMsPerRequest = await helperCostPerRequest(emulator, lastTaskId);
	// A profiled extra run: which share of the CPU time is the package's own code.
	await emulator.reset();
	const profiler = await startProfiler();
	await runImagine(emulator, DOWNLOAD_N, options);
	const profile = await profiler.stop();
	return {
		runs,
		baseRssMb: baseRss / 1048576,
		peakRssMb: peakRss / 1048576,
		peakHeapMb: peakHeap / 1048576,
		helperMsPerRequest,
		ownMsPerTask: ownSelfTimeMs(profile) / DOWNLOAD_N,
	};
}

interface CpuProfile {
	nodes: Array<{ id: number; callFrame: { url: string; functionName: string } }>;
	samples: number[];
	timeDeltas: number[];
}

/** Self time (ms) in the package's own source: nodes/ and credentials/ of this repository. */
function ownSelfTimeMs(profile: CpuProfile): number {
	const root = join(__dirname, '../..');
	const own = (url: string) =>
		!url.includes('node_modules') && (url.includes(`${root}/nodes/`) || url.includes(`${root}/credentials/`));
	const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
	let ms = 0;
	profile.samples.forEach((id, index) => {
		if (own(frames.get(id)?.url ?? '')) ms += (profile.timeDeltas[index] ?? 0) / 1000;
	});
	return ms;
}

async function startProfiler() {
	const { Session } = await import('node:inspector');
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object) =>
		new Promise<unknown>((resolve, reject) =>
			session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
		);
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 200 });
	await post('Profiler.start');
	return {
		async stop(): Promise<CpuProfile> {
			const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
			session.disconnect();
			// BENCH_PROFILE=file.cpuprofile keeps it, for Chrome DevTools or speedscope.
			if (process.env.BENCH_PROFILE) writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
			return profile;
		},
	};
}

// ---------------------------------------------------------------------------

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	if (!sorted.length) return NaN;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const ms = (value: number) => `${Math.round(value)} ms`;
const s = (value: number) => `${fixed(value / 1000)} s`;

// ---------------------------------------------------------------------------
// 5: videos as binary data, streamed (filesystem mode)

interface VideoRun {
	videos: number;
	mbEach: number;
	wallMs: number;
	failed: number;
	/** bytes n8n's binary data service stored, summed over the items */
	storedBytes: number;
	baseRssMb: number;
	peakRssMb: number;
	peakHeapMb: number;
}

const FIRST_FRAME = `data:image/png;base64,${rgbaPng({ width: 8, height: 8, data: Buffer.alloc(256, 120) }).toString('base64')}`;

/**
 * Animate from an image, batches of 4 videos, Download Video on, One Item per
 * Video, in n8n's filesystem binary data mode; RSS sampled every 20 ms.
 */
async function runVideos(emulator: EmulatorProcess, videos: number, mbEach: number): Promise<VideoRun> {
	await emulator.reset();
	await emulator.setOptions({ videoSizeBytes: mbEach * 1048576, taskDurationMs: 500 });
	const items = Array.from({ length: Math.ceil(videos / 4) }, (_, index) => ({ json: { index } }));
	global.gc?.();
	const baseRss = process.memoryUsage().rss;
	let peakRss = baseRss;
	let peakHeap = process.memoryUsage().heapUsed;
	const sampler = setInterval(() => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	}, 20);
	const started = performance.now();
	const result = await runWorkflow(
		chain(
			midjourneyNode('Animate', {
				operation: 'animate',
				source: 'image',
				imageSource: 'url',
				imageUrl: FIRST_FRAME,
				motion: 'low',
				...optionParameters(nodeOptions(0.5, { downloadVideo: true, output: 'videos', maxConcurrency: items.length })),
			}),
		),
		{
			credentials: { cometApi: { apiKey: KEY, baseUrl: emulator.url, authStyle: 'bearer' } },
			triggerItems: items,
			binaryMode: 'filesystem',
		},
	);
	const wallMs = performance.now() - started;
	clearInterval(sampler);
	const output = result.output('Animate');
	// What reached disk, read from the files themselves (n8n-core 1.x gives only a rounded fileSize).
	const binaryData = Container.get(BinaryDataService);
	const storedBytes = output.reduce((sum, item) => {
		const id = item.binary?.data?.id;
		return sum + (id ? statSync(binaryData.getPath(id)).size : 0);
	}, 0);
	const sizes = output.map((item) => item.binary?.data?.fileSize);
	const failed = result.error ? videos : videos - output.filter((item) => item.binary?.data?.mimeType === 'video/mp4').length;
	if (result.error) console.log(`   error: ${result.error.message}`);
	console.log(`   ${output.length} items, sizes ${[...new Set(sizes)].join(', ')}`);
	return {
		videos,
		mbEach,
		wallMs,
		failed,
		storedBytes,
		baseRssMb: baseRss / 1048576,
		peakRssMb: peakRss / 1048576,
		peakHeapMb: peakHeap / 1048576,
	};
}

/** Section 5 of BENCHMARKS.md: the big run against a small one, so "flat" is measured, not claimed. */
async function videoSection(emulator: EmulatorProcess): Promise<{ markdown: string; pass: boolean }> {
	console.log('5. videos as binary: warm-up, a small run, then the measured one…');
	await runVideos(emulator, 4, 1);
	const small = await runVideos(emulator, 4, 1);
	console.log(`   4 × 1 MB: peak RSS ${fixed(small.peakRssMb, 0)} MB (+${fixed(small.peakRssMb - small.baseRssMb, 0)})`);
	const big = await runVideos(emulator, VIDEO_N, VIDEO_MB);
	console.log(`   ${VIDEO_N} × ${VIDEO_MB} MB: peak RSS ${fixed(big.peakRssMb, 0)} MB (+${fixed(big.peakRssMb - big.baseRssMb, 0)})`);
	const totalMb = (VIDEO_N * VIDEO_MB);
	const bigGrowth = big.peakRssMb - big.baseRssMb;
	// One video at a time: the big run's RSS growth stays well under the data it moved (holding every file would not).
	const pass = big.failed === 0 && small.failed === 0 && bigGrowth < totalMb / 4;
	const row = (run: VideoRun) =>
		`| ${run.videos} × ${run.mbEach} MB | ${fixed(run.storedBytes / 1048576, 0)} MB | ${s(run.wallMs)} | ${fixed(run.baseRssMb, 0)} MB | **${fixed(run.peakRssMb, 0)} MB** (+${fixed(run.peakRssMb - run.baseRssMb, 0)}) | ${fixed(run.peakHeapMb, 0)} MB | ${run.failed} |`;
	const markdown = `## 5. Videos as binary data (Download Video, filesystem mode)

Produced by \`npm run bench -- --videos-only\` (or with the whole run) on ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC.
Animate from an image (batches of 4 videos), Download Video on, Output One Item per Video, n8n's
**filesystem** binary data mode; the emulator (child process) pads every mp4 to the size given
(\`videoSizeBytes\`). Each mp4 is read whole (it is stored only once complete, so a download cut
off mid-way leaves no partial file), its first box checked to be \`ftyp\`, then handed to n8n's
binary data service (\`prepareBinaryData(buffer)\`); items and videos one after another, so one
video at a time is in memory. RSS sampled every 20 ms.

| videos | stored | wall | RSS before | peak RSS | peak heap | failed |
| --- | --- | --- | --- | --- | --- | --- |
${row(small)}
${row(big)}

Peak RSS grows by ${fixed(bigGrowth, 0)} MB for ${totalMb} MB of video against ${fixed(small.peakRssMb - small.baseRssMb, 0)} MB for 4 MB: memory follows the
size of one video, not the number of videos (target: growth < a quarter of the data moved, ${fixed(totalMb / 4, 0)} MB: **${pass ? 'PASS' : 'FAIL'}**).
In the default (in-memory) binary mode n8n itself keeps every file as base64 in the item, so large
videos belong in filesystem or S3 mode.
`;
	return { markdown, pass };
}

const VIDEO_HEADING = '## 5. Videos as binary data';
const CALLBACK_HEADING = '## 6. Wait Mode Callback';

/** BENCHMARKS.md with the section under `heading` replaced (or added before the targets), the rest kept as it is. */
function withSection(existing: string, heading: string, section: string): string {
	const start = existing.indexOf(heading);
	if (start < 0) {
		const targets = existing.indexOf('## Targets');
		return targets < 0 ? `${existing.trimEnd()}\n\n${section}` : `${existing.slice(0, targets)}${section}\n${existing.slice(targets)}`;
	}
	const next = existing.indexOf('\n## ', start + heading.length);
	return `${existing.slice(0, start)}${section}${next < 0 ? '' : existing.slice(next + 1)}`;
}

/** One section measured alone (--videos-only, --callback-only) and spliced into BENCHMARKS.md. */
async function sectionOnly(
	heading: string,
	emulatorOptions: Partial<EmulatorOptions>,
	measure: (emulator: EmulatorProcess) => Promise<{ markdown: string; pass: boolean }>,
): Promise<void> {
	const emulator = await EmulatorProcess.start({ auth: { key: KEY, styles: ['bearer'] }, ...emulatorOptions });
	let result: { markdown: string; pass: boolean };
	try {
		result = await measure(emulator);
	} finally {
		await emulator.close();
	}
	const path = join(__dirname, '../../BENCHMARKS.md');
	writeFileSync(path, withSection(existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n', heading, result.markdown));
	console.log(`\n${result.markdown}`);
	process.exitCode = result.pass ? 0 : 1;
}

// ---------------------------------------------------------------------------
// 6: Wait Mode Callback: the execution parks, the emulator's callbacks resume it

const NEXT_NODE_TYPE = 'bench.nextNode';

/** The node after the Midjourney node, noting when it starts (the resumed workflow reaching it). */
function nextNodeRecorder(times: { startedAt?: number }): INodeType {
	return {
		description: {
			displayName: 'Next',
			name: 'nextNode',
			group: ['transform'],
			version: 1,
			description: 'Notes when the workflow reaches it',
			defaults: { name: 'Next' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			times.startedAt = Date.now();
			return [this.getInputData()];
		},
	};
}

interface CallbackRun {
	n: number;
	parked: boolean;
	failed: number;
	wallMs: number;
	/** status requests from the park to the first task's end: polls (the target is none) */
	pollsWhileWaiting: number;
	/** the read before parking, and the reads the final callbacks made (the resume's own) */
	readsBeforePark: number;
	readsOnCallbacks: number;
	/** from the last task's end (its final callback) to the next node's start */
	lastFinishToNextMs: number;
}

async function runCallback(emulator: EmulatorProcess, waiting: WaitingExecutions, n: number): Promise<CallbackRun> {
	await emulator.reset();
	const next: { startedAt?: number } = {};
	const started = performance.now();
	const parked = await waiting.run(
		chain(
			midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', ...optionParameters(nodeOptions(POLL_S, { waitMode: 'callback', maxConcurrency: n })) }),
			{ name: 'Next', type: NEXT_NODE_TYPE, parameters: {} },
		),
		{
			credentials: { cometApi: { apiKey: KEY, baseUrl: emulator.url, authStyle: 'bearer' } },
			triggerItems: prompts(n),
			nodeTypes: { [NEXT_NODE_TYPE]: nextNodeRecorder(next) },
		},
	);
	const parkedAt = Date.now();
	const resumed = parked.run.status === 'waiting' ? await waiting.ended(parked.executionId, 10 * T + 60_000) : parked;
	const wallMs = performance.now() - started;
	const { requests, tasks } = await emulator.snapshot();
	const reads = requests.filter((entry) => entry.kind === 'fetch' || entry.kind === 'list');
	const firstFinish = Math.min(...tasks.map((task) => task.finishedAt ?? Infinity));
	const lastFinish = Math.max(...tasks.map((task) => task.finishedAt ?? 0));
	const items = resumed.output('Next');
	return {
		n,
		parked: parked.run.status === 'waiting',
		failed: resumed.error ? n : n - items.filter((item) => item.json.status === 'SUCCESS').length,
		wallMs,
		pollsWhileWaiting: reads.filter((entry) => entry.at >= parkedAt && entry.at < firstFinish).length,
		readsBeforePark: reads.filter((entry) => entry.at < parkedAt).length,
		readsOnCallbacks: reads.filter((entry) => entry.at >= firstFinish).length,
		lastFinishToNextMs: (next.startedAt ?? NaN) - lastFinish,
	};
}

/**
 * Section 6: a batch of N in Callback mode (no poll while it waits), and the time from a task's
 * final callback to the workflow's next node in single-task runs sweeping one poll interval,
 * beside Poll mode's detection latency measured the same way in the same run.
 */
async function callbackSection(emulator: EmulatorProcess): Promise<{ markdown: string; pass: boolean }> {
	const waiting = new WaitingExecutions();
	await waiting.start();
	let batchRun: CallbackRun;
	const callbackLatencies: number[] = [];
	let pollLatencies: number[];
	try {
		console.log(`6. Wait Mode Callback: warm-up, then ${N} items (T = ${T} ms)…`);
		await runCallback(emulator, waiting, 5);
		batchRun = await runCallback(emulator, waiting, N);
		console.log(`   wall ${s(batchRun.wallMs)}; ${batchRun.pollsWhileWaiting} polls while waiting, ${batchRun.readsOnCallbacks} reads on callbacks`);
		console.log(`   final callback → next node, ${LATENCY_RUNS} single-task runs sweeping one poll interval…`);
		for (let run = 0; run < LATENCY_RUNS; run++) {
			await emulator.setOptions({ taskDurationMs: T + Math.round((run * POLL_MS) / LATENCY_RUNS) });
			const single = await runCallback(emulator, waiting, 1);
			if (single.failed === 0 && single.parked) callbackLatencies.push(single.lastFinishToNextMs);
		}
		await emulator.setOptions({ taskDurationMs: T });
		console.log(`   median ${ms(median(callbackLatencies))}, worst ${ms(Math.max(...callbackLatencies))}`);
		console.log(`   Poll mode's detection latency, the same sweep…`);
		pollLatencies = await latencySweep(emulator);
		console.log(`   median ${ms(median(pollLatencies))}, worst ${ms(Math.max(...pollLatencies))}`);
	} finally {
		await waiting.close();
	}
	const pass =
		batchRun.parked && batchRun.failed === 0 && batchRun.pollsWhileWaiting === 0 && callbackLatencies.length === LATENCY_RUNS;
	const markdown = `${CALLBACK_HEADING} (the execution parks; the server's callbacks resume it)

Produced by \`npm run bench -- --callback-only\` (or with the whole run) on ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC.
Wait Mode Callback: the node submits with \`notifyHook\` = the execution's resume URL, n8n-core parks the
execution (\`putExecutionToWait\`; the harness keeps it as JSON, as n8n's database does), the
emulator (child process) POSTs each task change to that URL, and the node's webhook resumes the
execution once every task has ended. T = ${T} ms, Max Concurrent Tasks ${N}.

| | Callback | Poll (interval ${POLL_S} s) |
| --- | --- | --- |
| ${N} items: parked | ${batchRun.parked ? 'yes' : '**no**'} (resumed once, ${batchRun.failed} failed, wall ${s(batchRun.wallMs)} = ${fixed(batchRun.wallMs / T)} × T) | (holds the execution) |
| ${N} items: status requests while waiting (park → first task's end) | **${batchRun.pollsWhileWaiting}** | one list-by-condition per tick (section 1) |
| ${N} items: other reads | ${batchRun.readsBeforePark} before parking (callbacks that come before the park is stored would be refused by n8n), ${batchRun.readsOnCallbacks} on final callbacks (each final callback reads the batch once, from the API, before the resume) | |
| ${N} items: last task's end → next node | ${ms(batchRun.lastFinishToNextMs)} | |
| one task, ${LATENCY_RUNS} runs sweeping one poll interval: task's end (its final callback) → next node (Callback) / → node's result (Poll, section 3's measure) | **median ${ms(median(callbackLatencies))}, worst ${ms(Math.max(...callbackLatencies))}** | median ${ms(median(pollLatencies))}, worst ${ms(Math.max(...pollLatencies))} |

Callback latency is the callback's trip, one read of the tasks and n8n-core's resume; it does not
depend on where the task ends against a poll tick. Target: no status request while waiting, every
task resumed: **${pass ? 'PASS' : 'FAIL'}**.
`;
	return { markdown, pass };
}

async function main(): Promise<void> {
	if (args['videos-only']) {
		await sectionOnly(VIDEO_HEADING, { taskDurationMs: 500, concurrency: 50, queueSize: 50 }, videoSection);
		return;
	}
	if (args['callback-only']) {
		await sectionOnly(CALLBACK_HEADING, { taskDurationMs: T, concurrency: 10 * N, queueSize: 10 * N }, callbackSection);
		return;
	}
	if (args['grid-only']) {
		await sectionOnly(GRID_HEADING, {}, gridSection);
		return;
	}
	const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
	const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
	const machine = `Node ${process.version}, ${platform()} ${release()}, ${cpus().length} × ${cpuModel}, ${fixed(totalmem() / 2 ** 30, 0)} GB RAM`;
	console.log(`Benchmark: T = ${T} ms per emulated task, poll interval ${POLL_S} s, initial delay 0 s`);
	console.log(machine);
	const emulator = await EmulatorProcess.start({
		taskDurationMs: T,
		auth: { key: KEY, styles: ['bearer'] },
		// Room for every task at once: nothing queues, nothing is refused.
		concurrency: 10 * Math.max(N, DOWNLOAD_N),
		queueSize: 10 * Math.max(N, DOWNLOAD_N),
		idsAsNumbers: 'alternate',
	});
	let concurrentRuns: BatchResult[];
	let concurrent: BatchResult;
	let compare: BatchResult;
	let sequential: BatchResult;
	let latencies: number[];
	let usage: Resources;
	let videos: { markdown: string; pass: boolean };
	let callback: { markdown: string; pass: boolean };
	let grid: { markdown: string; pass: boolean };
	try {
		console.log('warming up…');
		await batch(emulator, 5, 5, POLL_S);
		console.log(`1. ${N} items, Max Concurrent Tasks ${N}, poll ${POLL_S} s, ${CONCURRENT_RUNS} runs…`);
		concurrentRuns = [];
		for (let round = 0; round < CONCURRENT_RUNS; round++) {
			concurrentRuns.push(await batch(emulator, N, N, POLL_S));
			console.log(`   wall ${s(concurrentRuns[round].wallMs)} = ${fixed(concurrentRuns[round].wallMs / T)} × T`);
		}
		// The run with the median wall time stands for the mode.
		concurrent = [...concurrentRuns].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((concurrentRuns.length - 1) / 2)];
		console.log(`   the same at poll ${COMPARE_POLL_S} s (for comparison)…`);
		compare = await batch(emulator, N, N, COMPARE_POLL_S);
		console.log(`   wall ${s(compare.wallMs)} = ${fixed(compare.wallMs / T)} × T`);
		console.log(`   Max Concurrent Tasks 1 (one after another), ${SEQUENTIAL_N} items…`);
		sequential = await batch(emulator, SEQUENTIAL_N, 1, POLL_S);
		console.log(`   wall ${s(sequential.wallMs)} = ${fixed(sequential.wallMs / T)} × T`);
		console.log(`3. detection latency, ${LATENCY_RUNS} single-task runs sweeping one poll interval…`);
		latencies = await latencySweep(emulator);
		console.log(`   median ${ms(median(latencies))}, worst ${ms(Math.max(...latencies))}`);
		console.log(`4. CPU and memory, ${DOWNLOAD_N} items with Download Image on, ${CPU_RUNS} runs…`);
		usage = await resources(emulator);
		console.log(`   ${usage.runs.map((run) => `${fixed(run.cpuMsPerTask)} ms`).join(', ')} CPU per task`);
		videos = await videoSection(emulator);
		callback = await callbackSection(emulator);
		grid = await gridSection();
	} finally {
		await emulator.close();
	}

	const sequentialPerItem = sequential.wallMs / sequential.n;
	const sequentialExtrapolated = sequentialPerItem * N;
	const cpuPerTask = median(usage.runs.map((run) => run.cpuMsPerTask));
	const requestsPerTask = usage.runs[0].requestsPerTask;
	const httpPerTask = requestsPerTask.submits + requestsPerTask.polls + requestsPerTask.images;
	const floorPerTask = usage.helperMsPerRequest * httpPerTask;
	const failed = concurrentRuns.reduce((sum, run) => sum + run.failed, 0) + compare.failed + sequential.failed + usage.runs.reduce((sum, run) => sum + run.failed, 0);
	const pollBudget = Math.ceil(concurrent.wallMs / POLL_MS) + 1;
	const onePerTick = concurrent.polls <= pollBudget && concurrent.fetches === 0 && concurrent.maxIdsPerList === N;
	const latencyMedian = median(latencies);
	const waitForTick = concurrent.lastPollMs - concurrent.lastFinishMs;

	const targets = [
		{
			name: `concurrent wall ≤ 1.3 × T for N = ${N} (poll ${POLL_S} s)`,
			value: `${s(concurrent.wallMs)} = ${fixed(concurrent.wallMs / T)} × T (median of ${concurrentRuns.length} runs: ${concurrentRuns.map((run) => fixed(run.wallMs / T)).join(', ')}; ${concurrentRuns.filter((run) => run.wallMs <= 1.3 * T).length} of ${concurrentRuns.length} within)`,
			pass: concurrent.wallMs <= 1.3 * T,
		},
		{
			name: 'poll requests for the whole batch ≈ one per tick',
			value: `${concurrent.polls} polls for ${N} tasks in ${s(concurrent.wallMs)} (≤ ${pollBudget} ticks); each a list-by-condition, the first with all ${concurrent.maxIdsPerList} ids`,
			pass: onePerTick,
		},
		{
			name: `median detection latency ≤ poll interval + 100 ms (${POLL_MS + 100} ms)`,
			value: `median ${ms(latencyMedian)}, worst ${ms(Math.max(...latencies))}`,
			pass: latencyMedian <= POLL_MS + 100,
		},
		{
			name: 'node CPU < 2 ms per task (whole process: package, n8n-core, HTTP, binary data)',
			value: `${fixed(cpuPerTask)} ms`,
			pass: cpuPerTask < 2,
		},
		{ name: 'every task succeeded (sanity)', value: `${failed} failed`, pass: failed === 0 },
		{ name: `peak RSS flat for ${VIDEO_N} videos of ${VIDEO_MB} MB as binary (section 5)`, value: 'see section 5', pass: videos.pass },
		{ name: `Wait Mode Callback, N = ${N}: no status request while waiting (section 6)`, value: 'see section 6', pass: callback.pass },
	];

	const batchRow = (label: string, run: BatchResult) =>
		`| ${label} | ${run.n} | ${s(run.wallMs)} | ${fixed(run.wallMs / T)} | ${fixed(run.submits / run.n)} | ${fixed(run.polls / run.n)} | ${run.polls} (${run.lists} list, ${run.fetches} fetch) |`;
	const report = `# Benchmarks

Produced by \`${command}\` on ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC.
Machine: ${machine}.

The node runs inside n8n-core's \`WorkflowExecute\` (the test harness, n8n-core 1.x) against the
emulator, which runs in a child process. Each emulated task takes T = ${T} ms; the emulator runs
every task at once (nothing queues). Node options: Poll Interval **${POLL_S} s**, Initial Delay 0 s
(first poll one interval after the submit), Timeout 600 s.

## 1. Wall time and 2. requests per task

| mode | items | wall | ratio to T | submits / task | polls / task | polls in all |
| --- | --- | --- | --- | --- | --- | --- |
${batchRow(`concurrent, Max Concurrent Tasks ${N}, poll ${POLL_S} s (median of ${concurrentRuns.length} runs: ${concurrentRuns.map((run) => fixed(run.wallMs / T)).join(', ')} × T)`, concurrent)}
${batchRow(`one after another, Max Concurrent Tasks 1, poll ${POLL_S} s (measured)`, sequential)}
| one after another, **extrapolated** from the ${SEQUENTIAL_N} measured (${s(sequentialPerItem)} per item) | ${N} | ≈ ${s(sequentialExtrapolated)} | ≈ ${fixed(sequentialExtrapolated / T)} | 1.00 | ≈ ${fixed(sequential.polls / sequential.n)} | ≈ ${Math.round((sequential.polls / sequential.n) * N)} |
${batchRow(`for comparison: concurrent, poll ${COMPARE_POLL_S} s`, compare)}

One after another (Max Concurrent Tasks 1, what the in-node peers do) was measured with
${SEQUENTIAL_N} items rather than ${N} (that would take about ${s(sequentialExtrapolated)}); its ${N}-item row is that
measurement scaled linearly. Concurrent, ${N} items take about ${fixed(sequentialExtrapolated / concurrent.wallMs, 0)} × less time.

Where the concurrent wall time goes (ms from the start of the run, poll ${POLL_S} s, the median run): the
submits arrived within ${ms(concurrent.submitSpreadMs)}; the last task finished at ${ms(concurrent.lastFinishMs)}; the last poll
before that came at ${ms(concurrent.pollBeforeLastFinishMs)}, the next one, which saw it, at ${ms(concurrent.lastPollMs)} (${ms(waitForTick)} after it
finished); the node returned at ${ms(concurrent.nodeEndMs)}. A finished task waits for the next poll tick, up to one interval, so the wall
time is T + submit spread + 0 to 1 poll interval + a few ms: 1.0 to ${fixed((T + concurrent.submitSpreadMs + POLL_MS) / T)} × T at T = ${T} ms and a
${POLL_S} s interval, depending on where the ticks fall against the tasks' end (${concurrentRuns.filter((run) => run.wallMs <= 1.3 * T).length} of the ${concurrentRuns.length} runs
were within 1.3 × T).${T % POLL_MS === 0 ? ` With T a whole multiple of the interval, a tick falls right about where the ${N} tasks end (they
were submitted together and take exactly T), so whether it catches them or the next one does is a matter of a few ms
of jitter.` : ''} At poll ${COMPARE_POLL_S} s the same batch took ${fixed(compare.wallMs / T)} × T.

Polling cost: every tick is one \`POST /mj/task/list-by-condition\` carrying all pending ids
(largest: ${concurrent.maxIdsPerList} ids), so the whole batch of ${N} cost ${concurrent.polls} poll requests
(${fixed(concurrent.polls / N)} per task) against ${fixed(sequential.polls / sequential.n)} per task one after another.

## 3. Detection latency

From the emulator marking a task SUCCESS (\`finishedAt\`) to the end of the node's \`execute()\`
(its result), in ${latencies.length} single-task runs whose task time steps through one poll interval
(T, T + ${Math.round(POLL_MS / LATENCY_RUNS)} ms, …), so that every phase between a task's end and the next poll tick is
sampled: **median ${ms(latencyMedian)}, worst ${ms(Math.max(...latencies))}** (poll interval ${POLL_MS} ms;
all: ${latencies.map((value) => Math.round(value)).join(', ')} ms).

In the concurrent batch above (all ${N} tasks share one phase), from \`finishedAt\` to the arrival
of the first poll asking for the task: median ${ms(median(concurrent.pollLatencies))}, worst
${ms(Math.max(...concurrent.pollLatencies))}.

## 4. CPU and memory (N = ${DOWNLOAD_N}, Download Image on)

Max Concurrent Tasks ${NODE_MAX_CONCURRENCY} (the node's limit), ${CPU_RUNS} runs after two warm-up runs; the emulator
is in its child process, so \`process.cpuUsage()\` is the node's and n8n-core's CPU, nothing subtracted.

| | value |
| --- | --- |
| CPU per task (median of ${CPU_RUNS} runs) | **${fixed(cpuPerTask)} ms** (runs: ${usage.runs.map((run) => `${fixed(run.cpuMsPerTask)}`).join(', ')} ms) |
| HTTP requests per task | ${fixed(httpPerTask)} (submit ${fixed(requestsPerTask.submits)}, polls ${fixed(requestsPerTask.polls)}, image ${fixed(requestsPerTask.images)}) |
| n8n-core's request helper alone (a probe node that only sends requests) | ${fixed(usage.helperMsPerRequest)} ms CPU per request → ${fixed(floorPerTask)} ms per task for these requests |
| the package's own code (self time in a CPU profile of one more run) | ${fixed(usage.ownMsPerTask, 3)} ms per task |
| peak RSS | ${fixed(usage.peakRssMb, 0)} MB (${fixed(usage.baseRssMb, 0)} MB before the measured runs) |
| peak heap used | ${fixed(usage.peakHeapMb, 0)} MB |
| wall per run | ${usage.runs.map((run) => s(run.wallMs)).join(', ')}${DOWNLOAD_N > NODE_MAX_CONCURRENCY ? ` (${Math.ceil(DOWNLOAD_N / NODE_MAX_CONCURRENCY)} waves of at most ${NODE_MAX_CONCURRENCY} tasks)` : ''}; the ${DOWNLOAD_N} image downloads spread over ${s(usage.runs[0].imageSpanMs)} |

Most of the CPU time is n8n-core sending requests (axios, a new agent and TCP connection per
request) and garbage collection; the node's share above that floor is
${fixed(cpuPerTask - floorPerTask)} ms per task.

${videos.markdown}
${callback.markdown}
${grid.markdown}
## Targets

| target | measured | |
| --- | --- | --- |
${targets.map((target) => `| ${target.name} | ${target.value} | ${target.pass ? 'PASS' : 'FAIL'} |`).join('\n')}
`;
	// Sections written by other layers (queue mode, test/queue/run.ts) are kept after the targets.
	const path = join(__dirname, '../../BENCHMARKS.md');
	const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
	const kept = previous.indexOf('\n## Queue mode');
	writeFileSync(path, kept >= 0 ? `${report}${previous.slice(kept)}` : report);
	console.log(`\n${report}`);
	const passed = targets.filter((target) => target.pass).length;
	console.log(`${passed} passed, ${targets.length - passed} failed (written to BENCHMARKS.md)`);
	process.exitCode = passed === targets.length ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
