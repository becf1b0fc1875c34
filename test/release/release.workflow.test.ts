/**
 * The release workflow (.github/workflows/release.yml) cannot run here: it is parsed with a YAML
 * parser, checked for what n8n's verification needs (a GitHub Action publishing with npm
 * provenance, on a version tag, after lint, build and the fast test layers), and every command
 * of it that can run offline is dry-run (the tag check, `npm pack --dry-run`, `npm publish
 * --dry-run`). Lint, the type check and the fast layers are what the rest of this suite runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'release.yml');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	scripts: Record<string, string>;
};

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
	on: { push: { tags: string[] } };
	permissions: Record<string, string>;
	jobs: Record<string, { permissions: Record<string, string>; steps: Step[]; 'runs-on': string }>;
};
const [jobName] = Object.keys(workflow.jobs);
const job = workflow.jobs[jobName];
const runs = job.steps.filter((step) => step.run !== undefined).map((step) => step.run!.trim());
const stepRunning = (command: RegExp) => job.steps.find((step) => step.run && command.test(step.run));

/** Runs a shell command of the workflow here, no registry and no scripts, as GitHub's runner would run it. */
function sh(command: string, env: Record<string, string> = {}) {
	const result = spawnSync('bash', ['-c', command], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, npm_config_offline: 'true', npm_config_ignore_scripts: 'true', ...env },
	});
	return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('.github/workflows/release.yml', () => {
	it('runs on version tags only, with read-only contents and an OIDC token for provenance on the job', () => {
		expect(Object.keys(workflow.on)).toEqual(['push']);
		expect(workflow.on.push.tags).toEqual(['v*.*.*']);
		expect(workflow.permissions).toEqual({ contents: 'read' });
		expect(Object.keys(workflow.jobs)).toHaveLength(1);
		expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(job['runs-on']).toBe('ubuntu-latest');
	});

	it('installs from the lockfile, on the Node the package supports, against the npm registry', () => {
		const setup = job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setup?.with).toMatchObject({ 'node-version': 20, 'registry-url': 'https://registry.npmjs.org' });
		expect(runs).toContain('npm ci');
		expect(runs.indexOf('npm ci')).toBeLessThan(runs.findIndex((run) => run.startsWith('npm publish')));
	});

	it('lints, type-checks, builds and runs the fast layers before it publishes, and publishes last', () => {
		const order = [/^npm ci$/, /^npm run lint$/, /^npx tsc -p test\/tsconfig\.json$/, /^npm run build$/, /^npm test$/, /^npm pack --dry-run$/, /^npm publish /];
		const positions = order.map((pattern) => runs.findIndex((run) => pattern.test(run)));
		expect(positions.every((position) => position >= 0)).toBe(true);
		expect([...positions].sort((a, b) => a - b)).toEqual(positions);
		expect(positions[positions.length - 1]).toBe(runs.length - 1);
		// Every npm script it calls exists.
		for (const run of runs) for (const [, script] of run.matchAll(/npm run (\S+)/g)) expect(pkg.scripts[script]).toBeDefined();
		// "The fast layers": jest and the scan, no real n8n, no browser, no queue mode.
		expect(stepRunning(/^npm test$/)?.env).toEqual({ MJ_SKIP_E2E: '1', MJ_SKIP_UI: '1', MJ_SKIP_QUEUE: '1', MJ_SKIP_N8N2: '1' });
	});

	it('publishes with --provenance, public, with the token from a secret and nowhere else', () => {
		const publish = stepRunning(/^npm publish /)!;
		expect(publish.run!.trim()).toBe('npm publish --provenance --access public');
		expect(publish.env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
		expect(job.steps.filter((step) => JSON.stringify(step).includes('secrets.')).length).toBe(1);
	});

	it('refuses a tag that is not the package version (run here as the runner runs it)', () => {
		const check = stepRunning(/GITHUB_REF_NAME/)!.run!;
		expect(sh(check, { GITHUB_REF_NAME: `v${pkg.version}` }).code).toBe(0);
		expect(sh(check, { GITHUB_REF_NAME: 'v99.0.0' }).code).not.toBe(0);
		expect(sh(check, { GITHUB_REF_NAME: pkg.version }).code).not.toBe(0);
	});

	it('npm pack --dry-run and npm publish --provenance --dry-run pass offline, without a token', () => {
		const pack = sh(stepRunning(/^npm pack --dry-run$/)!.run!);
		expect(pack.code).toBe(0);
		expect(pack.out).toContain(`${pkg.name}-${pkg.version}.tgz`);
		const publish = sh(`${stepRunning(/^npm publish /)!.run!.trim()} --dry-run`, { NODE_AUTH_TOKEN: '' });
		expect(publish.code).toBe(0);
		expect(publish.out).toContain(`+ ${pkg.name}@${pkg.version}`);
		expect(publish.out).toMatch(/\(dry-run\)/);
	});
});
