/*
 * The editor, in a real browser (npm run test:ui; needs `npm run build` first).
 *
 * Boots the real n8n from .cache/ exactly as `npm start` does (startN8n() in test/e2e/start.ts:
 * the package, an emulator credential, the example workflows, the owner), drives Debian's
 * `chromium` with puppeteer-core, and checks what a user sees:
 *   - the sign-in page takes the owner start.ts creates;
 *   - the node creator finds "Midjourney" and adds it, its panel opening;
 *   - for every resource/operation of the built node (read from dist/), the panel shows the
 *     fields the table EXPECTED below names, and hides the ones it says are hidden; where an
 *     operation has an Image Source, switching it to "Binary Property" shows the binary field;
 *   - one example workflow, opened in the editor and run with its "Execute workflow" ("Test
 *     workflow" in older 1.x) button, ends with every node green.
 * Each check prints `ok`/`FAIL`; the last line is "N passed, N failed" (read by test/results.js).
 * A failed check leaves a screenshot in .cache/ui/.
 *
 * Env: N8N_E2E_VERSION (as the e2e run: default 1.123.81; `2` the tested 2.x on Node 24),
 *      UI_EXAMPLE (example file to execute, default cms-publish), CHROMIUM_PATH (/usr/bin/chromium),
 *      E2E_PACKAGE_DIR (test another build of the package, as the e2e run does),
 *      UI_HEADFUL=1 (a visible window, where there is a display), UI_SLOWMO (ms between actions).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

import { ensureN8n, NODE_TYPE, ROOT, type WorkflowJson } from '../e2e/n8n';
import { OWNER, startN8n, type StartedN8n } from '../e2e/start';
import { runLayer } from '../layerMain';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS_DIR = join(ROOT, '.cache', 'ui');
const STEP_MS = 30_000;
const EXECUTION_MS = 180_000;

// ---- what the panel must show ------------------------------------------------------------

interface Expected {
	/** Field labels (display names) the panel shows for this operation. */
	shown: string[];
	/** Field labels it must not show. */
	hidden: string[];
	/**
	 * Options to pick in a dropdown, each with the labels that must (not) show then. Fields that
	 * depend on a dropdown live here: n8n keeps a parameter's value across operations that share
	 * it (Image Source), so what shows before the pick depends on the previous operation.
	 */
	switches?: Array<{ parameter: string; option: string; shown: string[]; hidden?: string[] }>;
}

const IMAGE_URLS = 'Image URLs';
const BINARY_FIELDS = 'Input Binary Fields';

/**
 * The fields a user needs, per operation value. Written by hand on purpose: the list of
 * resources/operations comes from the built node, the expectations from here, so a field that
 * disappears from the panel (a wrong displayOptions, a renamed resource) fails the test.
 */
