/**
 * The house rules of nodes/Midjourney/, read from the code's own imports:
 * rooms stand on the rooms below them (no arrow runs back up), no file
 * imports itself through others, model/ and images/ use no n8n values,
 * waiting/ never reaches into operations, and only transport/ calls n8n's
 * HTTP helpers. The same checks run on small made-up trees first, so each
 * can be seen to fail.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

import * as ts from 'typescript';

const ROOT = join(__dirname, '../../../nodes/Midjourney');

/** The rooms from the ground up: a file may import its own room and the rooms before it, never one after. */
const ROOMS = ['model', 'images', 'transport', 'parameters', 'waiting', 'output', 'prompt', 'operations', 'execution', 'trigger', '.'] as const;

/** n8n's request helpers: HTTP goes through transport/ alone (redirects, deadlines, redaction live there). */
const HTTP_HELPERS = /\b(httpRequestWithAuthentication|requestWithAuthentication|httpRequest|requestOAuth2|requestOAuth1)\b|helpers\.request\b/;

interface Import {
	/** the imported module as written */
	specifier: string;
	/** nothing but types (erased from the build) */
	typeOnly: boolean;
}

function importsOf(path: string, source: string): Import[] {
	const file = ts.createSourceFile(path, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
	const imports: Import[] = [];
	for (const statement of file.statements) {
		if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
			const clause = statement.importClause;
			const bindings = clause?.namedBindings;
			const typeOnly =
				clause !== undefined &&
				(clause.isTypeOnly ||
					(!clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((element) => element.isTypeOnly)));
			imports.push({ specifier: statement.moduleSpecifier.text, typeOnly });
		} else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
			imports.push({ specifier: statement.moduleSpecifier.text, typeOnly: statement.isTypeOnly });
		}
	}
	return imports;
}

function roomOf(path: string): string {
	return path.includes('/') ? path.split('/')[0] : '.';
}

/** `files`: path (relative to nodes/Midjourney, without .ts) → source. */
function houseViolations(files: Map<string, string>): string[] {
	const found: string[] = [];
	const graph = new Map<string, string[]>();
	for (const [path, source] of files) {
		const room = roomOf(path);
		const targets: string[] = [];
		if (!ROOMS.includes(room as never)) found.push(`${path} is in ${room}/, which is not a room of the house`);
		for (const { specifier, typeOnly } of importsOf(path, source)) {
			if (specifier === 'n8n-workflow' && !typeOnly && (room === 'model' || room === 'images')) {
				found.push(`${path} imports n8n values (${room}/ must not)`);
			}
			if (!specifier.startsWith('.')) continue;
			let target = normalize(join(dirname(path), specifier)).replace(/\\/g, '/');
			if (!files.has(target) && files.has(`${target}/index`)) target = `${target}/index`;
			// The package's credential files (credentials/, standing on model/ only): transport/ and above may use them.
			if (target.startsWith('../../credentials/')) {
				if (ROOMS.indexOf(room as never) < ROOMS.indexOf('transport')) found.push(`${path} imports ${target}: ${room}/ stands below the credentials`);
				continue;
			}
			if (!files.has(target)) {
				found.push(`${path} imports ${specifier}, which is not in the package`);
				continue;
			}
			targets.push(target);
			const targetRoom = roomOf(target);
			const [from, to] = [ROOMS.indexOf(room as never), ROOMS.indexOf(targetRoom as never)];
			if (from >= 0 && to > from) found.push(`${path} imports ${target}: an arrow from ${room}/ back up to ${targetRoom}/`);
			if (room === 'waiting' && targetRoom === 'operations') found.push(`${path} imports operations (waiting/ never does)`);
		}
		graph.set(path, targets);
		if (room !== 'transport' && HTTP_HELPERS.test(source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) {
			found.push(`${path} calls n8n's HTTP helpers (only transport/ does)`);
		}
	}
	// Import cycles, file by file.
	const state = new Map<string, 'open' | 'done'>();
	const visit = (path: string, trail: string[]) => {
		if (state.get(path) === 'done') return;
		if (state.get(path) === 'open') {
			found.push(`import cycle: ${[...trail.slice(trail.indexOf(path)), path].join(' → ')}`);
			return;
		}
		state.set(path, 'open');
		for (const target of graph.get(path) ?? []) visit(target, [...trail, path]);
		state.set(path, 'done');
	};
	for (const path of graph.keys()) visit(path, []);
	return found;
}

function packageFiles(): Map<string, string> {
	const files = new Map<string, string>();
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const full = join(dir, name);
			if (statSync(full).isDirectory()) walk(full);
			else if (name.endsWith('.ts')) files.set(relative(ROOT, full).replace(/\\/g, '/').replace(/\.ts$/, ''), readFileSync(full, 'utf8'));
		}
	};
	walk(ROOT);
	return files;
}

describe('the house rules of nodes/Midjourney/', () => {
	it('hold for the package as it is', () => {
		const files = packageFiles();
		expect(files.size).toBeGreaterThan(50);
		// Every folder of the package is a room of the list above.
		expect([...new Set([...files.keys()].map(roomOf))].filter((room) => !ROOMS.includes(room as never))).toEqual([]);
		expect(houseViolations(files)).toEqual([]);
	});

	it('see an arrow back up, an import cycle and a file outside the rooms', () => {
		const files = new Map([
			['model/task', "import { mapTask } from '../output/outputMapper';"],
			['output/outputMapper', "import type { MjTask } from '../model/task';\nexport const mapTask = 1;"],
			['execution/a', "import { b } from './b';"],
			['execution/b', "import { a } from './a';"],
			['misc/helper', 'export const x = 1;'],
		]);
		expect(houseViolations(files)).toEqual([
			'model/task imports output/outputMapper: an arrow from model/ back up to output/',
			'misc/helper is in misc/, which is not a room of the house',
			'import cycle: model/task → output/outputMapper → model/task',
			'import cycle: execution/a → execution/b → execution/a',
		]);
	});

	it('see n8n values in model/ or images/, waiting/ reaching into operations, and HTTP outside transport/', () => {
		const files = new Map([
			['model/errors', "import { NodeApiError } from 'n8n-workflow';\nimport type { IDataObject } from 'n8n-workflow';"],
			['images/png', "import { type IDataObject, sleep } from 'n8n-workflow';"],
			['images/format', "import { type IDataObject } from 'n8n-workflow';"],
			['operations/index', 'export const RESOURCES = {};'],
			['waiting/poller', "import { RESOURCES } from '../operations/index';"],
			['output/taskItems', 'export async function get(ctx) { return await ctx.helpers.httpRequestWithAuthentication.call(ctx, "x", {}); }'],
			['transport/n8nHttp', 'export async function send(ctx) { return await ctx.helpers.httpRequest({}); }'],
		]);
		expect(houseViolations(files)).toEqual([
			'model/errors imports n8n values (model/ must not)',
			'images/png imports n8n values (images/ must not)',
			'waiting/poller imports operations/index: an arrow from waiting/ back up to operations/',
			'waiting/poller imports operations (waiting/ never does)',
			"output/taskItems calls n8n's HTTP helpers (only transport/ does)",
		]);
	});
});
