/*
 * `npm start`: a real n8n (from .cache/, installed on first use) with this package, a CometAPI
 * credential pointing at the local emulator, a CMS stub and the example workflows, so the
 * examples run in the editor without any API key. Needs `npm run build` first.
 *
 * `npm start -- --check` (used by `npm run test:e2e`): the same set-up on free ports; once the
 * editor answers, runs every example through the editor's own REST call (as "Execute workflow"
 * does), waits for each execution to succeed, then stops everything and exits 0 or 1.
 *
 * startN8n() is that set-up as a function, shared with the editor UI test (test/ui/editor.ui.ts).
 *
 * Env: N8N_PORT (5678), EMULATOR_PORT (5681), CMS_PORT (5680, the URL the examples use),
 *      EMULATOR_TASK_MS (4000), N8N_E2E_VERSION (`2` for the tested 2.x, on Node 24) /
 *      N8N_E2E_NODE_BIN_DIR (another n8n).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'undici';

import {
	EXAMPLE_CMS_URL,
	ensureN8n,
	makeUserFolder,
	NODE_TYPE,
	TOOL_NODE_TYPE,
	type N8nInstall,
	type WorkflowJson,
} from './n8n';
import { stageN8n, type Stage } from './stage';

const CHECK = process.argv.includes('--check');
/** In --check mode every port is a free one unless given, so it can run beside `npm start`. */
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? (CHECK ? 0 : 5681));
const CMS_PORT = Number(process.env.CMS_PORT ?? (CHECK ? 0 : new URL(EXAMPLE_CMS_URL).port));
const TASK_MS = Number(process.env.EMULATOR_TASK_MS ?? (CHECK ? 1500 : 4000));
/** Who owns the local instance; n8n 1.x always has user management, so the owner is created up front. */
export const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Midjourney-demo-1' };

/** Waits for the REST API (registered after /healthz answers). */
export async function waitForRestApi(base: string, child: { exitCode: number | null }, timeoutMs = 120_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode} while starting`);
		try {
			const { statusCode, body } = await request(`${base}/rest/settings`);
			await body.dump();
			// Settings answer before every route is mounted; until then other /rest paths get 404 or the
			// editor's HTML page. Ready when the login route answers as the API (JSON), signed in or not.
			if (statusCode === 200) {
				const login = await request(`${base}/rest/login`);
				await login.body.dump();
				if (String(login.headers['content-type'] ?? '').includes('application/json')) return;
			}
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s`);
}

