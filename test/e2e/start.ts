/*
 * `npm start`: a real n8n (from .cache/, installed on first use) with this package, a CometAPI
 * credential pointing at the local emulator, a CMS stub and the example workflows, so the
 * examples run in the editor without any API key. Needs `npm run build` first.
 *
 * Env: N8N_PORT (5678), EMULATOR_PORT (5681), CMS_PORT (5680, the URL the examples use),
 *      EMULATOR_TASK_MS (4000), N8N_E2E_VERSION / N8N_E2E_NODE_BIN_DIR (another n8n).
 */
import { spawn } from 'node:child_process';
import { request } from 'undici';

import { EXAMPLE_CMS_URL, ensureN8n, makeUserFolder, NODE_TYPE, TOOL_NODE_TYPE } from './n8n';
import { stageN8n } from './stage';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT ?? 5681);
const CMS_PORT = Number(process.env.CMS_PORT ?? new URL(EXAMPLE_CMS_URL).port);
const TASK_MS = Number(process.env.EMULATOR_TASK_MS ?? 4000);
/** Who owns the local instance; n8n 1.x always has user management, so the owner is created up front. */
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Midjourney-demo-1' };

/** Waits for the REST API (registered after /healthz answers). */
async function waitForRestApi(base: string, child: { exitCode: number | null }, timeoutMs = 120_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited with code ${child.exitCode} while starting`);
		try {
			const { statusCode, body } = await request(`${base}/rest/settings`);
			await body.dump();
			if (statusCode === 200) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s`);
}

/** Creates the owner (n8n 1.x+ always has user management) and returns a session cookie. */
async function setupOwner(base: string): Promise<{ state: string; cookie: string }> {
	const setup = await request(`${base}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	const text = await setup.body.text();
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
	const { statusCode, body } = await request(`${base}/types/nodes.json`, { headers: { cookie } });
	if (statusCode !== 200) {
		await body.dump();
		return undefined;
	}
	const types = (await body.json()) as Array<{ name: string }>;
	return [NODE_TYPE, TOOL_NODE_TYPE].filter((name) => types.some((t) => t.name === name));
}

async function main(): Promise<void> {
	const install = ensureN8n();
	const userFolder = makeUserFolder('n8n-start-');
	const stage = await stageN8n({
		install,
		userFolder,
		emulatorPort: EMULATOR_PORT,
		cmsPort: CMS_PORT,
		taskDurationMs: TASK_MS,
		midjourneyOptions: { pollInterval: 1, initialDelay: 0 },
		emulatorLog: (line) => console.log(`[emulator] ${line}`),
		cmsLog: (line) => console.log(`[cms] ${line}`),
		env: {
			N8N_PORT: String(N8N_PORT),
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'warn',
		},
		log: (line) => console.log(`[setup] ${line}`),
	});

	const child = spawn(install.node, [install.script, 'start'], { env: stage.env, stdio: 'inherit' });
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		if (child.exitCode === null) {
			child.kill('SIGTERM');
			await new Promise((resolve) => child.once('exit', resolve));
		}
		await stage.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	child.on('exit', (code) => void stop(code ?? 1));

	const base = `http://localhost:${N8N_PORT}`;
	let owner: string;
	let types: string[] | undefined;
	try {
		await waitForRestApi(base, child);
		const session = await setupOwner(base);
		owner = session.state;
		types = await registeredTypes(base, session.cookie);
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		await stop(1);
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

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
