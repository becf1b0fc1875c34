/*
 * The editor, in a real browser (npm run test:ui; needs `npm run build` first).
 *
 * Boots the real n8n from .cache/ exactly as `npm start` does (startN8n() in test/e2e/start.ts:
 * the package, an emulator credential, the example workflows, the owner), drives Debian's
 * `chromium` with puppeteer-core, and checks what a user sees:
 *   - the sign-in page takes the owner start.ts creates;
 *   - the credential dialog: credentials saved with a wrong key, a wrong Authentication, a Base
 *     URL ending in /v1, an unreachable host and a website that is no Midjourney API, each
 *     opened (n8n tests it on opening) and its "More details" text matched; it says where to
 *     get a key;
 *   - the node creator lists "Midjourney" and "Midjourney Trigger" as entries of their own,
 *     each with its own description;
 *   - the node creator finds "Midjourney" and adds it, its panel opening;
 *   - for every resource/operation of the built node (read from dist/), the panel shows exactly
 *     the fields the table EXPECTED below names, its Options list holds exactly the entries
 *     named there (an option that does not apply fails), dropdown switches show their fields;
 *     Wait for Completion off takes the waiting options out of the list; Action's Task ID holds
 *     {{ $json.taskId }} and its Button lists the common labels;
 *   - one example workflow, opened in the editor and run with its "Execute workflow" ("Test
 *     workflow" in older 1.x) button, ends with every node green; for cms-publish, the Upscale's
 *     output then holds the picture as a file (Download Image on by default), the simplified
 *     columns, and its Task ID resolved from the previous node.
 * Screenshots: the Imagine panel, the credential dialog and the executed chain always, a failed
 * check's too, in .cache/ui/ (UI_README_SHOTS=1 copies the first three to .github/readme/).
 * Each check prints `ok`/`FAIL`; the last line is "N passed, N failed" (read by test/results.js).
 *
 * Env: N8N_E2E_VERSION (as the e2e run: default 1.123.81; `2` the tested 2.x on Node 24),
 *      UI_EXAMPLE (example file to execute, default cms-publish), CHROMIUM_PATH (/usr/bin/chromium),
 *      E2E_PACKAGE_DIR (test another build of the package, as the e2e run does),
 *      UI_HEADFUL=1 (a visible window, where there is a display), UI_SLOWMO (ms between actions).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { request } from 'undici';

import { CREDENTIAL_TYPE, ensureN8n, NODE_TYPE, ROOT, type WorkflowJson } from '../e2e/n8n';
import { EMULATOR_KEY } from '../e2e/stage';
import { OWNER, startN8n, type StartedN8n } from '../e2e/start';
import { runLayer } from '../layerMain';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS_DIR = join(ROOT, '.cache', 'ui');
const STEP_MS = 30_000;
const EXECUTION_MS = 180_000;

// ---- what the panel must show ------------------------------------------------------------

interface Expected {
	/**
	 * Every field label the panel shows for this operation with its defaults (Resource and
	 * Operation aside, and the fields a switch below decides): one more or one less fails.
	 */
	shown: string[];
	/** Field labels it must not show. */
	hidden: string[];
	/** Exactly the entries of the Options collection's "Add Option" list with the defaults (none: no Options). */
	options: string[];
	/** Exactly the entries of the Waiting Options' "Add Waiting Option" list with the defaults (none: not shown). */
	waitingOptions: string[];
	/**
	 * Options to pick in a dropdown, each with the labels that must (not) show then. Fields that
	 * depend on a dropdown live here: n8n keeps a parameter's value across operations that share
	 * it (Image Source), so what shows before the pick depends on the previous operation.
	 */
	switches?: Array<{ parameter: string; option: string; shown: string[]; hidden?: string[] }>;
}

const IMAGE_URLS = 'Image URLs';
const BINARY_FIELDS = 'Input Binary Fields';
const WAITING = ['Callback Wait Limit (Seconds)', 'Initial Delay (Seconds)', 'On Timeout', 'Poll Interval (Seconds)', 'Timeout (Seconds)', 'Wait Mode'];
const SUBMIT_OPTIONS = ['Max Concurrent Tasks', 'Notify Hook URL', 'Speed', 'State'];
const FILE_OPTIONS = ['Output', 'Put Output File in Field'];
/** What a read that waits (Fetch) offers once Wait for Completion is on: it polls. */
const READ_WAITING = ['On Timeout', 'Poll Interval (Seconds)', 'Timeout (Seconds)'];
const TASK_FIELDS = ['Wait for Completion', 'Waiting Options', 'Simplify', 'Options'];
const sorted = (labels: string[]) => [...labels].sort((a, b) => a.localeCompare(b));

