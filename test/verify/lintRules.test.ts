/**
 * `npm run lint` must give n8n's verification verdict: the same rules as the scanner
 * (@n8n/scan-community-package's buildScanConfig) on every kind of file it lints, plus only the
 * newer plugin's rules in eslint.config.mjs's ADDED_RULES (stricter, never looser), and inline
 * configuration ignored as the scanner ignores it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

type RuleSet = { rules: Record<string, unknown[]>; parser: string | null } | null;

describe('npm run lint and the n8n verification scanner', () => {
	let ruleSets: Record<string, { lint: RuleSet; scanner: RuleSet }>;
	let addedRules: string[];
	let unsafeCastFindings: string[];

	beforeAll(() => {
		const output = execFileSync(process.execPath, [path.join(__dirname, 'ruleSets.mjs')], { cwd: ROOT, encoding: 'utf8' });
		({ files: ruleSets, addedRules, unsafeCastFindings } = JSON.parse(output));
	});

	it('apply the same rules, with the same options and parser, to every kind of file, plus the added ones on TypeScript', () => {
		expect(Object.keys(ruleSets).length).toBeGreaterThan(0);
		for (const [file, { lint, scanner }] of Object.entries(ruleSets)) {
			expect(scanner).not.toBeNull();
			const rules = { ...lint?.rules };
			for (const rule of addedRules) {
				if (file.endsWith('.ts')) expect(rules[rule]).toEqual([2]);
				delete rules[rule];
			}
			expect({ file, ...lint, rules }).toEqual({ file, ...scanner });
		}
	});

	it('adds no-unsafe-connection-type-cast (plugin 0.32.0, newer than the scanner\'s), and it catches an `as never` on outputs', () => {
		expect(addedRules).toEqual(['@n8n/community-nodes-0.32/no-unsafe-connection-type-cast']);
		expect(Object.keys(ruleSets['nodes/Example/Example.node.ts']?.scanner?.rules ?? {})).not.toContain(
			'@n8n/community-nodes/no-unsafe-connection-type-cast',
		);
		expect(unsafeCastFindings).toContain('@n8n/community-nodes-0.32/no-unsafe-connection-type-cast');
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
