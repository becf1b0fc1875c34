/*
 * Drives a real n8n installation (installed by install-n8n.sh into .cache/) through its CLI:
 * a throw-away user folder, the built package installed as a community package,
 * credentials and workflows imported, workflows executed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { PINNED_N8N2_VERSION, newestN8n2Version } from './newestN8n';
import { withOptionValues } from '../harness/nodeParameters';

export const ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-cometapi-midjourney';
export const NODE_TYPE = `${PACKAGE_NAME}.midjourney`;
export const TOOL_NODE_TYPE = `${PACKAGE_NAME}.midjourneyTool`;
export const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.midjourneyTaskTrigger`;
export const CREDENTIAL_TYPE = 'cometApi';
export const DEFAULT_N8N_VERSION = '1.123.81';
/** The pinned fallback of the 2.x line; the one tested is the newest that installs (newestN8n.ts). */
export const DEFAULT_N8N2_VERSION = PINNED_N8N2_VERSION;

/**
 * N8N_E2E_VERSION as given, with the aliases `1` and `2` for the two tested lines:
 * `2` is the newest 2.x the registry can install, found at test time (MJ_N8N2_VERSION pins it).
 */
export function resolveN8nVersion(requested = process.env.N8N_E2E_VERSION): string {
	if (!requested || requested === '1') return DEFAULT_N8N_VERSION;
	if (requested === '2') return newestN8n2Version().version;
	return requested;
}
/** A fixed key so that credentials imported as plain JSON can be decrypted by every n8n process. */
export const ENCRYPTION_KEY = 'n8n-nodes-cometapi-midjourney-e2e';

export interface N8nInstall {
	version: string;
	dir: string;
	/** The node binary that runs n8n (Node 24 for n8n 2.x). */
	node: string;
	/** n8n's bin/n8n script. */
	script: string;
}

/** Node 24 from the npm registry (package `node`), in .cache/node24; returns its bin folder. */
export function ensureNode24(): string {
	const dir = join(ROOT, '.cache', 'node24');
	const binDir = join(dir, 'node_modules', '.bin');
	if (!existsSync(join(binDir, 'node'))) {
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node24', private: true }));
		// The `node` package fetches the platform binary in its preinstall script.
		execFileSync('npm', ['install', 'node@24', '--no-audit', '--no-fund', '--ignore-scripts=false'], {
			cwd: dir,
			stdio: ['ignore', 'inherit', 'inherit'],
		});
	}
	return binDir;
}

/**
 * The n8n install in .cache/, installed first when missing (see install-n8n.sh).
 * n8n 2.x runs on Node 24 (fetched into .cache/node24) unless N8N_E2E_NODE_BIN_DIR names a node.
 */
export function ensureN8n(version = resolveN8nVersion()): N8nInstall {
	const nodeBinDir = process.env.N8N_E2E_NODE_BIN_DIR || (version.startsWith('1.') ? undefined : ensureNode24());
	if (!existsSync(join(ROOT, '.cache', `n8n-${version}`, '.installed'))) {
		// A person's first `npm start` waits here: say what for, and for how long.
		console.error(`Installing n8n ${version} into .cache/ (first run only, about 5½ minutes)…`);
	}
	const output = execFileSync(join(__dirname, 'install-n8n.sh'), {
		cwd: ROOT,
		env: { ...process.env, N8N_VERSION: version, ...(nodeBinDir ? { NODE_BIN_DIR: nodeBinDir } : {}) },
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	});
	const dir = output.trim().split('\n').pop() ?? '';
	const script = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(script)) throw new Error(`n8n ${version} is not installed in ${dir}`);
	return { version, dir, node: nodeBinDir ? join(nodeBinDir, 'node') : process.execPath, script };
}