/** Creates the owner (n8n 1.x+ always has user management) and returns a session cookie. */
export async function setupOwner(base: string): Promise<{ state: string; cookie: string }> {
	// Right after /rest/settings answers, n8n 1.x may not have mounted every route yet (404): ask again.
	let setup: Awaited<ReturnType<typeof request>>;
	let text: string;
	for (let attempt = 1; ; attempt++) {
		setup = await request(`${base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		text = await setup.body.text();
		if (setup.statusCode !== 404 || attempt >= 60) break;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	let state = 'created';
	if (setup.statusCode !== 200) {
		if (!/already setup/i.test(text)) throw new Error(`owner setup failed: HTTP ${setup.statusCode} ${text.slice(0, 300)}`);
		state = 'already set up';
	}
	const login = await request(`${base}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	await login.body.dump();
	const setCookie = login.headers['set-cookie'];
	const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
		.map((c) => c.split(';')[0])
		.filter(Boolean)
		.join('; ');
	return { state, cookie };
}

/** The node types the editor is given, to show the node and its AI-tool variant are registered. */
async function registeredTypes(base: string, cookie: string): Promise<string[] | undefined> {
	// Right after a first start n8n 2.x may still be writing this file: read it again until it parses.
	let text = '';
	for (let attempt = 1; attempt <= 20; attempt++) {
		const { statusCode, body } = await request(`${base}/types/nodes.json`, { headers: { cookie } });
		text = await body.text();
		if (statusCode === 200) {
			try {
				const types = JSON.parse(text) as Array<{ name: string }>;
				return [NODE_TYPE, TOOL_NODE_TYPE].filter((name) => types.some((t) => t.name === name));
			} catch {
				// not complete yet
			}
		} else if (statusCode === 404) {
			return undefined;
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	throw new Error(`/types/nodes.json did not become readable JSON: ${text.slice(0, 120)}`);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

interface RunSummary {
	name: string;
	ok: boolean;
	detail: string;
}

/**
 * Starts one imported workflow the way the editor's "Execute workflow" button does
 * (POST /rest/workflows/:id/run from its manual trigger); returns the execution id.
 */
export async function startManualRun(
	base: string,
	cookie: string,
	workflow: { id: string; nodes: Array<{ name: string; type: string }> },
): Promise<string> {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	if (!trigger) throw new Error('no manual trigger');
	const stored = await request(`${base}/rest/workflows/${workflow.id}`, { headers: { cookie } });
	const { data: workflowData } = (await stored.body.json()) as { data: unknown };
	if (stored.statusCode !== 200) throw new Error(`GET workflow: HTTP ${stored.statusCode}`);
	const run = await request(`${base}/rest/workflows/${workflow.id}/run`, {
		method: 'POST',
		headers: { cookie, 'content-type': 'application/json' },
		// n8n 1.x runs the workflowData sent (as the editor does); 2.x reads it from the database.
		body: JSON.stringify({ workflowData, triggerToStartFrom: { name: trigger.name } }),
	});
	const runText = await run.body.text();
	const executionId = (JSON.parse(runText) as { data?: { executionId?: string } }).data?.executionId;
	if (run.statusCode !== 200 || !executionId) throw new Error(`run: HTTP ${run.statusCode} ${runText.slice(0, 300)}`);
	return executionId;
}

/** Polls GET /rest/executions/:id until the execution has ended (or the time is up); its last status. */
export async function waitForExecutionEnd(base: string, cookie: string, executionId: string, timeoutMs = 180_000): Promise<string> {
	const started = Date.now();
	let status = 'new';
	while (Date.now() - started < timeoutMs) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		try {
			const res = await request(`${base}/rest/executions/${executionId}`, { headers: { cookie } });
			const body = (await res.body.json()) as { data?: { status?: string } };
			status = body.data?.status ?? `HTTP ${res.statusCode}`;
		} catch (error) {
			// The main may be restarting (queue-mode tests): ask again.
			status = `unreachable (${(error as Error).message})`;
		}
		if (!['new', 'running', 'waiting'].includes(status) && !status.startsWith('unreachable')) break;
	}
	return status;
}

/** Runs one imported workflow like the editor and waits for the execution to end. */
async function runLikeTheEditor(
	base: string,
	cookie: string,
	workflow: { id: string; name: string; nodes: Array<{ name: string; type: string }> },
	timeoutMs = 180_000,
): Promise<RunSummary> {
	const started = Date.now();
	let executionId: string;
	try {
		executionId = await startManualRun(base, cookie, workflow);
	} catch (error) {
		return { name: workflow.name, ok: false, detail: (error as Error).message };
	}
	const status = await waitForExecutionEnd(base, cookie, executionId, timeoutMs);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	return { name: workflow.name, ok: status === 'success', detail: `execution ${executionId} ${status} (${seconds} s)` };
}

export interface StartOptions {
	/** An installed n8n (default: ensureN8n(), i.e. N8N_E2E_VERSION). */
	install?: N8nInstall;
	/** 0 or absent: a free port. */
	n8nPort?: number;
	emulatorPort?: number;
	cmsPort?: number;
	/** How long an emulated Midjourney task takes (default 1500 ms). */
	taskDurationMs?: number;
	/** Extra workflows imported beside the examples. */
	extraWorkflows?: WorkflowJson[];
	/** true: n8n's own output is kept (see output()) instead of going to this terminal. */
	quiet?: boolean;
	emulatorLog?: (line: string) => void;
	cmsLog?: (line: string) => void;
	log?: (line: string) => void;
	/** Prefix of the throw-away N8N_USER_FOLDER. */
	userFolderPrefix?: string;
	/** Ids of imported workflows to activate before n8n starts (their triggers listen). */
	activate?: string[];
}

/** A running n8n, as `npm start` leaves it: package installed, credential, examples, owner signed up. */
export interface StartedN8n {
	install: N8nInstall;
	/** http://localhost:<port> */
	base: string;
	stage: Stage;
	userFolder: string;
	child: ChildProcess;
	/** 'created' or 'already set up'. */
	owner: string;
	/** The owner's session cookie (REST calls; a new one after restart()). */
	cookie: string;
	/** Which of the node and its tool variant the editor is given (undefined: not readable). */
	types: string[] | undefined;
	/** The last lines n8n printed (quiet mode). */
	output(): string;
	/** Stops the n8n process (SIGTERM) and starts it again on the same user folder, database and port. */
	restart(): Promise<void>;
	/** Stops n8n, the emulator and the CMS stub, and removes the data folder; safe to call twice. */
	stop(): Promise<void>;
}

/**
 * The set-up of `npm start`, for it and for the editor UI test: the stage (emulator, CMS stub,
 * package, credential, example workflows), `n8n start`, the REST API up, the owner created and
 * signed in. On failure everything started is stopped again and the error carries n8n's output.
 */
export async function startN8n(options: StartOptions = {}): Promise<StartedN8n> {
	const install = options.install ?? ensureN8n();
	const port = options.n8nPort || (await freePort());
	const userFolder = makeUserFolder(options.userFolderPrefix ?? 'n8n-start-');
	let stage: Stage;
	try {
		stage = await stageN8n({
			install,
			userFolder,
			emulatorPort: options.emulatorPort ?? 0,
			cmsPort: options.cmsPort ?? 0,
			taskDurationMs: options.taskDurationMs ?? 1500,
			midjourneyOptions: { pollInterval: 1, initialDelay: 0 },
			extraWorkflows: options.extraWorkflows,
			activate: options.activate,
			emulatorLog: options.emulatorLog,
			cmsLog: options.cmsLog,
			env: {
				N8N_PORT: String(port),
				// Resume URLs ($execution.resumeUrl) and production webhook URLs: on loopback, for the emulator's callbacks.
				WEBHOOK_URL: `http://127.0.0.1:${port}/`,
				N8N_SECURE_COOKIE: 'false',
				N8N_LOG_LEVEL: 'warn',
			},
			log: options.log,
		});
	} catch (error) {
		rmSync(userFolder, { recursive: true, force: true });
		throw error;
	}

	let childOutput = '';
	const keep = (chunk: Buffer) => (childOutput = (childOutput + chunk.toString('utf8')).slice(-20_000));
	const spawnN8n = () => {
		const started = spawn(install.node, [install.script, 'start'], {
			env: stage.env,
			stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
		});
		started.stdout?.on('data', keep);
		started.stderr?.on('data', keep);
		return started;
	};
	let child = spawnN8n();
	const stopChild = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	};
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			await stopChild();
			await stage.close();
			// A fresh data folder each time: nothing to keep.
			rmSync(userFolder, { recursive: true, force: true });
		})());
	const output = () => childOutput.split('\n').slice(-30).join('\n');

	const base = `http://localhost:${port}`;
	try {
		await waitForRestApi(base, child);
		const session = await setupOwner(base);
		const types = await registeredTypes(base, session.cookie);
		let cookie = session.cookie;
		const restart = async () => {
			await stopChild();
			child = spawnN8n();
			await waitForRestApi(base, child);
			cookie = (await setupOwner(base)).cookie;
		};
		return {
			install,
			base,
			stage,
			userFolder,
			get child() {
				return child;
			},
			owner: session.state,
			get cookie() {
				return cookie;
			},
			types,
			output,
			restart,
			stop,
		};
	} catch (error) {
		await stop();
		const message = error instanceof Error ? error.message : String(error);
		throw new Error(childOutput ? `${message}\nn8n's output (last lines):\n${output()}` : message);
	}
}