/**
 * The fields a user needs, per operation value. Written by hand on purpose: the list of
 * resources/operations comes from the built node, the expectations from here, so a field that
 * disappears from the panel (a wrong displayOptions, a renamed resource) fails the test, and so
 * does an option that does not apply to the operation (Download Video on Imagine).
 */
const EXPECTED: Record<string, Expected> = {
	imagine: {
		shown: ['Prompt', 'Prompt Parameters', 'References', 'Prompt Check', 'Image Source', ...TASK_FIELDS],
		hidden: ['Task ID', 'Button', 'Task IDs', 'Dimensions', 'Mask Source'],
		options: sorted(['Bot', 'Download Image', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
		switches: [
			{ parameter: 'imageSource', option: 'None', shown: [], hidden: [IMAGE_URLS, BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'URL', shown: [IMAGE_URLS], hidden: [BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'Binary File', shown: [BINARY_FIELDS], hidden: [IMAGE_URLS] },
		],
	},
	action: {
		shown: ['Task ID', 'Button', 'Action Options', ...TASK_FIELDS],
		hidden: ['Prompt', 'Image Source', 'Task IDs', 'Mask Source'],
		options: sorted(['Download Image', 'Download Video', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
	},
	modal: {
		shown: ['Task ID', 'Prompt', 'Mask Source', ...TASK_FIELDS],
		hidden: ['Button', 'Image Source', 'Task IDs'],
		options: sorted(['Download Image', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
		switches: [
			{ parameter: 'maskSource', option: 'URL', shown: ['Mask URL'], hidden: ['Mask Binary Field'] },
			{ parameter: 'maskSource', option: 'Binary File', shown: ['Mask Binary Field'], hidden: ['Mask URL'] },
		],
	},
	blend: {
		shown: ['Image Source', 'Dimensions', ...TASK_FIELDS],
		hidden: ['Prompt', 'Prompt Check', 'Task ID', 'Button', 'Task IDs', 'Image URL'],
		options: sorted(['Bot', 'Download Image', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
		switches: [
			{ parameter: 'imageSource', option: 'URL', shown: [IMAGE_URLS], hidden: [BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'Binary File', shown: [BINARY_FIELDS], hidden: [IMAGE_URLS] },
		],
	},
	describe: {
		shown: ['Image Source', ...TASK_FIELDS],
		hidden: ['Prompt', 'Task ID', 'Button', 'Task IDs', 'Dimensions', IMAGE_URLS, BINARY_FIELDS],
		options: sorted(['Bot', ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
		switches: [
			{ parameter: 'imageSource', option: 'URL', shown: ['Image URL'], hidden: ['Input Binary Field'] },
			{ parameter: 'imageSource', option: 'Binary File', shown: ['Input Binary Field'], hidden: ['Image URL'] },
		],
	},
	fetch: {
		shown: ['Task IDs', 'Wait for Completion', 'Simplify', 'Options'],
		hidden: ['Prompt', 'Task ID', 'Button', 'Image Source', 'Waiting Options'],
		options: sorted(['Download Image', 'Download Video', ...FILE_OPTIONS]),
		waitingOptions: [],
	},
	// The operations the restructure (resources Image / Video / Task) adds.
	edit: {
		shown: ['Image Source', 'Prompt', 'Prompt Parameters', 'Prompt Check', 'Mode', ...TASK_FIELDS],
		hidden: ['Task ID', 'Button', 'Task IDs', 'References', IMAGE_URLS, BINARY_FIELDS],
		options: sorted(['Download Image', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
		switches: [
			{ parameter: 'imageSource', option: 'URL', shown: ['Image URL'], hidden: ['Input Binary Field'] },
			{ parameter: 'imageSource', option: 'Binary File', shown: ['Input Binary Field'], hidden: ['Image URL'] },
		],
	},
	shorten: {
		shown: ['Prompt', ...TASK_FIELDS],
		hidden: ['Image Source', 'Task ID', 'Button', 'Task IDs'],
		options: sorted([...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
	},
	upload: {
		shown: ['Image Source'],
		hidden: ['Prompt', 'Task ID', 'Button', 'Task IDs', 'Wait for Completion', 'Waiting Options', 'Simplify', 'Options'],
		options: [],
		waitingOptions: [],
		switches: [
			{ parameter: 'imageSource', option: 'URL', shown: [IMAGE_URLS], hidden: [BINARY_FIELDS] },
			{ parameter: 'imageSource', option: 'Binary File', shown: [BINARY_FIELDS], hidden: [IMAGE_URLS] },
		],
	},
	animate: {
		shown: ['Source', 'Motion', 'Prompt', 'Prompt Check', 'Video Options', ...TASK_FIELDS],
		hidden: ['Button', 'Task IDs', 'Dimensions', 'Prompt Parameters'],
		options: sorted(['Download Video', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
		switches: [
			{ parameter: 'source', option: 'Upscaled Picture (Task ID)', shown: ['Task ID'], hidden: ['Image Source'] },
			{ parameter: 'source', option: 'Image', shown: ['Image Source'], hidden: ['Task ID'] },
			{ parameter: 'imageSource', option: 'URL', shown: ['Image URL'], hidden: ['Input Binary Field'] },
			{ parameter: 'imageSource', option: 'Binary File', shown: ['Input Binary Field'], hidden: ['Image URL'] },
		],
	},
	extend: {
		shown: ['Task ID', 'Video', 'Motion', 'Prompt', ...TASK_FIELDS],
		hidden: ['Image Source', 'Button', 'Task IDs'],
		options: sorted(['Download Video', ...FILE_OPTIONS, ...SUBMIT_OPTIONS]),
		waitingOptions: WAITING,
	},
	getSeed: {
		shown: ['Task ID'],
		hidden: ['Wait for Completion', 'Waiting Options', 'Prompt', 'Button', 'Task IDs', 'Image Source', 'Options'],
		options: [],
		waitingOptions: [],
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

/**
 * Clicks until `selector` shows: a click on a canvas that is still settling (just opened, a node
 * just added) can go unheard, or the editor can throw while opening a panel (seen once in ten runs
 * of n8n 1.x: "reading 'enabled'"); a second click then opens it. Three clicks at most.
 */
async function clickUntilShown(page: Page, click: () => Promise<void>, selector: string): Promise<ElementHandle<Element>> {
	for (let attempt = 1; ; attempt++) {
		await click();
		const shown = await page.waitForSelector(selector, { visible: true, timeout: attempt < 3 ? 8_000 : STEP_MS }).catch(() => null);
		if (shown) return shown;
		if (attempt === 3) throw new Error(`${selector} did not appear after ${attempt} clicks`);
		console.log(`     (${selector} did not appear after click ${attempt}: clicking again)`);
	}
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
	await clickUntilShown(page, async () => await node.click({ count: 2 }), `${byTestId('ndv')} ${byTestId('node-parameters')}`);
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
		// The panel is checked with the node's own defaults: no test-pace options (patchWorkflow).
		meta: { atDefaults: true },
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

/** Opens the node creator with the first of `buttons` that shows; returns its search bar. */
async function openNodeCreator(page: Page, buttons: string[], timeout = STEP_MS): Promise<ElementHandle<Element>> {
	const button = await visibleAny(page, buttons, timeout);
	return await clickUntilShown(page, async () => await clickSettled(button), `${byTestId('node-creator')} ${byTestId('node-creator-search-bar')}`);
}

async function addWithNodeCreator(page: Page, base: string, description: NodeDescription, first: OperationCase): Promise<string> {
	const displayName = description.displayName;
	await openWorkflow(page, base, UI_WORKFLOW_ID);
	const countNodes = async () => await page.$$eval(byTestId('canvas-node'), (els) => els.length);
	const nodesBefore = await countNodes();
	const search = await openNodeCreator(page, [byTestId('node-creator-plus-button'), byTestId('canvas-add-button')]);
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

/** Labels no operation table lists: the dropdowns every operation has. */
// The credential picker reads "Credential to connect with" in 1.x, "Credential" in 2.x.
const ALWAYS = ['Credential to connect with', 'Credential', 'Resource', 'Operation'];

const OPEN_COLLECTION_OPTIONS = '.el-popper:not([aria-hidden="true"]) [data-test-id="collection-parameter-option"], [role="menu"] [data-test-id="collection-parameter-option"]';

/** The first lines of the visible entries of an open list (`selector`), once it shows. */
async function openListEntries(page: Page, selector: string): Promise<string[]> {
	const handle = await page.waitForFunction(
		(sel: string) => {
			const items = Array.from(document.querySelectorAll<HTMLElement>(sel)).filter((el) => el.getBoundingClientRect().height > 0);
			return items.length ? items.map((el) => el.innerText.split('\n')[0].trim()) : null;
		},
		{ timeout: 5_000, polling: 150 },
		selector,
	);
	return (await handle.jsonValue()) as string[];
}

/** The entries of the "Add …" list of the collection whose button reads `placeholder` (the last one in the panel). */
async function collectionEntries(page: Page, placeholder: string): Promise<string[] | undefined> {
	const opener = await page.evaluateHandle(
		(ndv: string, wanted: string) => {
			const root = document.querySelector(ndv);
			if (!root) return null;
			const same = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim().toLowerCase() === wanted.toLowerCase();
			const seen = (el: Element) => (el as HTMLElement).getBoundingClientRect().height > 0;
			// 1.x: a filterable select with that placeholder; 2.x: a button with that text.
			const inputs = Array.from(root.querySelectorAll('input')).filter((el) => same(el.placeholder) && seen(el));
			if (inputs.length) return inputs[inputs.length - 1];
			const buttons = Array.from(root.querySelectorAll('button, [data-test-id="collection-parameter-add"]')).filter(
				(el) => same((el as HTMLElement).innerText) && seen(el),
			);
			return buttons[buttons.length - 1] ?? null;
		},
		byTestId('ndv'),
		placeholder,
	);
	const element = opener.asElement() as ElementHandle<Element> | null;
	if (!element) return undefined;
	await noOpenDropdown(page);
	await clickSettled(element);
	const entries = await openListEntries(page, OPEN_COLLECTION_OPTIONS);
	await page.keyboard.press('Escape');
	// The list fades out: wait until it is gone, so the next list read is the next one's alone.
	await page
		.waitForFunction(
			(sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel)).every((el) => el.getBoundingClientRect().height === 0),
			{ timeout: 3_000, polling: 100 },
			OPEN_COLLECTION_OPTIONS,
		)
		.catch(() => undefined);
	await noOpenDropdown(page);
	return entries;
}

function sameList(what: string, actual: string[] | undefined, expected: string[]): string[] {
	const got = actual ?? [];
	const extra = got.filter((label) => !expected.includes(label));
	const missing = expected.filter((label) => !got.includes(label));
	return [
		...missing.map((label) => `${what} lacks "${label}"`),
		...extra.map((label) => `${what} has "${label}", which does not apply`),
	];
}

async function checkOperation(page: Page, testCase: OperationCase, resourceDropdown: boolean): Promise<string> {
	const expected = EXPECTED[testCase.operation.value];
	if (!expected) throw new Error(`the test's EXPECTED table has no entry for operation "${testCase.operation.value}"`);
	if (resourceDropdown && testCase.resource) await selectParameter(page, 'resource', testCase.resource.name);
	await selectParameter(page, 'operation', testCase.operation.name);
	const misses = await checkLabels(page, expected);
	if (misses.length) throw new Error(misses.join('; '));
	// Exactly these fields: one that does not apply fails too.
	const decidedBySwitch = new Set((expected.switches ?? []).flatMap((change) => [...change.shown, ...(change.hidden ?? [])]));
	const fields = (await shownLabels(page)).filter((label) => !ALWAYS.includes(label) && !decidedBySwitch.has(label));
	const listed = [
		...sameList('the panel', fields, expected.shown),
		...sameList('Options', await collectionEntries(page, 'Add Option'), expected.options),
		...sameList('Waiting Options', await collectionEntries(page, 'Add Waiting Option'), expected.waitingOptions),
	];
	if (listed.length) throw new Error(listed.join('; '));
	const switched: string[] = [];
	for (const change of expected.switches ?? []) {
		await selectParameter(page, change.parameter, change.option);
		const switchMisses = await checkLabels(page, { shown: change.shown, hidden: change.hidden ?? [] });
		if (switchMisses.length) throw new Error(`${change.parameter} = ${change.option}: ${switchMisses.join('; ')}`);
		switched.push(`${change.option} → ${change.shown.join(', ') || 'no extra field'}`);
	}
	const extra: string[] = [];
	if (testCase.operation.value === 'imagine') extra.push(await waitingFollowsTheSwitch(page, WAITING));
	if (testCase.operation.value === 'fetch') extra.push(await waitingFollowsTheSwitch(page, READ_WAITING));
	if (testCase.operation.value === 'action') extra.push(await chainingDefaults(page));
	return [
		`shows ${expected.shown.join(', ')}; Options: ${expected.options.length}; Waiting Options: ${expected.waitingOptions.length}`,
		...switched,
		...extra,
	].join('; ');
}

/**
 * Wait for Completion decides whether the Waiting Options show: switched off they are gone (and
 * none of their entries is in the Options list), switched on they offer exactly `labels`.
 */
async function waitingFollowsTheSwitch(page: Page, labels: string[]): Promise<string> {
	const toggle = await visible(
		page,
		`${byTestId('ndv')} ${byTestId('parameter-input-waitForCompletion')} .el-switch, ${byTestId('ndv')} ${byTestId('parameter-input-waitForCompletion')} [role="switch"]`,
	);
	const states: Array<{ on: boolean; waiting: string[] | undefined; options: string[] | undefined }> = [];
	for (let flip = 0; flip < 3; flip++) {
		const waiting = await collectionEntries(page, 'Add Waiting Option');
		const options = await collectionEntries(page, 'Add Option');
		const on = (await shownLabels(page)).includes('Waiting Options');
		states.push({ on, waiting, options });
		if (flip < 2) await clickSettled(toggle);
	}
	const misses: string[] = [];
	if (states[0].on === states[1].on) misses.push('switching Wait for Completion did not show or hide the Waiting Options');
	for (const state of states) {
		const leaked = (state.options ?? []).filter((label) => [...WAITING, ...READ_WAITING].includes(label));
		if (leaked.length) misses.push(`Options offers ${leaked.join(', ')}`);
		if (state.on) misses.push(...sameList('Waiting Options (on)', state.waiting, labels));
		else if (state.waiting !== undefined) misses.push(`Waiting Options offer ${state.waiting.join(', ')} with Wait for Completion off`);
	}
	if (misses.length) throw new Error(misses.join('; '));
	return `Wait for Completion on shows Waiting Options (${labels.length}), off hides them`;
}

/** Action: Task ID already holds the previous item's task id; Button offers the common labels. */
async function chainingDefaults(page: Page): Promise<string> {
	const taskId = await page.$eval(`${byTestId('ndv')} ${byTestId('parameter-input-taskId')}`, (el) => (el as HTMLElement).innerText);
	if (!taskId.includes('$json.taskId')) throw new Error(`Task ID shows "${taskId.trim()}", not {{ $json.taskId }}`);
	const button = await visible(page, `${byTestId('ndv')} ${byTestId('parameter-input-button')}`);
	await noOpenDropdown(page);
	await clickSettled(button);
	const labels = await openListEntries(page, OPEN_OPTIONS);
	await page.keyboard.press('Escape');
	await noOpenDropdown(page);
	const wanted = ['U1 (Upscale Picture 1)', 'V4 (Vary Picture 4)', 'Reroll 🔄', 'Upscale (Subtle)', 'Vary (Strong)', 'Zoom Out 2x', 'Pan Left ⬅️', 'Animate (High Motion)'];
	const missing = wanted.filter((label) => !labels.includes(label));
	if (missing.length) throw new Error(`the Button list lacks ${missing.join(', ')} (it lists ${labels.join(', ')})`);
	return `Task ID defaults to {{ $json.taskId }}; Button lists ${labels.length} labels`;
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

// ---- the credential dialog ----------------------------------------------------------------

interface CredentialCase {
	name: string;
	data: Record<string, string>;
	/** The dialog's details ("More details" under "Couldn't connect with these settings"). */
	message: RegExp;
}

function credentialCases(n8n: StartedN8n, notMidjourney: string): CredentialCase[] {
	const emulator = n8n.stage.emulator.url;
	return [
		{
			name: 'wrong key',
			data: { apiKey: 'sk-not-the-right-key', baseUrl: emulator, authStyle: 'bearer' },
			message: /^The API key was rejected by the server at the Base URL \(HTTP 401\): check the API key, and the Authentication/,
		},
		{
			name: 'wrong Authentication',
			data: { apiKey: EMULATOR_KEY, baseUrl: emulator, authStyle: 'mjApiSecret' },
			message: /^The server takes this API key with another Authentication: choose "Bearer Token \(CometAPI\)"/,
		},
		{
			name: 'Base URL ending in /v1',
			data: { apiKey: EMULATOR_KEY, baseUrl: `${emulator}/v1`, authStyle: 'bearer' },
			message: /^No Midjourney task API at this Base URL \(HTTP 404 .*\): remove "\/v1" from the Base URL/,
		},
		{
			name: 'unreachable host',
			data: { apiKey: EMULATOR_KEY, baseUrl: 'http://127.0.0.1:9', authStyle: 'bearer' },
			message: /^Could not reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\): check the Base URL/,
		},
		{
			name: 'not a Midjourney API',
			data: { apiKey: EMULATOR_KEY, baseUrl: notMidjourney, authStyle: 'bearer' },
			message: /^The server at the Base URL answered, but not as a Midjourney task API/,
		},
	];
}

/** A web server that is no Midjourney API (a company website, say): any request gets a page. */
async function startWebsite(): Promise<{ url: string; close: () => void }> {
	const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome</body></html>'));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function createCredential(n8n: StartedN8n, name: string, data: Record<string, string>): Promise<string> {
	const res = await request(`${n8n.base}/rest/credentials`, {
		method: 'POST',
		headers: { cookie: n8n.cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ name, type: CREDENTIAL_TYPE, data }),
	});
	const text = await res.body.text();
	const id = (JSON.parse(text) as { data?: { id?: string } }).data?.id;
	if (res.statusCode !== 200 || !id) throw new Error(`creating credential "${name}": HTTP ${res.statusCode} ${text.slice(0, 200)}`);
	return id;
}

/** Opens a saved credential; n8n tests it on opening. Returns the dialog's details text. */
async function credentialDialogMessage(page: Page, base: string, id: string): Promise<string> {
	await page.goto(`${base}/home/credentials/${id}`, { waitUntil: 'domcontentloaded' });
	const more = await visibleWithText(page, 'a, span, button', 'More details', 45_000);
	await clickSettled(more);
	const details = await page
		.waitForFunction(
			() => {
				const modal = document.querySelector<HTMLElement>('[data-test-id="editCredential-modal"]') ?? document.body;
				const banner = Array.from(modal.querySelectorAll<HTMLElement>('[class*="details"]')).find(
					(el) => el.innerText.trim() !== '' && el.getBoundingClientRect().height > 0,
				);
				return banner ? banner.innerText.replace(/\s+/g, ' ').trim() : null;
			},
			{ timeout: 10_000, polling: 200 },
		)
		.then(async (handle) => (await handle.jsonValue()) as string);
	return details;
}

async function checkCredentialDialog(page: Page, n8n: StartedN8n, testCase: CredentialCase, version: string, shot: boolean): Promise<string> {
	const id = await createCredential(n8n, `UI test: ${testCase.name}`, testCase.data);
	const message = await credentialDialogMessage(page, n8n.base, id);
	if (!testCase.message.test(message)) throw new Error(`the dialog says "${message}", expected ${testCase.message}`);
	if (shot) {
		const notice = await page.evaluate(() => document.querySelector<HTMLElement>('[data-test-id="editCredential-modal"]')?.innerText ?? '');
		if (!/Get an API key in your CometAPI dashboard/.test(notice)) throw new Error('the dialog does not say where to get a key');
		await screenshot(page, version, 'credential-dialog');
	}
	await page.keyboard.press('Escape');
	return `"${message}"`;
}

// ---- the node creator's entries -------------------------------------------------------------

/** The built Trigger's description, as the node creator gets it. */
function builtTriggerDescription(): { displayName: string; description: string } {
	const file = join(process.env.E2E_PACKAGE_DIR ?? ROOT, 'dist', 'nodes', 'Midjourney', 'MidjourneyTaskTrigger.node.js');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, new () => { description: { displayName: string; description: string } }>;
	const TriggerClass = Object.values(exported).find((value) => typeof value === 'function');
	if (!TriggerClass) throw new Error(`${file} exports no node class`);
	return new TriggerClass().description;
}

/** The entries the open node creator lists for a search: name → description. */
async function creatorEntries(page: Page, search: string): Promise<Record<string, string>> {
	const bar = await visible(page, `${byTestId('node-creator')} ${byTestId('node-creator-search-bar')}`);
	await bar.type(search);
	await visible(page, `${byTestId('node-creator')} ${byTestId('node-creator-item-name')}`);
	await new Promise((resolve) => setTimeout(resolve, 500));
	return await page.evaluate(() => {
		const entries: Record<string, string> = {};
		for (const name of Array.from(document.querySelectorAll<HTMLElement>('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]'))) {
			const item = name.closest('[data-test-id="item-iterator-item"]') ?? name.parentElement?.parentElement;
			const description = item?.querySelector<HTMLElement>('[data-test-id="node-creator-item-description"]');
			entries[name.innerText.trim()] = (description?.innerText ?? '').replace(/\s+/g, ' ').trim();
		}
		return entries;
	});
}

/**
 * Each entry reads as itself. The node creator merges a trigger named like an app node plus
 * "Trigger" into that node's entry, with the trigger's description: here the search lists the
 * two entries apart, in the next-step and in the first-step (trigger) list, and the node types
 * the editor loads (what the creator shows when browsing categories) carry each one's own text.
 */
async function checkCreatorEntries(page: Page, base: string, description: NodeDescription): Promise<string> {
	const node = description as NodeDescription & { description: string };
	const trigger = builtTriggerDescription();
	await openWorkflow(page, base, UI_WORKFLOW_ID);
	await openNodeCreator(page, [byTestId('node-creator-plus-button'), byTestId('canvas-add-button')]);
	const next = Object.keys(await creatorEntries(page, 'Midjourney'));
	await page.keyboard.press('Escape');
	await page.goto(`${base}/workflow/new`, { waitUntil: 'domcontentloaded' });
	await openNodeCreator(page, [byTestId('canvas-add-button'), byTestId('canvas-plus-button')], 60_000);
	const first = Object.keys(await creatorEntries(page, 'Midjourney'));
	await page.keyboard.press('Escape');
	const loaded = await page.evaluate(async () => {
		const answer = await fetch('/types/nodes.json', { credentials: 'include' });
		return (await answer.json()) as Array<{ name: string; displayName: string; description: string }>;
	});
	const misses: string[] = [];
	for (const [list, names] of [['next step', next], ['first step', first]] as const) {
		for (const wanted of [node.displayName, trigger.displayName]) {
			if (!names.includes(wanted)) misses.push(`the ${list} search lists ${JSON.stringify(names)}, not "${wanted}" as an entry of its own`);
		}
	}
	for (const own of [node, trigger]) {
		const type = loaded.find((entry) => entry.displayName === own.displayName);
		if (type?.description !== own.description) misses.push(`"${own.displayName}" is loaded with "${type?.description ?? '(missing)'}"`);
	}
	if (misses.length) throw new Error(misses.join('; '));
	return `"${node.displayName}" and "${trigger.displayName}" listed apart in both lists, each with its own description`;
}

// ---- the executed example's output ----------------------------------------------------------

/** The simplified item's columns an image action gives (the split button fields follow). */
const SIMPLIFIED_COLUMNS = ['taskId', 'status', 'action', 'prompt', 'imageUrl', 'buttonLabels'];
const OUTPUT_NODE = 'Upscale (Subtle)';

/** Picks a display mode (Schema / Table / JSON / Binary) of the NDV's output panel. */
async function outputMode(page: Page, mode: string): Promise<void> {
	const clicked = await page.evaluate((wanted: string) => {
		const panels = Array.from(document.querySelectorAll<HTMLElement>('[data-test-id="output-panel"], [data-test-id="ndv-output-panel"]'));
		for (const panel of panels) {
			const option = Array.from(panel.querySelectorAll<HTMLElement>('label, button, [role="radio"]')).find(
				(el) => el.innerText.trim() === wanted && el.getBoundingClientRect().height > 0,
			);
			if (option) {
				option.click();
				return true;
			}
		}
		return false;
	}, mode);
	if (!clicked) throw new Error(`the output panel offers no "${mode}" view`);
}

/** In the executed chain, the Upscale's output: a picture file by default, the simplified columns, Task ID resolved. */
async function checkExecutedOutput(page: Page, version: string): Promise<string> {
	await openNode(page, OUTPUT_NODE);
	// n8n opens the output on its Binary view when the items carry files.
	await outputMode(page, 'Binary');
	const file = await page
		.waitForFunction(
			() => {
				const panel = document.querySelector<HTMLElement>('[data-test-id="output-panel"], [data-test-id="ndv-output-panel"]');
				return panel?.innerText.match(/midjourney-\d+\.png/)?.[0] ?? null;
			},
			{ timeout: 10_000, polling: 250 },
		)
		.then(async (handle) => (await handle.jsonValue()) as string)
		.catch(() => {
			throw new Error(`${OUTPUT_NODE}'s output has no picture file (Download Image is meant to be on by default)`);
		});
	const taskId = await page.evaluate(() => {
		let el: HTMLElement | null = document.querySelector('[data-test-id="ndv"] [data-test-id="parameter-input-taskId"]');
		for (let up = 0; el && up < 4; up++) el = el.parentElement;
		return el?.innerText ?? '';
	});
	const resolved = /\{\{ \$json\.taskId \}\}[\s\S]*?\b(\d{10,})\b/.exec(taskId)?.[1];
	if (!resolved) throw new Error(`Task ID does not show {{ $json.taskId }} resolved to the previous task's id: "${taskId.trim()}"`);
	await screenshot(page, version, 'executed-chain');
	await outputMode(page, 'Table');
	const columns = await page
		.waitForFunction(
			() => {
				const panel = document.querySelector<HTMLElement>('[data-test-id="output-panel"], [data-test-id="ndv-output-panel"]');
				const heads = Array.from(panel?.querySelectorAll<HTMLElement>('table th') ?? []).map((el) => el.innerText.trim()).filter(Boolean);
				return heads.length ? heads : null;
			},
			{ timeout: 10_000, polling: 250 },
		)
		.then(async (handle) => (await handle.jsonValue()) as string[]);
	const missing = SIMPLIFIED_COLUMNS.filter((column) => !columns.includes(column));
	const unsimplified = ['actions', 'buttons', 'progressPercent', 'submitTime'].filter((column) => columns.includes(column));
	if (missing.length || unsimplified.length) {
		throw new Error(`the output columns are ${columns.join(', ')} (missing ${missing.join(', ') || '-'}; not simplified: ${unsimplified.join(', ') || '-'})`);
	}
	await closeNdv(page);
	return `${OUTPUT_NODE} outputs ${file} by default; Task ID {{ $json.taskId }} = ${resolved}; ${columns.length} columns: ${columns.join(', ')}`;
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

/** UI_README_SHOTS=1: the run's three README pictures go to .github/readme/ (not in the npm tarball). */
function copyReadmeShots(version: string): void {
	const dir = join(ROOT, '.github', 'readme');
	mkdirSync(dir, { recursive: true });
	for (const name of ['panel', 'executed-chain', 'credential-dialog']) {
		const shot = join(SHOTS_DIR, `${version}-${name}.png`);
		if (existsSync(shot)) copyFileSync(shot, join(dir, `${name}.png`));
		else console.log(`no ${shot} to copy into the README`);
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
	const pageErrors: string[] = [];
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
		// The editor's own exceptions, shown with a failure (a panel that does not open says why).
		page.on('pageerror', (error) => pageErrors.push(String((error as Error).stack ?? error).slice(0, 1500)));
		const base = n8n.base;

		if (!(await check('sign in with the owner start.ts creates', () => signIn(page!, base)))) throw new Error('could not sign in');
		const website = await startWebsite();
		try {
			for (const [index, testCase] of credentialCases(n8n, website.url).entries()) {
				await check(`credential dialog: ${testCase.name}`, () =>
					checkCredentialDialog(page!, n8n!, testCase, install.version, index === 0),
				);
			}
		} finally {
			website.close();
		}
		await check('node creator: each entry reads as itself', () => checkCreatorEntries(page!, base, description));
		// The node creator adds the node with its first resource's Imagine (or its first operation).
		const firstCase = cases.find((c) => c.operation.value === 'imagine') ?? cases[0];
		await check(`node creator finds and adds ${description.displayName}`, () =>
			addWithNodeCreator(page!, base, description, firstCase),
		);

		await openWorkflow(page, base, UI_WORKFLOW_ID);
		await openNode(page, MJ_NODE);
		for (const testCase of cases) {
			const ok = await check(`panel: ${caseName(testCase)}`, () => checkOperation(page!, testCase, resourceDropdown));
			if (ok && testCase.operation.value === 'imagine') {
				// The README's picture: no list still fading out over the panel.
				await noOpenDropdown(page);
				await new Promise((resolve) => setTimeout(resolve, 800));
				await screenshot(page, install.version, 'panel');
			}
			if (!ok) {
				// Start the next operation from a freshly opened panel.
				await page.keyboard.press('Escape');
				await openWorkflow(page, base, UI_WORKFLOW_ID);
				await openNode(page, MJ_NODE);
			}
		}
		await closeNdv(page);

		const example = pickExample(n8n);
		const executed = await check(`execute "${example.workflow.name}" from the editor, every node green`, () =>
			executeFromEditor(page!, base, example),
		);
		if (executed && basename(example.file, '.json') === 'cms-publish') {
			await check('the executed chain: a picture file by default, simplified columns, Task ID chained', () =>
				checkExecutedOutput(page!, install.version),
			);
		}
	} catch (error) {
		// A step between the checks (booting, opening the panel again) broke: that fails the run too.
		const shot = await screenshot(page, install.version, 'aborted');
		const errors = pageErrors.length ? `; the editor threw: ${pageErrors.slice(-3).join(' | ')}` : '';
		const detail = `${(error as Error).message ?? error}${shot ? ` [screenshot ${shot}]` : ''}${errors}`;
		results.push({ name: 'the run went on to the end', ok: false, detail });
		console.log(`FAIL the run went on to the end: ${detail}`);
	} finally {
		await browser?.close().catch(() => undefined);
		if (n8n) {
			if (results.some((r) => !r.ok) && n8n.output()) console.log(`n8n's output (last lines):\n${n8n.output()}`);
			await n8n.stop();
		}
	}
	if (process.env.UI_README_SHOTS === '1') copyReadmeShots(install.version);
	const failed = results.filter((r) => !r.ok).length;
	console.log(`editor UI in n8n ${install.version}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
	console.log(`${results.length - failed} passed, ${failed} failed`);
	return failed === 0 && results.length > 0 ? 0 : 1;
}

if (require.main === module) {
	runLayer(main);
}
