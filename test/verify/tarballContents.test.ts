import { missingPackageFiles, unexpectedPackageFiles } from './tarballContents';

const GOOD = [
	'LICENSE',
	'README.md',
	'package.json',
	'dist/credentials/CometApi.credentials.js',
	'dist/icons/midjourney.dark.svg',
	'dist/icons/cometapi.png',
	'dist/nodes/Midjourney/Midjourney.node.js',
	'dist/nodes/Midjourney/Midjourney.node.json',
	'dist/nodes/Midjourney/model/buttons.js',
];
const N8N_FILES = ['dist/nodes/Midjourney/Midjourney.node.js', 'dist/credentials/CometApi.credentials.js'];

describe('what the tarball may hold', () => {
	it('takes the compiled nodes, their codex files, the icons, README, LICENSE and package.json', () => {
		expect(unexpectedPackageFiles(GOOD)).toEqual([]);
		expect(missingPackageFiles(GOOD, N8N_FILES)).toEqual([]);
	});

	it('refuses sources, tests, maps, a second package.json, fixtures and anything outside dist', () => {
		const bad = [
			'nodes/Midjourney/Midjourney.node.ts',
			'dist/nodes/Midjourney/model/buttons.js.map',
			'dist/package.json',
			'dist/test/emulator/server.js',
			'dist/nodes/Midjourney/model/buttons.d.ts',
			'test/workflows/examples/cms-publish.json',
			'.github/workflows/release.yml',
			'CHANGELOG.md',
			'icons/midjourney.svg',
			'.env',
		];
		expect(unexpectedPackageFiles([...GOOD, ...bad])).toEqual(bad);
	});

	it('names what n8n would miss', () => {
		expect(missingPackageFiles(['package.json', 'README.md', 'dist/nodes/Midjourney/Midjourney.node.js'], N8N_FILES)).toEqual([
			'LICENSE',
			'dist/credentials/CometApi.credentials.js',
			'dist/icons/*',
		]);
	});
});
