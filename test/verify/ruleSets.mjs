// Prints, as JSON, the rules `npm run lint` applies (eslint.config.mjs) and the rules n8n's
// verification scanner applies (its buildScanConfig), for one file of each kind the scanner
// lints. test/verify/lintRules.test.ts runs it (ESLint's configs load as ES modules, which jest's
// module system does not).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scannerFile = fileURLToPath(import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'));
const scannerRequire = createRequire(scannerFile);
scannerRequire('tmp').setGracefulCleanup();
const { buildScanConfig } = await import(scannerFile);
const { ESLint: ScannerESLint } = scannerRequire('eslint');

// Names need not exist: ESLint works the configuration out from the path alone.
const SAMPLES = [
	'package.json',
	'credentials/ExampleApi.credentials.ts',
	'credentials/helpers.ts',
	'nodes/Example/Example.node.ts',
	'nodes/Example/Example.node.json',
	'nodes/Example/resources/item/get.operation.ts',
	'nodes/Example/helper.js',
];

function describe(config) {
	if (!config) return null;
	const rules = Object.fromEntries(
		Object.entries(config.rules ?? {})
			.map(([rule, entry]) => {
				const [severity, ...options] = Array.isArray(entry) ? entry : [entry];
				const level = { off: 0, warn: 1, error: 2 }[severity] ?? severity;
				return [rule, options.length > 0 ? [level, ...options] : [level]];
			})
			.sort(([a], [b]) => a.localeCompare(b)),
	);
	const parser = config.languageOptions?.parser;
	return { rules, parser: parser?.meta?.name ?? (parser ? 'unnamed' : null) };
}

const lint = new ESLint({ cwd: root });
const scanner = new ScannerESLint({
	cwd: root,
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: await buildScanConfig(),
});
const result = {};
for (const file of SAMPLES) {
	const absolute = path.join(root, file);
	result[file] = {
		lint: describe(await lint.calculateConfigForFile(absolute)),
		scanner: describe(await scanner.calculateConfigForFile(absolute)),
	};
}
// A node whose outputs are cast `as never`: what the added rule (ADDED_RULES) is there to catch.
const UNSAFE_CAST_NODE = `import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
export class Example implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Example', name: 'example', icon: 'file:example.svg', group: ['transform'], version: 1,
		subtitle: 'x', description: 'x', defaults: { name: 'Example' }, usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main] as never,
		properties: [],
	};
}
`;
const [unsafeCast] = await lint.lintText(UNSAFE_CAST_NODE, { filePath: path.join(root, 'nodes/Example/Example.node.ts') });
const { ADDED_RULES } = await import(path.join(root, 'eslint.config.mjs'));
process.stdout.write(
	JSON.stringify({ files: result, addedRules: Object.keys(ADDED_RULES), unsafeCastFindings: unsafeCast.messages.map((m) => m.ruleId) }),
);
