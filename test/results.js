// Sums the layers of `npm test` (jest JSON files, the verification scan's file in jest's shape,
// the closing lines of the e2e and queue-mode logs) into the one line CI reads: "N passed, N failed". A layer that
// did not report counts as one failure.
const fs = require('node:fs');
const path = require('node:path');

const folder = process.argv[2];
let passed = 0;
let failed = 0;
const lines = [];

function jestLayer(file, name) {
	if (!fs.existsSync(file)) {
		failed += 1;
		lines.push(`${name}: no results (it did not run to the end)`);
		return;
	}
	const result = JSON.parse(fs.readFileSync(file, 'utf8'));
	const layerFailed = result.numFailedTests + result.numRuntimeErrorTestSuites;
	passed += result.numPassedTests;
	failed += layerFailed;
	lines.push(`${name}: ${result.numPassedTests} passed, ${layerFailed} failed`);
}

/** A layer that prints its own "N passed, N failed" line last (the e2e and queue runners). */
function logLayer(log, name) {
	const match = fs.existsSync(log)
		? [...fs.readFileSync(log, 'utf8').matchAll(/^(\d+) passed, (\d+) failed/gm)].pop()
		: undefined;
	if (match) {
		passed += Number(match[1]);
		failed += Number(match[2]);
		lines.push(`${name}: ${match[1]} passed, ${match[2]} failed`);
	} else {
		failed += 1;
		lines.push(`${name}: no results (it did not run to the end)`);
	}
}

jestLayer(path.join(folder, 'jest.json'), 'jest (Node 20, n8n-core 1.x)');
// test/verify/scan.ts writes its two checks (tarball, source) in jest's JSON shape.
jestLayer(path.join(folder, 'verify.json'), 'n8n verification scan (tarball, source)');
// test/all.sh exports the 2.x it tested (the newest installable, test/e2e/newestN8n.ts).
const n8nVersions = ['1.123.81', process.env.MJ_N8N2_VERSION];
if (process.env.MJ_SKIP_E2E !== '1') {
	for (const version of n8nVersions) logLayer(path.join(folder, `e2e-${version}.log`), `end to end (real n8n ${version})`);
}
if (process.env.MJ_SKIP_UI !== '1') {
	for (const version of n8nVersions) logLayer(path.join(folder, `ui-${version}.log`), `editor UI in chromium (real n8n ${version})`);
}
if (process.env.MJ_SKIP_QUEUE !== '1') logLayer(path.join(folder, 'queue.log'), 'queue mode (Redis, Postgres, main, 2 workers; n8n 1.x and 2.x)');
if (process.env.MJ_SKIP_N8N2 !== '1') jestLayer(path.join(folder, 'n8n2.json'), 'jest (Node 24, n8n-core 2.x)');

console.log(`\n${lines.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
