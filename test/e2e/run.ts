/*
 * End-to-end run inside a real n8n (npm run test:e2e; needs `npm run build` first):
 * installs n8n into .cache/ if needed, installs the packed package as a community package,
 * imports a credential pointing at the local emulator and the example workflows, runs each
 * with `n8n execute`, and checks what came out.
 *
 * Then Wait Mode "Callback" and the Midjourney Trigger in a running n8n, restarted mid-wait
 * (callback.ts; the two examples that need a server to call back run there). Last, `npm start
 * -- --check` boots the editor the way `npm start` does and runs the examples through its REST
 * API (skip with --no-start).
 *
 *   ts-node --transpile-only test/e2e/run.ts [--base-only] [--keep] [--no-start] [--only NAME]
 *   N8N_E2E_VERSION=2 ...  the newest installable n8n 2.x (newestN8n.ts; the pin 2.41.1 on any failure) on Node 24 (npm package node@24)
 *   N8N_E2E_VERSION=2.41.1 [N8N_E2E_NODE_BIN_DIR=.cache/node24/node_modules/.bin] ... another n8n
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';

import { renderFlat } from '../emulator/images';
import { QUARTER_COLOURS, videoFixture, type RequestLogEntry } from '../emulator';
import { CALLBACK_SCENARIO_NAMES, runCallbackScenarios } from './callback';
import { mp4Info, pngInfo } from './cms';
import {
	binaryBytes,
	ensureN8n,
	executeWorkflow,
	makeUserFolder,
	nodeOutput,
	nodeRan,
	NODE_TYPE,
	TOOL_NODE_TYPE,
	type Execution,
	type Item,
	type WorkflowJson,
} from './n8n';
import { stageN8n, type Stage } from './stage';
import { runLayer } from '../layerMain';

const TASK_DURATION_MS = 1500;
/** Short polling against the emulator; the example files keep the production defaults. */
const FAST_POLLING = { pollInterval: 1, initialDelay: 0, timeout: 120 };

type Check = (execution: Execution, stage: Stage, requests: RequestLogEntry[]) => string[];

interface Case {
	name: string;
	workflowId: string;
	check: Check;
}

/** Collects failed expectations instead of stopping at the first one. */
class Expectations {
	readonly failures: string[] = [];
	that(condition: unknown, message: string): boolean {
		if (!condition) this.failures.push(message);
		return Boolean(condition);
	}
}

const single = (items: Item[]): Item['json'] | undefined => (items.length === 1 ? items[0].json : undefined);
const bodyOf = (entry: RequestLogEntry | undefined) => (entry?.body ?? {}) as Record<string, any>;
const submits = (requests: RequestLogEntry[], kind: RequestLogEntry['kind']) =>
	requests.filter((r) => r.kind === kind && r.status === 200);

function decodeDataUri(value: unknown): Buffer | undefined {
	const match = typeof value === 'string' ? /^data:image\/[a-z0-9.+-]+;base64,(.+)$/is.exec(value) : null;
	return match ? Buffer.from(match[1], 'base64') : undefined;
}

// ---- the pipeline check: base nodes only (n8n, the CLI flow and the CMS stub) ------------------

const SMOKE_PNG = renderFlat(8, 6, QUARTER_COLOURS[0]);