/** The environment every n8n process of one run shares. */
export function n8nEnv(userFolder: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	// Keep the caller's own n8n settings out of the test instance.
	for (const key of Object.keys(env)) if (key.startsWith('N8N_') || key === 'DB_TYPE') delete env[key];
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		// Needed, although n8n warns it is "no longer considered secure": the default `vm` engine
		// needs isolated-vm's native build, which fails on Node 20 and is skipped by install-n8n.sh.
		N8N_EXPRESSION_ENGINE: 'legacy',
		// The test layers run no Code node: no task runner process on the 2-core CI machine
		// (`npm start` turns runners on, as n8n asks; startN8n in start.ts).
		N8N_RUNNERS_ENABLED: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Settle two deprecation notices that are irrelevant here.
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
		N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
		// What a user sets for this (unverified) package: 2.x allows it by default, n8n 3.0 will not
		// (n8n 2.41's breaking-changes rule unverified-packages-v3). No N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE:
		// n8n 1.85.0 removed it, community nodes are always usable as tools since.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Binary data inline (base64) in the execution JSON, so the driver can check the image bytes.
		N8N_DEFAULT_BINARY_DATA_MODE: 'default',
		// `n8n execute --rawOutput` prints the run through the info logger.
		N8N_LOG_LEVEL: 'info',
		...extra,
	};
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export async function runN8n(
	install: N8nInstall,
	args: string[],
	env: NodeJS.ProcessEnv,
	timeoutMs = 180_000,
): Promise<CliResult> {
	const started = Date.now();
	return await new Promise<CliResult>((resolvePromise, reject) => {
		const child = spawn(install.node, [install.script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		const timer = setTimeout(() => {
			stderr += `\n[e2e] n8n ${args[0]} timed out after ${timeoutMs} ms`;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
		});
	});
}

export async function runN8nOrThrow(install: N8nInstall, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
	const result = await runN8n(install, args, env);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`.trim());
	}
	return result;
}

/** A fresh N8N_USER_FOLDER; n8n keeps its database, config and community packages under <folder>/.n8n. */
export function makeUserFolder(prefix = 'n8n-e2e-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * `npm pack` of the package (the repository, or E2E_PACKAGE_DIR): exactly the files a user's
 * n8n would download.
 */
export function packPackage(into: string, packageDir = process.env.E2E_PACKAGE_DIR ?? ROOT): string {
	if (!existsSync(join(packageDir, 'dist', 'nodes', 'Midjourney', 'Midjourney.node.js'))) {
		throw new Error(`${packageDir}/dist has no Midjourney node: run \`npm run build\` first`);
	}
	mkdirSync(into, { recursive: true });
	const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', into], {
		cwd: packageDir,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [info] = JSON.parse(output) as Array<{ filename: string }>;
	return join(into, info.filename);
}

/**
 * Unpacks the package where n8n looks for installed community packages
 * (<user folder>/.n8n/nodes/node_modules/<name>), so it loads under its own package name.
 * n8n resolves the `n8n-workflow` peer dependency from its own node_modules.
 */
export function installPackage(userFolder: string, tarball: string): string {
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	return target;
}

export interface CredentialSpec {
	id: string;
	name: string;
	baseUrl: string;
	apiKey: string;
	authStyle?: 'bearer' | 'raw' | 'mjApiSecret';
}

/** Imports a CometAPI credential; n8n encrypts the plain `data` object with N8N_ENCRYPTION_KEY. */
export async function importCredential(install: N8nInstall, env: NodeJS.ProcessEnv, spec: CredentialSpec, dir: string) {
	const file = join(dir, 'credentials.json');
	writeFileSync(
		file,
		JSON.stringify([
			{
				id: spec.id,
				name: spec.name,
				type: CREDENTIAL_TYPE,
				data: { apiKey: spec.apiKey, baseUrl: spec.baseUrl, authStyle: spec.authStyle ?? 'bearer' },
			},
		]),
	);
	return await runN8nOrThrow(install, ['import:credentials', `--input=${file}`], env);
}

// ---- workflows --------------------------------------------------------------------------

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export const EXAMPLES_DIR = join(ROOT, 'test', 'workflows', 'examples');
/** The CMS address written in the example workflows; replaced by the stub's real address. */
export const EXAMPLE_CMS_URL = 'http://127.0.0.1:5680';

