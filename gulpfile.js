const path = require('path');
const { task, src, dest } = require('gulp');

// n8n loads icons relative to the compiled node/credential files, so the SVGs
// must sit next to them in dist/.
task('build:icons', copyIcons);

function copyIcons() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg}');
	const nodeDestination = path.resolve('dist', 'nodes');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));

	const iconSource = path.resolve('icons', '*.{png,svg}');
	src(iconSource, { encoding: false }).pipe(dest(path.resolve('dist', 'icons')));

	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
}
