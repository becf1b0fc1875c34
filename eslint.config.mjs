// The rules of n8n's verification scanner, taken from the scanner itself
// (@n8n/scan-community-package's buildScanConfig), so `npm run lint` gives the verdict n8n's
// verification gives. The scanner also ignores inline configuration (eslint-disable comments):
// `npm run lint` passes --no-inline-config for that. Nothing may be added or turned off here:
// test/verify/lintRules.test.ts fails when these rules differ from the scanner's.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const scanner = fileURLToPath(import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'));
// Importing the scanner makes a temporary folder (for packages it downloads): remove it at exit.
createRequire(scanner)('tmp').setGracefulCleanup();
const { buildScanConfig } = await import(scanner);

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', '.cache/**'] },
	...(await buildScanConfig()),
];
