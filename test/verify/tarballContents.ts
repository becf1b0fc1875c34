/**
 * What the published tarball may hold: what n8n loads and nothing else. The compiled nodes and
 * credential (dist/**.js), their codex files (dist/nodes/<Node>/<Node>.node.json), the icons
 * (dist/icons/*.svg|png), and package.json, README.md and LICENSE. No sources, tests, fixtures,
 * source maps (they point at sources that are not shipped) or a second package.json.
 */
const ALLOWED: RegExp[] = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE(\.md)?$/,
	/^dist\/(nodes|credentials)\/.+\.js$/,
	/^dist\/nodes\/[^/]+\/[^/]+\.node\.json$/,
	/^dist\/icons\/[^/]+\.(svg|png)$/,
];

/** The paths (as `npm pack --json` lists them) that the tarball should not hold. */
export function unexpectedPackageFiles(paths: string[]): string[] {
	return paths.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
}

/** What the tarball must hold for n8n to load the package: the files package.json's n8n section names, and the icons. */
export function missingPackageFiles(paths: string[], n8nFiles: string[]): string[] {
	const required = ['package.json', 'README.md', 'LICENSE', ...n8nFiles];
	const missing = required.filter((file) => !paths.includes(file));
	if (!paths.some((file) => file.startsWith('dist/icons/'))) missing.push('dist/icons/*');
	return missing;
}
