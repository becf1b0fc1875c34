/**
 * n8n's verification scanner (@n8n/scan-community-package), loaded from node_modules and run
 * offline on folders of this machine. Its CLI downloads the package by name from the registry
 * (and the source its provenance names); its `analyzePackage(folder, patterns)` lints a folder
 * with the scanner's own configuration (buildScanConfig) and inline configuration off, which is
 * what this module calls.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint, Linter } from 'eslint';

export const SCANNER_FILE = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
export const SCANNER_VERSION: string = require('@n8n/scan-community-package/package.json').version;

/** What analyzePackage lints when no patterns are given (it is not exported). */
export const ANALYZER_DEFAULT_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];

export interface ScannerModule {
	analyzePackage(folder: string, patterns?: string[]): Promise<{ passed: boolean; message?: string; details?: string }>;
	buildScanConfig(): Promise<Linter.Config[]>;
	/** The files of a source checkout the scanner lints: package.json, nodes/ and credentials/. */
	SOURCE_FILE_PATTERNS: string[];
}

export interface Finding {
	file: string;
	line: number;
	column: number;
	severity: 'error' | 'warning';
	message: string;
	rule: string;
}

export interface ScanResult {
	/** The scanner's own verdict: it fails on errors only, and lists findings only then. */
	analyzerPassed: boolean;
	analyzerMessage?: string;
	/** Every finding, warnings too, from the same lint of the same files. */
	findings: Finding[];
	files: number;
}

// ts-node compiles this file to CommonJS, where `import()` would become require(): keep it an import.
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
const scannerRequire = createRequire(SCANNER_FILE);

let loaded: Promise<ScannerModule> | undefined;

export function loadScanner(): Promise<ScannerModule> {
	// The scanner makes a temporary folder when it is imported: have it removed at exit.
	scannerRequire('tmp').setGracefulCleanup();
	loaded ??= importModule(pathToFileURL(SCANNER_FILE).href) as Promise<ScannerModule>;
	return loaded;
}

/**
 * Runs the scanner's analyzePackage on `folder`, and lints the same files again exactly as it
 * does (its ESLint, its configuration, inline configuration off) to list every finding: its
 * report leaves warnings out unless an error comes with them.
 */
export async function scanFolder(folder: string, patterns: string[]): Promise<ScanResult> {
	const scanner = await loadScanner();
	const verdict = await scanner.analyzePackage(folder, patterns);

	const { ESLint: ESLintClass } = scannerRequire('eslint') as { ESLint: typeof ESLint };
	const glob = scannerRequire('fast-glob') as { sync(patterns: string[], options: object): string[] };
	const eslint = new ESLintClass({
		cwd: folder,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, { cwd: folder, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = files.length > 0 ? await eslint.lintFiles(files) : [];
	const findings = results.flatMap((result) =>
		result.messages.map(
			(message): Finding => ({
				file: path.relative(folder, result.filePath),
				line: message.line,
				column: message.column,
				severity: message.severity === 2 ? 'error' : 'warning',
				message: message.message,
				rule: message.ruleId ?? '(parse)',
			}),
		),
	);
	return { analyzerPassed: verdict.passed, analyzerMessage: verdict.message, findings, files: files.length };
}
