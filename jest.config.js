/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
		// n8n-core pulls in @langchain/core, which requires these ESM-only packages: Node 20
		// loads them natively (require(esm)); jest's module system needs them as CommonJS.
		'/node_modules/(p-retry|is-network-error)/.+\\.js$': [
			'ts-jest',
			{ tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } },
		],
	},
	transformIgnorePatterns: ['/node_modules/(?!(p-retry|is-network-error)/)'],
	testTimeout: 30000,
};
