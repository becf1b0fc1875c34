/**
 * `npm run lint` must give n8n's verification verdict: the same rules as the scanner
 * (@n8n/scan-community-package's buildScanConfig) on every kind of file it lints, and inline
 * configuration ignored as the scanner ignores it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

type RuleSet = { rules: Record<string, unknown[]>; parser: string | null } | null;

describe('npm run lint and the n8n verification scanner', () => {
	let ruleSets: Record<string, { lint: RuleSet; scanner: RuleSet }>;

	beforeAll(() => {
		const output = execFileSync(process.execPath, [path.join(__dirname, 'ruleSets.mjs')], { cwd: ROOT, encoding: 'utf8' });
		ruleSets = JSON.parse(output);
	});

	it('apply the same rules, with the same options and parser, to every kind of file', () => {
		expect(Object.keys(ruleSets).length).toBeGreaterThan(0);
		for (const [file, { lint, scanner }] of Object.entries(ruleSets)) {
			expect(scanner).not.toBeNull();
			expect({ file, ...lint }).toEqual({ file, ...scanner });
		}
	});

	it('checks node, credential and package.json rules at all', () => {
		const rules = (file: string) => Object.keys(ruleSets[file]?.scanner?.rules ?? {});
		expect(rules('credentials/ExampleApi.credentials.ts')).toContain('n8n-nodes-base/cred-class-field-display-name-missing-api');
		expect(rules('nodes/Example/Example.node.ts')).toContain('@n8n/community-nodes/resource-operation-pattern');
		expect(rules('package.json')).toContain('n8n-nodes-base/community-package-json-name-still-default');
	});

	it('ignores eslint-disable comments, as the scanner does, on the files the scanner lints', () => {
		const { scripts } = require('../../package.json') as { scripts: Record<string, string> };
		for (const script of ['lint', 'lint:fix']) {
			expect(scripts[script]).toMatch(/^eslint --no-inline-config nodes credentials package\.json\b/);
		}
	});
});