const EXPECTED: Record<string, Expected> = {
	imagine: {
		shown: ['Prompt', 'Prompt Parameters', 'References', 'Prompt Check', 'Image Source', 'Wait for Completion', 'Options'],
		hidden: ['Task ID', 'Button', 'Task IDs', 'Dimensions', 'Mask Source'],
		switches: [
			{ parameter: 'imageSource', option: 'None', shown: [], hidden: [IMAGE_URLS, BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'URL or Data URI', shown: [IMAGE_URLS], hidden: [BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'Binary Property', shown: [BINARY_FIELDS], hidden: [IMAGE_URLS] },
		],
	},
	action: {
		shown: ['Task ID', 'Button', 'Action Options', 'Wait for Completion', 'Options'],
		hidden: ['Prompt', 'Image Source', 'Task IDs', 'Mask Source'],
	},
	modal: {
		shown: ['Task ID', 'Prompt', 'Mask Source', 'Wait for Completion', 'Options'],
		hidden: ['Button', 'Image Source', 'Task IDs'],
		switches: [
			{ parameter: 'maskSource', option: 'URL or Data URI', shown: ['Mask URL'], hidden: ['Mask Binary Field'] },
			{ parameter: 'maskSource', option: 'Binary Property', shown: ['Mask Binary Field'], hidden: ['Mask URL'] },
		],
	},
	blend: {
		shown: ['Image Source', 'Dimensions', 'Wait for Completion', 'Options'],
		hidden: ['Prompt', 'Prompt Check', 'Task ID', 'Button', 'Task IDs', 'Image URL'],
		switches: [
			{ parameter: 'imageSource', option: 'URL or Data URI', shown: [IMAGE_URLS], hidden: [BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'Binary Property', shown: [BINARY_FIELDS], hidden: [IMAGE_URLS] },
		],
	},
	describe: {
		shown: ['Image Source', 'Wait for Completion', 'Options'],
		hidden: ['Prompt', 'Task ID', 'Button', 'Task IDs', 'Dimensions', IMAGE_URLS, BINARY_FIELDS],
		switches: [
			{ parameter: 'imageSource', option: 'URL or Data URI', shown: ['Image URL'], hidden: ['Input Binary Field'] },
			{ parameter: 'imageSource', option: 'Binary Property', shown: ['Input Binary Field'], hidden: ['Image URL'] },
		],
	},
	fetch: {
		shown: ['Task IDs', 'Options'],
		hidden: ['Wait for Completion', 'Prompt', 'Task ID', 'Button', 'Image Source'],
	},
	// The operations the restructure (resources Image / Video / Task) adds.
	edit: {
		shown: ['Image Source', 'Prompt', 'Prompt Parameters', 'Prompt Check', 'Mode', 'Wait for Completion', 'Options'],
		hidden: ['Task ID', 'Button', 'Task IDs', 'References', IMAGE_URLS, BINARY_FIELDS],
		switches: [
			{ parameter: 'imageSource', option: 'URL or Data URI', shown: ['Image URL'], hidden: ['Input Binary Field'] },
			{ parameter: 'imageSource', option: 'Binary Property', shown: ['Input Binary Field'], hidden: ['Image URL'] },
		],
	},
	shorten: {
		shown: ['Prompt', 'Wait for Completion', 'Options'],
		hidden: ['Image Source', 'Task ID', 'Button', 'Task IDs'],
	},
	upload: {
		shown: ['Image Source'],
		hidden: ['Prompt', 'Task ID', 'Button', 'Task IDs', 'Wait for Completion'],
		switches: [
			{ parameter: 'imageSource', option: 'URL or Data URI', shown: [IMAGE_URLS], hidden: [BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'Binary Property', shown: [BINARY_FIELDS], hidden: [IMAGE_URLS] },
		],
	},
	animate: {
		shown: ['Source', 'Motion', 'Prompt', 'Prompt Check', 'Wait for Completion', 'Options'],
		hidden: ['Button', 'Task IDs', 'Dimensions', 'Prompt Parameters'],
		switches: [
			{ parameter: 'source', option: 'Upscaled Picture (Task ID)', shown: ['Task ID'], hidden: ['Image Source'] },
			{ parameter: 'source', option: 'Image', shown: ['Image Source'], hidden: ['Task ID'] },
			{ parameter: 'imageSource', option: 'URL or Data URI', shown: ['Image URL'], hidden: ['Input Binary Field'] },
			{ parameter: 'imageSource', option: 'Binary Property', shown: ['Input Binary Field'], hidden: ['Image URL'] },
		],
	},
	extend: {
		shown: ['Task ID', 'Video', 'Motion', 'Prompt', 'Wait for Completion', 'Options'],
		hidden: ['Image Source', 'Button', 'Task IDs'],
	},
	getSeed: {
		shown: ['Task ID'],
		hidden: ['Wait for Completion', 'Prompt', 'Button', 'Task IDs', 'Image Source'],
	},
};

// ---- the node's resources and operations, from dist/ -------------------------------------

interface Choice {
	value: string;
	name: string;
	/** The node creator's text for an operation. */
	action?: string;
}

interface OperationCase {
	/** Absent while the node has no `resource` dropdown. */
	resource?: Choice;
	operation: Choice;
}

interface NodeProperty {
	name: string;
	type: string;
	default?: unknown;
	options?: Array<{ name: string; value: unknown; action?: string }>;
	displayOptions?: { show?: Record<string, unknown[]> };
}

interface NodeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	properties: NodeProperty[];
}

/** The built node the package n8n gets is packed from (E2E_PACKAGE_DIR, as in packPackage(), or this repository). */
function builtDescription(): NodeDescription {
	const file = join(process.env.E2E_PACKAGE_DIR ?? ROOT, 'dist', 'nodes', 'Midjourney', 'Midjourney.node.js');
	if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, new () => { description: NodeDescription }>;
	for (const NodeClass of Object.values(exported)) {
		if (typeof NodeClass !== 'function') continue;
		const description = new NodeClass().description;
		if (description?.properties) return description;
	}
	throw new Error(`${file} exports no node class`);
}

/** The built node's codex categories, for the node creator's failure message. */
function codexSummary(): string {
	const file = join(process.env.E2E_PACKAGE_DIR ?? ROOT, 'dist', 'nodes', 'Midjourney', 'Midjourney.node.json');
	try {
		const codex = JSON.parse(readFileSync(file, 'utf8')) as { categories?: unknown; subcategories?: unknown };
		return `categories ${JSON.stringify(codex.categories)}, subcategories ${JSON.stringify(codex.subcategories)}`;
	} catch {
		return 'unreadable';
	}
}

const choices = (property: NodeProperty): Choice[] =>
	(property.options ?? []).map((option) => ({ value: String(option.value), name: option.name, action: option.action }));

/** Every resource/operation pair, in the order the dropdowns list them. */
export function operationCases(description: NodeDescription): OperationCase[] {
	const resource = description.properties.find((p) => p.name === 'resource' && p.type === 'options');
	const operations = description.properties.filter((p) => p.name === 'operation' && p.type === 'options');
	if (!operations.length) throw new Error('the built node has no `operation` dropdown');
	if (!resource) return operations.flatMap((p) => choices(p).map((operation) => ({ operation })));
	return choices(resource).flatMap((r) =>
		operations
			.filter((p) => {
				const shownFor = p.displayOptions?.show?.resource;
				return !shownFor || shownFor.map(String).includes(r.value);
			})
			.flatMap((p) => choices(p).map((operation) => ({ resource: r, operation }))),
	);
}

const caseName = (c: OperationCase) => (c.resource ? `${c.resource.name} / ${c.operation.name}` : c.operation.name);

// ---- Chromium -----------------------------------------------------------------------------

/** Debian's chromium: installed with apt-get when missing (as root), else a clear failure. */
function ensureChromium(): string {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist`);
	if (process.getuid?.() !== 0) {
		throw new Error(
			`${CHROMIUM} is missing and this is not root: install the Debian package \`chromium\` (sudo apt-get install -y chromium)`,
		);
	}
	console.log('Installing the Debian package chromium (apt-get)...');
	try {
		execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
		execFileSync('apt-get', ['install', '-y', 'chromium'], {
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
	} catch (error) {
		throw new Error(`could not install the Debian package \`chromium\`: ${(error as Error).message}`);
	}
	if (!existsSync(CHROMIUM)) throw new Error(`the Debian package \`chromium\` installed no ${CHROMIUM}`);
	return CHROMIUM;
}

// ---- page helpers -------------------------------------------------------------------------

const byTestId = (id: string) => `[data-test-id="${id}"]`;

async function visible(page: Page, selector: string, timeout = STEP_MS): Promise<ElementHandle<Element>> {
	const handle = await page.waitForSelector(selector, { visible: true, timeout });
	if (!handle) throw new Error(`${selector} did not appear`);
	return handle;
}

/** The first visible element matching one of `selectors` (versions name things differently). */
async function visibleAny(page: Page, selectors: string[], timeout = STEP_MS): Promise<ElementHandle<Element>> {
	const handle = await page
		.waitForFunction(
			(list: string[]) => {
				for (const selector of list) {
					for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
						const box = el.getBoundingClientRect();
						if (box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden') return el;
					}
				}
				return null;
			},
			{ timeout, polling: 200 },
			selectors,
		)
		.catch(() => {
			throw new Error(`none of ${selectors.join(', ')} appeared within ${timeout / 1000} s`);
		});
	return handle as ElementHandle<Element>;
}

/** A visible element whose own text is `text` (exactly, trimmed), among `selector`. */
async function visibleWithText(page: Page, selector: string, text: string, timeout = STEP_MS): Promise<ElementHandle<Element>> {
	const handle = await page
		.waitForFunction(
			(sel: string, wanted: string) => {
				const norm = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
				const candidates = Array.from(document.querySelectorAll<HTMLElement>(sel)).filter((el) => {
					const box = el.getBoundingClientRect();
					return box.width > 0 && box.height > 0;
				});
				return (
					candidates.find((el) => norm(el.innerText) === wanted) ??
					// An option can carry a description under its name: match its first line.
					candidates.find((el) => norm(el.innerText.split('\n')[0]) === wanted) ??
					null
				);
			},
			{ timeout, polling: 200 },
			selector,
			text,
		)
		.catch(() => {
			throw new Error(`no visible ${selector} reading "${text}" within ${timeout / 1000} s`);
		});
	return handle as ElementHandle<Element>;
}

/** Clicks `handle` once it stops moving (panels and dropdowns slide in). */
async function clickSettled(handle: ElementHandle<Element>, timeout = 5_000): Promise<void> {
	const deadline = Date.now() + timeout;
	let last = '';
	while (Date.now() < deadline) {
		const box = await handle.boundingBox();
		const now = box ? `${Math.round(box.x)},${Math.round(box.y)},${Math.round(box.width)},${Math.round(box.height)}` : '';
		if (box && box.width > 0 && now === last) break;
		last = now;
		await new Promise((resolve) => setTimeout(resolve, 120));
	}
	await handle.click();
}

/** Dropdown lists that are open (not the ones still fading out after a pick). */
const OPEN_OPTIONS = '.el-popper:not([aria-hidden="true"]) .el-select-dropdown__item';

async function noOpenDropdown(page: Page): Promise<void> {
	await page
		.waitForFunction(
			(sel: string) =>
				Array.from(document.querySelectorAll<HTMLElement>(sel)).every((el) => el.getBoundingClientRect().height === 0),
			{ timeout: 3_000, polling: 100 },
			OPEN_OPTIONS,
		)
		.catch(() => undefined);
}

/** Picks `option` in the NDV dropdown of parameter `name` (element-plus select). */
async function selectParameter(page: Page, name: string, option: string): Promise<void> {
	const input = await visible(page, `${byTestId('ndv')} ${byTestId(`parameter-input-${name}`)}`);
	const current = await input.evaluate((el) => (el.querySelector('input') as HTMLInputElement | null)?.value ?? '');
	if (current === option) return;
	await noOpenDropdown(page);
	for (let attempt = 1; ; attempt++) {
		await clickSettled(input);
		try {
			await clickSettled(await visibleWithText(page, OPEN_OPTIONS, option, 5_000));
			await page.waitForFunction(
				(el: Element, wanted: string) => (el.querySelector('input') as HTMLInputElement | null)?.value === wanted,
				{ timeout: 5_000, polling: 100 },
				input,
				option,
			);
			break;
		} catch (error) {
			if (attempt === 2) throw new Error(`the ${name} dropdown did not take "${option}": ${(error as Error).message}`);
			await page.keyboard.press('Escape');
			await noOpenDropdown(page);
		}
	}
	await noOpenDropdown(page);
}

/** The labels of the parameters the open panel shows. */
async function shownLabels(page: Page): Promise<string[]> {
	return await page.evaluate((ndv: string) => {
		const root = document.querySelector(`${ndv} [data-test-id="node-parameters"]`) ?? document.querySelector(ndv);
		if (!root) return [];
		// n8n's N8nInputLabel: <label for="<parameter name>" class="n8n-input-label"><div class="…title…">Name</div>…
		const labels = Array.from(root.querySelectorAll<HTMLElement>('label.n8n-input-label, .n8n-input-label'));
		const texts = labels
			.filter((el) => {
				const box = el.getBoundingClientRect();
				return box.width > 0 && box.height > 0;
			})
			.map((el) => {
				const title = el.querySelector<HTMLElement>('[class*="title"]') ?? el;
				// "Prompt*" (required), hint icons and the like go.
				return title.innerText.split('\n')[0].replace(/\s*\*\s*$/, '').trim();
			});
		return Array.from(new Set(texts.filter(Boolean)));
	}, byTestId('ndv'));
}

interface LabelCheck {
	shown: string[];
	hidden: string[];
}

/** Waits (the panel re-renders after a change) until the labels match; returns the misses. */
async function checkLabels(page: Page, expected: LabelCheck, timeout = 10_000): Promise<string[]> {
	const deadline = Date.now() + timeout;
	let misses: string[] = [];
	do {
		const labels = await shownLabels(page);
		misses = [
			...expected.shown.filter((label) => !labels.includes(label)).map((label) => `"${label}" is not shown`),
			...expected.hidden.filter((label) => labels.includes(label)).map((label) => `"${label}" is shown but should not be`),
		];
		if (!misses.length) return [];
		if (Date.now() > deadline) return [...misses, `the panel shows: ${labels.join(', ') || 'nothing'}`];
		await new Promise((resolve) => setTimeout(resolve, 250));
	} while (true);
}

async function dismissOverlays(page: Page): Promise<void> {
	// Modals some versions open once (what's new, surveys): Escape closes them.
	for (let i = 0; i < 2; i++) {
		const modal = await page.$('.el-overlay:not([style*="display: none"]) .el-dialog');
		if (!modal) return;
		await page.keyboard.press('Escape');
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

async function openWorkflow(page: Page, base: string, id: string): Promise<void> {
	await page.goto(`${base}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await visible(page, byTestId('canvas-node'), 60_000);
	await dismissOverlays(page);
}

async function openNode(page: Page, nodeName: string): Promise<void> {
	const node = await visible(page, `${byTestId('canvas-node')}[data-node-name="${nodeName}"]`);
	await node.click({ count: 2 });
	await visible(page, `${byTestId('ndv')} ${byTestId('node-parameters')}`);
}

async function closeNdv(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page.waitForSelector(`${byTestId('ndv')} ${byTestId('node-parameters')}`, { hidden: true, timeout: 10_000 }).catch(() => undefined);
}

// ---- the checks ---------------------------------------------------------------------------

interface Result {
	name: string;
	ok: boolean;
	detail: string;
}

/** The workflow the panel checks use: a manual trigger and one Midjourney node with defaults. */
export const UI_WORKFLOW_ID = 'uiEditorTest0001';
const MJ_NODE = 'Midjourney';

function uiWorkflow(description: NodeDescription): WorkflowJson {
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	return {
		id: UI_WORKFLOW_ID,
		name: 'UI test: Midjourney panel',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ name: MJ_NODE, type: NODE_TYPE, typeVersion: Math.max(...versions), position: [300, 0], parameters: {} },
		],
		connections: { Start: { main: [[{ node: MJ_NODE, type: 'main', index: 0 }]] } },
		settings: {},
	};
}

/** The example to execute: UI_EXAMPLE, else cms-publish (one Imagine chain), else the one with fewest nodes. */
function pickExample(n8n: StartedN8n): StartedN8n['stage']['workflows'][number] {
	const examples = n8n.stage.workflows.filter((w) => w.file);
	const wanted = process.env.UI_EXAMPLE ?? 'cms-publish';
	const named = examples.find((w) => basename(w.file, '.json') === wanted);
	if (named) return named;
	if (process.env.UI_EXAMPLE) throw new Error(`no example named ${wanted}`);
	const sorted = [...examples].sort((a, b) => a.workflow.nodes.length - b.workflow.nodes.length);
	if (!sorted.length) throw new Error('no example workflows were imported');
	return sorted[0];
}

async function signIn(page: Page, base: string): Promise<string> {
	const emailField = `${byTestId('emailOrLdapLoginId')} input, input[name="emailOrLdapLoginId"], input[type="email"]`;
	// n8n 2.x answers its REST API a moment before it serves the editor ("Cannot GET /signin"): retry.
	const deadline = Date.now() + 90_000;
	let email: ElementHandle<Element> | undefined;
	while (!email) {
		await page.goto(`${base}/signin`, { waitUntil: 'domcontentloaded' });
		email = await visible(page, emailField, 10_000).catch((error: Error) => {
			if (Date.now() > deadline) throw error;
			return undefined;
		});
		if (!email) await new Promise((resolve) => setTimeout(resolve, 2_000));
	}
	await email.type(OWNER.email);
	const password = await visible(page, `${byTestId('password')} input, input[type="password"]`);
	await password.type(OWNER.password);
	await (await visible(page, byTestId('form-submit-button'))).click();
	await page.waitForFunction(() => !location.pathname.includes('/signin'), { timeout: STEP_MS });
	return `signed in as ${OWNER.email}, now at ${new URL(page.url()).pathname}`;
}

async function addWithNodeCreator(page: Page, base: string, description: NodeDescription, first: OperationCase): Promise<string> {
	const displayName = description.displayName;
	await openWorkflow(page, base, UI_WORKFLOW_ID);
	const countNodes = async () => await page.$$eval(byTestId('canvas-node'), (els) => els.length);
	const nodesBefore = await countNodes();
	await clickSettled(await visibleAny(page, [byTestId('node-creator-plus-button'), byTestId('canvas-add-button')]));
	const search = await visible(page, `${byTestId('node-creator')} ${byTestId('node-creator-search-bar')}`);
	await search.type(displayName);
	// The node itself (not its AI-tool variant): its name, exactly.
	const item = await visibleWithText(page, `${byTestId('node-creator')} ${byTestId('node-creator-item-name')}`, displayName).catch(
		async (error: Error) => {
			const none = await page.$(`${byTestId('node-creator')} ${byTestId('node-creator-no-results')}`);
			if (!none) throw error;
			// n8n's node creator leaves out of its search every node whose codex has the category
			// "AI" unless its AI subcategories include "Root Nodes" (filterOutAiNodes in the editor).
			throw new Error(
				`searching "${displayName}" finds nothing. Its codex (Midjourney.node.json) is ${codexSummary()}; ` +
					'n8n hides "AI" nodes from the search unless subcategories.AI includes "Root Nodes"',
			);
		},
	);
	await clickSettled(item);
	// A node with operations opens its list of actions (the options' `action` texts).
	const actionText = first.operation.action ?? first.operation.name;
	const action = await visibleWithText(page, `${byTestId('node-creator')} ${byTestId('item-iterator-item')}`, actionText);
	await clickSettled(action);
	await visible(page, `${byTestId('ndv')} ${byTestId('node-parameters')}`);
	const operation = await page.$eval(
		`${byTestId('ndv')} ${byTestId('parameter-input-operation')} input`,
		(el) => (el as HTMLInputElement).value,
	);
	if (operation !== first.operation.name) throw new Error(`the panel opened on operation "${operation}", not "${first.operation.name}"`);
	await closeNdv(page);
	// Recent n8n names a node added through an action after that action ("Generate images from a prompt").
	const added = (await countNodes()) - nodesBefore;
	if (added !== 1) throw new Error(`the canvas has ${added} more node(s) after adding ${displayName} once`);
	const named = await page.$$eval(
		`${byTestId('canvas-node')}[data-node-name^="${displayName}"], ${byTestId('canvas-node')}[data-node-name^="${actionText}"]`,
		(els) => els.length,
	);
	if (named < 2) throw new Error(`the new node is named neither "${displayName}" nor "${actionText}"`);
	return `found by its name, added with the action "${actionText}", its panel opened on ${first.operation.name}`;
}

async function checkOperation(page: Page, testCase: OperationCase, resourceDropdown: boolean): Promise<string> {
	const expected = EXPECTED[testCase.operation.value];
	if (!expected) throw new Error(`the test's EXPECTED table has no entry for operation "${testCase.operation.value}"`);
	if (resourceDropdown && testCase.resource) await selectParameter(page, 'resource', testCase.resource.name);
	await selectParameter(page, 'operation', testCase.operation.name);
	const misses = await checkLabels(page, expected);
	if (misses.length) throw new Error(misses.join('; '));
	const switched: string[] = [];
	for (const change of expected.switches ?? []) {
		await selectParameter(page, change.parameter, change.option);
		const switchMisses = await checkLabels(page, { shown: change.shown, hidden: change.hidden ?? [] });
		if (switchMisses.length) throw new Error(`${change.parameter} = ${change.option}: ${switchMisses.join('; ')}`);
		switched.push(`${change.option} → ${change.shown.join(', ') || 'no extra field'}`);
	}
	return `shows ${expected.shown.join(', ')}${switched.length ? `; ${switched.join('; ')}` : ''}`;
}

async function executeFromEditor(page: Page, base: string, example: ReturnType<typeof pickExample>): Promise<string> {
	await openWorkflow(page, base, example.id);
	const expectedNodes = example.workflow.nodes
		.filter((node) => node.type !== 'n8n-nodes-base.stickyNote' && !node.disabled)
		.map((node) => node.name);
	await page.waitForFunction(
		(names: string[]) => names.every((name) => document.querySelector(`[data-test-id="canvas-node"][data-node-name="${CSS.escape(name)}"]`)),
		{ timeout: STEP_MS },
		expectedNodes,
	);
	const button = await visibleAny(page, [byTestId('execute-workflow-button')]).catch(
		async () =>
			await visibleWithText(page, 'button', 'Execute workflow', 5_000).catch(
				async () => await visibleWithText(page, 'button', 'Test workflow', 5_000),
			),
	);
	const label = await button.evaluate((el) => (el as HTMLElement).innerText.trim());
	const started = Date.now();
	await button.click();
	const state = await page
		.waitForFunction(
			(names: string[]) => {
				const nodeEl = (name: string) =>
					document.querySelector(`[data-test-id="canvas-node"][data-node-name="${CSS.escape(name)}"]`);
				const failed = names.filter((name) =>
					nodeEl(name)?.querySelector('[data-test-id="node-issues"], [data-test-id="canvas-node-status-error"]'),
				);
				if (failed.length) return { done: true, failed, green: [] as string[] };
				const green = names.filter((name) => nodeEl(name)?.querySelector('[data-test-id="canvas-node-status-success"]'));
				return green.length === names.length ? { done: true, failed, green } : null;
			},
			{ timeout: EXECUTION_MS, polling: 500 },
			expectedNodes,
		)
		.then(async (handle) => (await handle.jsonValue()) as { failed: string[]; green: string[] })
		.catch(async () => {
			const green = await page.evaluate(
				(names: string[]) =>
					names.filter((name) =>
						document
							.querySelector(`[data-test-id="canvas-node"][data-node-name="${CSS.escape(name)}"]`)
							?.querySelector('[data-test-id="canvas-node-status-success"]'),
					),
				expectedNodes,
			);
			const missing = expectedNodes.filter((name) => !green.includes(name));
			throw new Error(`after ${EXECUTION_MS / 1000} s not green: ${missing.join(', ')}`);
		});
	if (state.failed.length) throw new Error(`failed in the canvas: ${state.failed.join(', ')}`);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	return `clicked "${label}"; all ${expectedNodes.length} nodes green in ${seconds} s`;
}

// ---- the run ------------------------------------------------------------------------------

async function screenshot(page: Page | undefined, version: string, name: string): Promise<string> {
	if (!page) return '';
	mkdirSync(SHOTS_DIR, { recursive: true });
	const file = join(SHOTS_DIR, `${version}-${name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '')}.png`);
	try {
		await page.screenshot({ path: file as `${string}.png`, fullPage: false });
		return file;
	} catch {
		return '';
	}
}

async function main(): Promise<number> {
	const started = Date.now();
	const results: Result[] = [];
	const description = builtDescription();
	const cases = operationCases(description);
	const resourceDropdown = description.properties.some((p) => p.name === 'resource' && p.type === 'options');
	const executable = ensureChromium();
	const install = ensureN8n();
	console.log(`n8n ${install.version} from ${install.dir}; ${executable}; ${cases.length} operations: ${cases.map(caseName).join(', ')}`);
	rmSync(SHOTS_DIR, { recursive: true, force: true });

	let n8n: StartedN8n | undefined;
	let browser: Browser | undefined;
	let page: Page | undefined;
	const check = async (name: string, run: () => Promise<string>): Promise<boolean> => {
		const t = Date.now();
		try {
			const detail = await run();
			results.push({ name, ok: true, detail });
			console.log(`ok   ${name}: ${detail} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
			return true;
		} catch (error) {
			const shot = await screenshot(page, install.version, name);
			const detail = `${(error as Error).message ?? error}${shot ? ` [screenshot ${shot}]` : ''}`;
			results.push({ name, ok: false, detail });
			console.log(`FAIL ${name}: ${detail}`);
			return false;
		}
	};

	const interrupted = () => {
		void (async () => {
			await browser?.close().catch(() => undefined);
			await n8n?.stop();
			process.exit(130);
		})();
	};
	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	try {
		n8n = await startN8n({ install, quiet: true, extraWorkflows: [uiWorkflow(description)], userFolderPrefix: 'n8n-ui-' });
		console.log(`editor up at ${n8n.base} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		browser = await puppeteer.launch({
			executablePath: executable,
			headless: process.env.UI_HEADFUL !== '1',
			slowMo: Number(process.env.UI_SLOWMO ?? 0),
			defaultViewport: { width: 1600, height: 1000 },
			args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
		});
		page = await browser.newPage();
		page.setDefaultTimeout(STEP_MS);
		// "Leave with unsaved changes?" (beforeunload) when the test moves on from an edited workflow.
		page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
		const base = n8n.base;

		if (!(await check('sign in with the owner start.ts creates', () => signIn(page!, base)))) throw new Error('could not sign in');
		// The node creator adds the node with its first resource's Imagine (or its first operation).
		const firstCase = cases.find((c) => c.operation.value === 'imagine') ?? cases[0];
		await check(`node creator finds and adds ${description.displayName}`, () =>
			addWithNodeCreator(page!, base, description, firstCase),
		);

		await openWorkflow(page, base, UI_WORKFLOW_ID);
		await openNode(page, MJ_NODE);
		for (const testCase of cases) {
			const ok = await check(`panel: ${caseName(testCase)}`, () => checkOperation(page!, testCase, resourceDropdown));
			if (!ok) {
				// Start the next operation from a freshly opened panel.
				await page.keyboard.press('Escape');
				await openWorkflow(page, base, UI_WORKFLOW_ID);
				await openNode(page, MJ_NODE);
			}
		}
		await closeNdv(page);

		const example = pickExample(n8n);
		await check(`execute "${example.workflow.name}" from the editor, every node green`, () =>
			executeFromEditor(page!, base, example),
		);
	} catch (error) {
		// A step between the checks (booting, opening the panel again) broke: that fails the run too.
		const shot = await screenshot(page, install.version, 'aborted');
		const detail = `${(error as Error).message ?? error}${shot ? ` [screenshot ${shot}]` : ''}`;
		results.push({ name: 'the run went on to the end', ok: false, detail });
		console.log(`FAIL the run went on to the end: ${detail}`);
	} finally {
		await browser?.close().catch(() => undefined);
		if (n8n) {
			if (results.some((r) => !r.ok) && n8n.output()) console.log(`n8n's output (last lines):\n${n8n.output()}`);
			await n8n.stop();
		}
	}
	const failed = results.filter((r) => !r.ok).length;
	console.log(`editor UI in n8n ${install.version}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
	console.log(`${results.length - failed} passed, ${failed} failed`);
	return failed === 0 && results.length > 0 ? 0 : 1;
}

if (require.main === module) {
	runLayer(main);
}