async function main(): Promise<void> {
	const bootStarted = Date.now();
	let n8n: StartedN8n;
	try {
		n8n = await startN8n({
			n8nPort: Number(process.env.N8N_PORT ?? (CHECK ? 0 : 5678)),
			emulatorPort: EMULATOR_PORT,
			cmsPort: CMS_PORT,
			taskDurationMs: TASK_MS,
			quiet: CHECK,
			emulatorLog: CHECK ? undefined : (line) => console.log(`[emulator] ${line}`),
			cmsLog: (line) => console.log(`[cms] ${line}`),
			log: (line) => console.log(`[setup] ${line}`),
		});
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
	const { install, base, stage, userFolder, child, owner, cookie, types } = n8n;

	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		await n8n.stop();
		if (code !== 0 && n8n.output()) console.log(`n8n's output (last lines):\n${n8n.output()}`);
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	// n8n ending by itself: its own code, except in --check, where it must not end before the checks.
	const onExit = () => void stop(CHECK ? 1 : (child.exitCode ?? 1));
	if (child.exitCode !== null || child.signalCode !== null) onExit();
	else child.on('exit', onExit);

	if (CHECK) {
		console.log(`n8n ${install.version} editor up at ${base} in ${((Date.now() - bootStarted) / 1000).toFixed(1)} s; registered: ${types?.join(', ') || 'none'}`);
		const results: RunSummary[] = [];
		results.push({
			name: 'node and tool variant in /types/nodes.json',
			ok: types?.length === 2,
			detail: types ? types.join(', ') || 'neither' : 'could not read /types/nodes.json',
		});
		for (const staged of stage.workflows) {
			// A workflow started by its Midjourney Trigger runs when a task calls it (test/e2e/callback.ts), not by a click.
			if (!staged.workflow.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger')) continue;
			// A workflow that waits for a person's form answer is answered over HTTP in test/e2e/callback.ts.
			if (staged.workflow.nodes.some((node) => (node as { parameters?: { resume?: string } }).parameters?.resume === 'form')) continue;
			try {
				results.push(await runLikeTheEditor(base, cookie, { ...staged.workflow, id: staged.id }));
			} catch (error) {
				results.push({ name: staged.workflow.name, ok: false, detail: String(error) });
			}
		}
		results.push({
			name: 'CMS stub received a PNG',
			ok: stage.cms.uploads.length > 0 && stage.cms.rejections.length === 0,
			detail: `${stage.cms.uploads.length} upload(s), ${stage.cms.rejections.length} rejection(s)`,
		});
		for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
		const failed = results.filter((r) => !r.ok).length;
		console.log(`npm start check: ${results.length - failed} passed, ${failed} failed`);
		await stop(failed ? 1 : 0);
		return;
	}

	const lines = [
		'',
		`n8n ${install.version} is running with n8n-nodes-cometapi-midjourney (from dist/).`,
		`  Editor:        ${base}  (sign in: ${OWNER.email} / ${OWNER.password}; owner ${owner})`,
		...stage.workflows.map((w) => `  Workflow:      ${base}/workflow/${w.id}  (${w.workflow.name})`),
		`  Credential:    "CometAPI account" -> ${stage.emulator.url} (local emulator, no real key; tasks take ${TASK_MS / 1000} s)`,
		`  CMS stub:      ${stage.cms.url}  (uploads are listed here)`,
		`  Registered:    ${types ? types.join(', ') || 'NOT the Midjourney node' : '(could not read /types/nodes.json)'}`,
		`  Data folder:   ${userFolder} (fresh on every start)`,
		'Open a workflow and click "Execute workflow". Ctrl+C stops everything.',
		'',
	];
	console.log(lines.join('\n'));
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