export function readWorkflow(file: string): WorkflowJson {
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

export interface WorkflowPatch {
	id: string;
	credential: { id: string; name: string };
	cmsUrl: string;
	/**
	 * Option values (both collections) set on every Midjourney node: short polling against the
	 * emulator. Not on a workflow whose `meta.atDefaults` is true (the UI test's panel, whose
	 * defaults are what it checks).
	 */
	midjourneyOptions?: Record<string, unknown>;
}

/** A copy of `workflow` wired to this run's credential, CMS stub and polling options. */
export function patchWorkflow(workflow: WorkflowJson, patch: WorkflowPatch): WorkflowJson {
	const text = JSON.stringify(workflow).split(EXAMPLE_CMS_URL).join(patch.cmsUrl);
	const copy = JSON.parse(text) as WorkflowJson;
	copy.id = patch.id;
	copy.active = false;
	const atDefaults = (copy.meta as { atDefaults?: boolean } | undefined)?.atDefaults === true;
	for (const node of copy.nodes) {
		if (!node.type.startsWith(`${PACKAGE_NAME}.`)) continue;
		node.credentials = { [CREDENTIAL_TYPE]: { ...patch.credential } };
		if (node.type === TRIGGER_NODE_TYPE) continue;
		if (patch.midjourneyOptions && !atDefaults) node.parameters = withOptionValues(node.parameters, patch.midjourneyOptions);
	}
	return copy;
}

export async function importWorkflows(
	install: N8nInstall,
	env: NodeJS.ProcessEnv,
	workflows: WorkflowJson[],
	dir: string,
): Promise<CliResult> {
	const folder = join(dir, 'workflows');
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(folder, { recursive: true });
	for (const workflow of workflows) writeFileSync(join(folder, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
	return await runN8nOrThrow(install, ['import:workflow', '--separate', `--input=${folder}`], env);
}

/**
 * Activates imported workflows (their triggers listen once n8n starts): `update:workflow
 * --active=true` in 1.x, `publish:workflow` in 2.x (where activating is publishing a version).
 */
export async function activateWorkflows(install: N8nInstall, env: NodeJS.ProcessEnv, ids: string[]): Promise<void> {
	for (const id of ids) {
		const args = install.version.startsWith('1.') ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];
		await runN8nOrThrow(install, args, env);
	}
}

// ---- executions -------------------------------------------------------------------------

export interface BinaryRef {
	data?: string;
	id?: string;
	mimeType: string;
	fileName?: string;
	fileSize?: string | number;
	[key: string]: unknown;
}

export interface Item {
	json: Record<string, any>;
	binary?: Record<string, BinaryRef>;
	pairedItem?: unknown;
}

interface TaskRun {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	data?: { main?: Array<Item[] | null> };
}

export interface Execution {
	status?: string;
	finished?: boolean;
	data: {
		resultData: {
			runData: Record<string, TaskRun[]>;
			error?: { message?: string; description?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** The execution JSON that `n8n execute --rawOutput` prints (other log lines may surround it). */
export function parseExecution(stdout: string): Execution | undefined {
	const lines = stdout.split('\n');
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		for (let end = lines.length - 1; end > start; end--) {
			if (lines[end] !== '}') continue;
			try {
				const parsed = JSON.parse(lines.slice(start, end + 1).join('\n')) as Execution;
				if (parsed?.data?.resultData) return parsed;
			} catch {
				// not this span
			}
		}
	}
	return undefined;
}

export interface ExecutionResult {
	cli: CliResult;
	execution?: Execution;
	/** The error n8n reported, from the execution JSON or the log. */
	error?: string;
}

export async function executeWorkflow(install: N8nInstall, env: NodeJS.ProcessEnv, id: string): Promise<ExecutionResult> {
	const cli = await runN8n(install, ['execute', `--id=${id}`, '--rawOutput'], env);
	const execution = parseExecution(cli.stdout);
	let error: string | undefined;
	const reported = execution?.data.resultData.error;
	if (reported) {
		error = [reported.node?.name, reported.message, reported.description].filter(Boolean).join(': ');
	} else if (cli.code !== 0 || !execution) {
		const lines = `${cli.stdout}\n${cli.stderr}`.split('\n').filter((line) => line.trim() && !/^\s+at /.test(line));
		error = `exit code ${cli.code}: ${lines.slice(-6).join(' | ')}`;
	}
	return { cli, execution, error };
}

/** Items a node put on one output in its last run ([] when the node did not run or sent nothing there). */
export function nodeOutput(execution: Execution, nodeName: string, output = 0): Item[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return runs[runs.length - 1].data?.main?.[output] ?? [];
}

export function nodeRan(execution: Execution, nodeName: string): boolean {
	return (execution.data.resultData.runData[nodeName]?.length ?? 0) > 0;
}

/** The bytes of a binary property when n8n inlined them (N8N_DEFAULT_BINARY_DATA_MODE=default). */
export function binaryBytes(ref: BinaryRef | undefined): Buffer | undefined {
	if (!ref?.data || ref.id) return undefined;
	return Buffer.from(ref.data, 'base64');
}
