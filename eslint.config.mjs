// The rules of n8n's verification scanner, taken from the scanner itself
// (@n8n/scan-community-package's buildScanConfig), so `npm run lint` gives the verdict n8n's
// verification gives. The scanner also ignores inline configuration (eslint-disable comments):
// `npm run lint` passes --no-inline-config for that. Nothing may be turned off here, and only
// ADDED_RULES added: test/verify/lintRules.test.ts fails when the rules differ otherwise.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rules as communityNodesRules } from '@n8n/eslint-plugin-community-nodes';

const scanner = fileURLToPath(import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'));
// Importing the scanner makes a temporary folder (for packages it downloads): remove it at exit.
createRequire(scanner)('tmp').setGracefulCleanup();
const { buildScanConfig } = await import(scanner);

/**
 * Stricter than the scanner, never looser: rules of @n8n/eslint-plugin-community-nodes 0.32.0
 * that the scanner's own copy (0.29.0 in scanner 0.32.0, the newest) does not have yet, under a
 * namespace of their own so the scanner's plugin stays as it is.
 */
const NEWER_PLUGIN = '@n8n/community-nodes-0.32';
export const ADDED_RULES = { [`${NEWER_PLUGIN}/no-unsafe-connection-type-cast`]: 'error' };

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', '.cache/**'] },
	...(await buildScanConfig()),
	{
		files: ['**/*.ts'],
		plugins: { [NEWER_PLUGIN]: { rules: { 'no-unsafe-connection-type-cast': communityNodesRules['no-unsafe-connection-type-cast'] } } },
		rules: ADDED_RULES,
	},
];
