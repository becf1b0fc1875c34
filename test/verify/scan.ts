/**
 * `npm run verify` (after `npm run build`): n8n's verification scanner on this package, offline.
 *   1. tarball: `npm pack` of the built package into a temporary folder, unpacked, every .js,
 *      .ts and .json in it (analyzePackage's default patterns: stricter than the scanner's own
 *      tarball pass, which takes .js and package.json only);
 *   2. source: package.json, nodes/ and credentials/ of this work tree (the scanner's
 *      SOURCE_FILE_PATTERNS, as it lints the source a package's provenance names);
 *   3. contents: the same tarball holds what n8n loads and nothing else (tarballContents.ts).
 * Prints every finding; a check fails on any error or warning, or when it finds nothing to lint.
 * Ends with "N passed, N failed"; `--json FILE` also writes the counts as jest's JSON does, for
 * test/results.js.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	ANALYZER_DEFAULT_PATTERNS,
	SCANNER_VERSION,
	loadScanner,
	scanFolder,
	type ScanResult,
} from './scanner';
import { missingPackageFiles, unexpectedPackageFiles } from './tarballContents';

const ROOT = path.resolve(__dirname, '../..');

interface Check {
	name: string;
	passed: boolean;
	problems: string[];
}

function run(command: string, args: string[], cwd: string): string {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

/** `npm pack` of the work tree (no scripts, no registry) into `folder`, unpacked into folder/package. */
function packAndUnpack(folder: string): { tarball: string; unpacked: string; files: string[] } {
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const [packed] = JSON.parse(
		run('npm', ['pack', ROOT, '--json', '--ignore-scripts', '--offline', '--pack-destination', folder], folder),
	) as Array<{ filename: string; files: Array<{ path: string }> }>;
	const tarball = path.join(folder, packed.filename);
	const unpacked = path.join(folder, 'package');
	fs.mkdirSync(unpacked);
	run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], folder);
	return { tarball, unpacked, files: packed.files.map((file) => file.path) };
}

function report(name: string, result: ScanResult): Check {
	const problems: string[] = [];
	for (const finding of result.findings) {
		problems.push(`${finding.file}:${finding.line}:${finding.column}  ${finding.severity}  ${finding.message}  ${finding.rule}`);
	}
	if (result.files === 0) problems.push('no files to lint');
	if (!result.analyzerPassed && result.findings.every((finding) => finding.severity !== 'error')) {
		problems.push(`the scanner failed: ${result.analyzerMessage ?? 'no reason given'}`);
	}
	const passed = problems.length === 0 && result.analyzerPassed;
	const errors = result.findings.filter((finding) => finding.severity === 'error').length;
	const warnings = result.findings.length - errors;
	console.log(`\n${passed ? 'PASS' : 'FAIL'} ${name}: ${result.files} files, ${errors} errors, ${warnings} warnings`);
	for (const problem of problems) console.log(`  ${problem}`);
	return { name, passed, problems };
}

async function check(name: string, scan: () => Promise<ScanResult>): Promise<Check> {
	try {
		return report(name, await scan());
	} catch (error) {
		const problem = `the scan did not run: ${(error as Error).stack ?? String(error)}`;
		console.log(`\nFAIL ${name}\n  ${problem}`);
		return { name, passed: false, problems: [problem] };
	}
}

/** The tarball's file list against what n8n loads. */
function contentsCheck(files: string[]): Check {
	const name = 'tarball contents (dist, icons, README, LICENSE, package.json only)';
	const { n8n } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
	const problems = [
		...unexpectedPackageFiles(files).map((file) => `not for n8n: ${file}`),
		...(files.length ? missingPackageFiles(files, [...n8n.nodes, ...n8n.credentials]).map((file) => `missing: ${file}`) : ['the tarball was not packed']),
	];
	console.log(`\n${problems.length ? 'FAIL' : 'PASS'} ${name}: ${files.length} files`);
	for (const problem of problems) console.log(`  ${problem}`);
	return { name, passed: problems.length === 0, problems };
}

function writeJson(file: string, checks: Check[]): void {
	const passed = checks.filter((one) => one.passed).length;
	const result = {
		success: passed === checks.length,
		numTotalTests: checks.length,
		numPassedTests: passed,
		numFailedTests: checks.length - passed,
		numRuntimeErrorTestSuites: 0,
		testResults: checks.map((one) => ({
			name: one.name,
			status: one.passed ? 'passed' : 'failed',
			message: one.problems.join('\n'),
		})),
	};
	fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

async function main(): Promise<void> {
	const jsonIndex = process.argv.indexOf('--json');
	const jsonFile = jsonIndex >= 0 ? process.argv[jsonIndex + 1] : undefined;
	const scanner = await loadScanner();
	console.log(`n8n verification scan: @n8n/scan-community-package ${SCANNER_VERSION}, its rules, inline configuration off`);

	const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'mj-verify-'));
	const checks: Check[] = [];
	try {
		let packedFiles: string[] = [];
		checks.push(
			await check('tarball (npm pack of the build)', async () => {
				const { unpacked, files } = packAndUnpack(temporary);
				packedFiles = files;
				return await scanFolder(unpacked, ANALYZER_DEFAULT_PATTERNS);
			}),
		);
		checks.push(contentsCheck(packedFiles));
		checks.push(
			await check('source (package.json, nodes/, credentials/)', async () => await scanFolder(ROOT, scanner.SOURCE_FILE_PATTERNS)),
		);
	} finally {
		fs.rmSync(temporary, { recursive: true, force: true });
	}

	const passed = checks.filter((one) => one.passed).length;
	if (jsonFile) writeJson(jsonFile, checks);
	console.log(`\n${passed} passed, ${checks.length - passed} failed`);
	process.exitCode = passed === checks.length ? 0 : 1;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
