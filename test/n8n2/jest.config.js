/**
 * The workflow-level tests again, against n8n 2.x: the same test files, with
 * n8n-core / n8n-workflow (and the DI container they share) taken from the
 * 2.x install that test/n8n2/run.sh makes in .cache/n8n2.
 */
const path = require('node:path');

const base = require('../../jest.config.js');

const packages = path.resolve(__dirname, '../../.cache/n8n2/node_modules');

module.exports = {
	...base,
	rootDir: path.resolve(__dirname, '../..'),
	roots: ['<rootDir>/test/nodes', '<rootDir>/test/credentials', '<rootDir>/test/workflows'],
	moduleNameMapper: {
		'^n8n-workflow$': `${packages}/n8n-workflow`,
		'^n8n-core$': `${packages}/n8n-core`,
		'^n8n-core/(.*)$': `${packages}/n8n-core/$1`,
		'^@n8n/di$': `${packages}/@n8n/di`,
	},
	transform: {
		// Types are checked against 1.x by `tsc -p test/tsconfig.json`; this run checks behaviour.
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json', diagnostics: false }],
		...Object.fromEntries(Object.entries(base.transform).filter(([pattern]) => pattern !== '^.+\\.ts$')),
	},
};