export function pipelineWorkflow(): WorkflowJson {
	return {
		id: 'e2ePipeline00001',
		name: 'e2e pipeline (base nodes)',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: {
					jsCode: `return [{ json: { prompt: 'smoke' }, binary: { data: { data: '${SMOKE_PNG.toString('base64')}', mimeType: 'image/png', fileName: 'smoke.png' } } }];`,
				},
				name: 'Make PNG',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
			},
			{
				parameters: {
					method: 'POST',
					url: 'http://127.0.0.1:5680/upload',
					sendBody: true,
					contentType: 'multipart-form-data',
					bodyParameters: {
						parameters: [
							{ parameterType: 'formBinaryData', name: 'file', inputDataFieldName: 'data' },
							{ name: 'alt', value: '={{ $json.prompt }}' },
						],
					},
					options: {},
				},
				name: 'Upload',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [400, 0],
			},
		],
		connections: {
			Start: { main: [[{ node: 'Make PNG', type: 'main', index: 0 }]] },
			'Make PNG': { main: [[{ node: 'Upload', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const checkPipeline: Check = (execution, stage) => {
	const expect = new Expectations();
	const response = single(nodeOutput(execution, 'Upload'));
	expect.that(response?.ok === true, `Upload answered ${JSON.stringify(response)}`);
	const upload = stage.cms.uploads.find((u) => u.fields.alt === 'smoke');
	if (expect.that(upload, 'the CMS stub received no upload')) {
		expect.that(upload!.body.equals(SMOKE_PNG), 'the uploaded bytes differ from the PNG the Code node sent');
	}
	return expect.failures;
};

// ---- node and tool registration ---------------------------------------------------------------

/**
 * n8n resolves every node's type when it builds the workflow, so a workflow that merely contains
 * the tool variant fails with "Unrecognized node type" (package not loaded) or "Node cannot be
 * used as a tool" (no usableAsTool) before anything runs.
 */
export function registrationWorkflow(): WorkflowJson {
	return {
		id: 'e2eRegistration1',
		name: 'e2e registration (node + tool variant)',
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: { resource: 'task', operation: 'fetch', taskIds: '1' },
				name: 'Midjourney tool',
				type: TOOL_NODE_TYPE,
				typeVersion: 1,
				position: [200, 200],
			},
			{
				parameters: { jsCode: 'return [{ json: { ok: true } }];' },
				name: 'Done',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
			},
		],
		connections: { Start: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const checkRegistration: Check = (execution) => {
	const expect = new Expectations();
	expect.that(single(nodeOutput(execution, 'Done'))?.ok === true, 'the workflow holding the tool variant did not run');
	return expect.failures;
};

// ---- the example workflows ----------------------------------------------------------------------

const checkCmsPublish: Check = (execution, stage, requests) => {
	const expect = new Expectations();
	const grid = nodeOutput(execution, 'Imagine product shots').map((i) => i.json);
	expect.that(grid.length === 4, `Imagine returned ${grid.length} items, expected 4 grid pictures`);
	expect.that(
		grid.map((g) => g.index).join(',') === '1,2,3,4',
		`grid indexes ${grid.map((g) => g.index).join(',')}`,
	);
	const gridTaskId = grid[0]?.taskId;
	expect.that(typeof gridTaskId === 'string' && gridTaskId.length > 0, `grid taskId ${JSON.stringify(gridTaskId)}`);
	expect.that(grid.every((g) => g.taskId === gridTaskId), 'grid pictures carry different task ids');
	// Each picture has its own URL (servers that send imageUrls) or, cut by the node, its own binary.
	const gridItems = nodeOutput(execution, 'Imagine product shots');
	expect.that(
		new Set(grid.map((g) => g.imageUrl)).size === 4 || gridItems.every((item) => item.binary?.data !== undefined),
		'grid pictures have neither their own imageUrl nor their own binary picture',
	);
	for (const g of grid) {
		expect.that(
			typeof g.U === 'string' && g.U.startsWith(`MJ::JOB::upsample::${g.index}::`),
			`picture ${g.index}: U = ${JSON.stringify(g.U)}`,
		);
		expect.that(
			typeof g.V === 'string' && g.V.startsWith(`MJ::JOB::variation::${g.index}::`),
			`picture ${g.index}: V = ${JSON.stringify(g.V)}`,
		);
	}

	const picked = nodeOutput(execution, 'Pick picture 2', 0);
	expect.that(picked.length === 1 && picked[0].json.index === 2, `IF true branch: ${picked.length} items`);
	expect.that(nodeOutput(execution, 'Pick picture 2', 1).length === 3, 'IF false branch should hold 3 pictures');

	const actions = submits(requests, 'submit-action');
	expect.that(actions.length === 2, `expected 2 action submits, the emulator saw ${actions.length}`);
	const u2 = bodyOf(actions[0]);
	expect.that(
		u2.taskId === gridTaskId && u2.customId === grid[1]?.U,
		`first action submit ${JSON.stringify(u2)} is not picture 2's U button of ${gridTaskId}`,
	);
	const upscaled = single(nodeOutput(execution, 'Upscale picture 2'));
	expect.that(
		upscaled?.status === 'SUCCESS' && upscaled?.action === 'UPSCALE',
		`Upscale picture 2: ${upscaled?.status} ${upscaled?.action}`,
	);
	const subtleSubmit = bodyOf(actions[1]);
	expect.that(
		subtleSubmit.taskId === upscaled?.taskId && /subtle/i.test(String(subtleSubmit.customId)),
		`second action submit ${JSON.stringify(subtleSubmit)} is not Upscale (Subtle) on ${upscaled?.taskId}`,
	);

	const subtleItems = nodeOutput(execution, 'Upscale (Subtle)');
	const subtle = subtleItems[0];
	expect.that(subtleItems.length === 1 && subtle.json.status === 'SUCCESS', 'Upscale (Subtle) did not succeed');
	const binary = subtle?.binary?.data;
	let imageBytes: Buffer | undefined;
	if (expect.that(binary, 'Upscale (Subtle) has no binary "data" (downloadImage)')) {
		expect.that(binary!.mimeType === 'image/png', `binary mimeType ${binary!.mimeType}`);
		imageBytes = binaryBytes(binary);
		if (imageBytes) expect.that(pngInfo(imageBytes), 'the binary "data" is not a PNG');
	}

	const response = single(nodeOutput(execution, 'Upload to CMS'));
	expect.that(response?.ok === true, `Upload to CMS answered ${JSON.stringify(response)}`);
	expect.that(stage.cms.rejections.length === 0, `CMS rejections: ${JSON.stringify(stage.cms.rejections)}`);
	const upload = stage.cms.uploads.find((u) => u.fields.midjourneyTaskId === subtle?.json.taskId);
	if (expect.that(upload, 'the CMS stub received no upload for the upscaled task')) {
		expect.that(upload!.via === 'multipart', `upload arrived as ${upload!.via}`);
		expect.that((upload!.png?.width ?? 0) > 0 && (upload!.png?.height ?? 0) > 0, 'uploaded PNG has no size');
		if (imageBytes) expect.that(upload!.body.equals(imageBytes), 'the CMS got other bytes than the node downloaded');
		const emulatorTask = stage.emulator.tasks.get(String(subtle?.json.taskId));
		expect.that(emulatorTask?.status === 'SUCCESS', 'the emulator does not know the upscaled task');
	}
	return expect.failures;
};

const checkImagineUpscaleAnimateVideo: Check = (execution, stage, requests) => {
	const expect = new Expectations();
	const grid = single(nodeOutput(execution, 'Imagine'));
	expect.that(grid?.status === 'SUCCESS' && grid?.action === 'IMAGINE', `Imagine: ${grid?.status} ${grid?.action}`);
	const upscale = single(nodeOutput(execution, 'Pick picture 1 (U1)'));
	expect.that(upscale?.status === 'SUCCESS' && upscale?.action === 'UPSCALE', `U1: ${upscale?.status} ${upscale?.action}`);
	const actions = submits(requests, 'submit-action').map(bodyOf);
	expect.that(actions.length === 2, `expected 2 action submits (U1, Animate), the emulator saw ${actions.length}`);
	expect.that(
		actions[1]?.taskId === upscale?.taskId && String(actions[1]?.customId).startsWith('MJ::JOB::animate_low::'),
		`second action submit ${JSON.stringify(actions[1])} is not Animate (Low motion) on ${upscale?.taskId}`,
	);

	// One item per video, each with its mp4 as binary.
	const videos = nodeOutput(execution, 'Animate (Low motion)');
	expect.that(videos.length === 4, `Animate returned ${videos.length} items, expected one per video (4)`);
	const videoTaskId = videos[0]?.json.taskId;
	const videoTask = stage.emulator.tasks.get(String(videoTaskId));
	expect.that(videoTask?.action === 'VIDEO' && videoTask.status === 'SUCCESS', `the emulator's video task: ${videoTask?.action} ${videoTask?.status}`);
	for (const [position, item] of videos.entries()) {
		const index = position + 1;
		expect.that(item.json.index === index && item.json.taskId === videoTaskId, `video item ${position}: index ${item.json.index}, task ${item.json.taskId}`);
		expect.that(item.json.videoUrl === videoTask?.videoUrls?.[position]?.url, `video ${index}: videoUrl ${item.json.videoUrl}`);
		const binary = item.binary?.data;
		if (!expect.that(binary, `video ${index} has no binary "data" (Download Video)`)) continue;
		expect.that(binary!.mimeType === 'video/mp4', `video ${index}: mimeType ${binary!.mimeType}`);
		expect.that(binary!.fileName === `midjourney-${videoTaskId}-${index}.mp4`, `video ${index}: fileName ${binary!.fileName}`);
		const bytes = binaryBytes(binary);
		// In n8n's filesystem mode the item holds a reference only; the CMS upload below checks the bytes then.
		if (bytes) expect.that(mp4Info(bytes), `video ${index}: the binary is not an mp4`);
	}

	// The CMS received every video as an mp4, the very files the emulator served.
	const responses = nodeOutput(execution, 'Upload video to CMS');
	expect.that(responses.length === 4 && responses.every((r) => r.json.ok === true), `Upload video to CMS answered ${JSON.stringify(responses.map((r) => r.json))}`);
	expect.that(stage.cms.rejections.length === 0, `CMS rejections: ${JSON.stringify(stage.cms.rejections)}`);
	const uploads = stage.cms.uploads.filter((u) => u.fields.midjourneyTaskId === videoTaskId);
	expect.that(uploads.length === 4, `the CMS stub received ${uploads.length} uploads for the video task, expected 4`);
	const picture = videoTask?.picture;
	for (const upload of uploads) {
		const position = Number(upload.fields.video) - 1;
		expect.that(upload.mp4, `CMS upload ${upload.fileName} is not an mp4`);
		const fixture = picture?.kind === 'video' ? videoFixture(picture.videos[position]) : undefined;
		expect.that(fixture && upload.body.equals(fixture), `CMS upload for video ${position + 1}: other bytes than the emulator served`);
	}
	return expect.failures;
};

const checkDescribeImagineBlend: Check = (execution, stage, requests) => {
	const expect = new Expectations();
	const described = single(nodeOutput(execution, 'Describe product photo'));
	const prompts = described?.prompts as unknown;
	expect.that(described?.status === 'SUCCESS', `Describe status ${described?.status}`);
	const promptsOk = expect.that(
		Array.isArray(prompts) && prompts.length === 4 && prompts.every((p) => typeof p === 'string' && p.trim()),
		`Describe prompts ${JSON.stringify(prompts)}`,
	);
	const describeBody = bodyOf(submits(requests, 'submit-describe')[0]);
	const sentImage = describeBody.link === stage.cms.productImageUrl || pngInfo(decodeDataUri(describeBody.base64) ?? Buffer.alloc(0))?.width === 96;
	expect.that(sentImage, `describe submit sent neither the photo URL nor the photo: ${JSON.stringify(describeBody).slice(0, 200)}`);

	const imagined = single(nodeOutput(execution, 'Imagine from the description'));
	expect.that(imagined?.status === 'SUCCESS', `Imagine status ${imagined?.status}`);
	const imagineBody = bodyOf(submits(requests, 'submit-imagine')[0]);
	if (promptsOk) {
		expect.that(
			imagineBody.prompt === (prompts as string[])[0],
			`Imagine submitted ${JSON.stringify(imagineBody.prompt)}, not the first suggestion ${JSON.stringify((prompts as string[])[0])}`,
		);
	}

	const blended = single(nodeOutput(execution, 'Blend photo with new image'));
	expect.that(
		blended?.status === 'SUCCESS' && blended?.action === 'BLEND',
		`Blend: ${blended?.status} ${blended?.action}`,
	);
	const blendBody = bodyOf(submits(requests, 'submit-blend')[0]);
	const images = Array.isArray(blendBody.base64Array) ? (blendBody.base64Array as unknown[]) : [];
	expect.that(images.length === 2, `blend submit carried ${images.length} images`);
	const [photo, generated] = images.map((uri) => pngInfo(decodeDataUri(uri) ?? Buffer.alloc(0)));
	expect.that(photo?.width === 96 && photo?.height === 128, `first blend image is not the 96x128 product photo: ${JSON.stringify(photo)}`);
	expect.that(generated && generated.width > 0, 'second blend image is not a PNG');
	expect.that(blendBody.dimensions === 'SQUARE', `blend dimensions ${blendBody.dimensions}`);
	return expect.failures;
};

const checkBatchSplitSwitch: Check = (execution, _stage, requests) => {
	const expect = new Expectations();
	const inputs = nodeOutput(execution, 'Ten product prompts').map((i) => i.json);
	expect.that(inputs.length === 10, `Code node emitted ${inputs.length} prompts`);
	const tasks = nodeOutput(execution, 'Imagine all (concurrent)').map((i) => i.json);
	expect.that(tasks.length === 10, `Imagine returned ${tasks.length} items`);
	expect.that(tasks.every((t) => t.status === 'SUCCESS'), `statuses ${tasks.map((t) => t.status).join(',')}`);
	expect.that(
		new Set(tasks.map((t) => t.taskId)).size === 10 && tasks.every((t) => typeof t.taskId === 'string'),
		'task ids are not 10 distinct strings',
	);
	expect.that(
		tasks.every((t, i) => typeof t.prompt === 'string' && inputs[i] && t.prompt.startsWith(String(inputs[i].prompt).split(' --')[0])),
		'output items are not in input order',
	);

	const imagines = submits(requests, 'submit-imagine');
	expect.that(imagines.length === 10, `the emulator saw ${imagines.length} imagine submits`);
	if (imagines.length === 10) {
		const span = imagines[9].at - imagines[0].at;
		expect.that(span < TASK_DURATION_MS, `submits spread over ${span} ms: the prompts did not run concurrently`);
	}

	const buttons = nodeOutput(execution, 'Split buttons').map((i) => i.json);
	const actionCount = tasks.reduce((sum, t) => sum + (Array.isArray(t.actions) ? t.actions.length : 0), 0);
	expect.that(buttons.length > 0 && buttons.length === actionCount, `Split Out gave ${buttons.length} items for ${actionCount} actions`);
	expect.that(
		buttons.every((b) => typeof b.label === 'string' && typeof b.customId === 'string' && typeof b.taskId === 'string'),
		'split items lack label, customId or taskId',
	);
	const upscale = nodeOutput(execution, 'Route by button type', 0).map((i) => i.json.label);
	const variation = nodeOutput(execution, 'Route by button type', 1).map((i) => i.json.label);
	const other = nodeOutput(execution, 'Route by button type', 2).map((i) => i.json.label);
	// Every grid has U1-U4, V1-V4 and the reroll button.
	expect.that(upscale.length === 40 && upscale.every((l) => /^U[1-4]$/.test(l)), `Upscale output: ${upscale.length} items`);
	expect.that(variation.length === 40 && variation.every((l) => /^V[1-4]$/.test(l)), `Variation output: ${variation.length} items`);
	expect.that(other.length === buttons.length - 80 && other.length >= 10, `Other output: ${other.length} items`);
	return expect.failures;
};

/** Examples that need n8n's server to call them (resume URL, production webhook): run by callback.ts. */
const SERVER_EXAMPLES = new Set(['callback-wait-fetch', 'trigger-fire-and-forget', 'person-chooses-upscale']);

const EXAMPLE_CHECKS: Record<string, Check> = {
	'cms-publish': checkCmsPublish,
	'describe-imagine-blend': checkDescribeImagineBlend,
	'batch-split-switch': checkBatchSplitSwitch,
	'imagine-upscale-animate-video': checkImagineUpscaleAnimateVideo,
};

// ---- runner --------------------------------------------------------------------------------------

function parseArgs(argv: string[]) {
	const only: string[] = [];
	for (let i = 0; i < argv.length; i++) if (argv[i] === '--only') only.push(argv[++i]);
	return { baseOnly: argv.includes('--base-only'), keep: argv.includes('--keep'), noStart: argv.includes('--no-start'), only };
}

/** `start.ts --check` in its own process: n8n's server, owner set-up, manual runs via REST. */
async function checkNpmStart(): Promise<{ ok: boolean; output: string; ms: number }> {
	const started = Date.now();
	const tsNode = require.resolve('ts-node/dist/bin.js');
	const child = spawn(process.execPath, [tsNode, '--transpile-only', '--prefer-ts-exts', join(__dirname, 'start.ts'), '--check'], {
		env: process.env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	clearTimeout(timer);
	return { ok: code === 0, output, ms: Date.now() - started };
}

async function main(): Promise<number> {
	const args = parseArgs(process.argv.slice(2));
	const log = (line: string) => console.log(`  ${line}`);
	const started = Date.now();
	const install = ensureN8n();
	console.log(`n8n ${install.version} from ${install.dir}, run by ${install.node}`);

	const extraWorkflows = [pipelineWorkflow()];
	if (!args.baseOnly) extraWorkflows.push(registrationWorkflow());
	const stage = await stageN8n({
		install,
		userFolder: makeUserFolder(),
		taskDurationMs: TASK_DURATION_MS,
		midjourneyOptions: FAST_POLLING,
		extraWorkflows,
		withPackage: !args.baseOnly,
		withExamples: !args.baseOnly,
		log,
	});

	const cases: Case[] = [
		{ name: 'pipeline (base nodes, CMS stub)', workflowId: 'e2ePipeline00001', check: checkPipeline },
	];
	if (!args.baseOnly) {
		cases.push({ name: `registration (${NODE_TYPE}, tool variant)`, workflowId: 'e2eRegistration1', check: checkRegistration });
		for (const staged of stage.workflows.filter((w) => w.file)) {
			const name = basename(staged.file, '.json');
			if (SERVER_EXAMPLES.has(name)) continue;
			const check = EXAMPLE_CHECKS[name];
			cases.push({
				name,
				workflowId: staged.id,
				check: check ?? (() => [`no checks written for the example ${name}`]),
			});
		}
	}
	const selected = args.only.length ? cases.filter((c) => args.only.some((o) => c.name.startsWith(o))) : cases;

	let passed = 0;
	let failed = 0;
	try {
		for (const testCase of selected) {
			stage.emulator.reset();
			const result = await executeWorkflow(install, stage.env, testCase.workflowId);
			const requests = [...stage.emulator.requests];
			let failures: string[];
			if (result.error || !result.execution) {
				failures = [`n8n reported: ${result.error ?? 'no execution output'}`];
			} else if (result.execution.status !== 'success') {
				failures = [`execution status ${result.execution.status}`];
			} else {
				try {
					failures = testCase.check(result.execution, stage, requests);
				} catch (error) {
					failures = [`check crashed: ${(error as Error).stack ?? error}`];
				}
			}
			const seconds = (result.cli.ms / 1000).toFixed(1);
			if (failures.length === 0) {
				passed++;
				console.log(`PASS ${testCase.name} (${seconds} s)`);
			} else {
				failed++;
				console.log(`FAIL ${testCase.name} (${seconds} s)`);
				for (const failure of failures) console.log(`     - ${failure}`);
				if (process.env.E2E_VERBOSE && result.execution) {
					const ran = Object.keys(result.execution.data.resultData.runData).filter((n) => nodeRan(result.execution!, n));
					console.log(`     nodes that ran: ${ran.join(', ')}`);
				}
			}
		}
	} finally {
		await stage.close();
		if (args.keep || failed) console.log(`user folder kept: ${stage.userFolder}`);
		else rmSync(stage.userFolder, { recursive: true, force: true });
	}
	const callbackSelected = !args.baseOnly && (!args.only.length || CALLBACK_SCENARIO_NAMES.some((name) => args.only.some((o) => name.startsWith(o))));
	if (callbackSelected) {
		let results;
		try {
			results = await runCallbackScenarios(install, log);
		} catch (error) {
			results = [{ name: 'Callback mode and Midjourney Trigger (n8n start)', failures: [`set-up failed: ${(error as Error).stack ?? error}`], measured: [], ms: 0 }];
		}
		for (const result of results) {
			if (args.only.length && !args.only.some((o) => result.name.startsWith(o))) continue;
			const ok = result.failures.length === 0;
			if (ok) passed++;
			else failed++;
			console.log(`${ok ? 'PASS' : 'FAIL'} ${result.name} (${(result.ms / 1000).toFixed(1)} s)`);
			for (const failure of result.failures) console.log(`     - ${failure}`);
			for (const measured of result.measured) console.log(`     ${measured}`);
		}
	}
	if (!args.baseOnly && !args.noStart && !args.only.length) {
		const start = await checkNpmStart();
		const name = 'npm start (editor up, examples run through its REST API)';
		const lines = start.output.split('\n').filter((line) => /^(ok |FAIL|n8n .* editor up)/.test(line));
		if (start.ok) passed++;
		else failed++;
		console.log(`${start.ok ? 'PASS' : 'FAIL'} ${name} (${(start.ms / 1000).toFixed(1)} s)`);
		for (const line of start.ok ? lines.slice(0, 1) : start.output.trim().split('\n').slice(-40)) console.log(`     ${line}`);
	}
	console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
	return failed === 0 && passed > 0 ? 0 : 1;
}

runLayer(main);
