import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

import {
	NodeHelpers,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Midjourney } from '../../../../nodes/Midjourney/Midjourney.node';
import { RESOURCES, findOperation, registeredOperations } from '../../../../nodes/Midjourney/operations';
import type { OperationDefinition, SubmitOperation } from '../../../../nodes/Midjourney/operations/types';
import { startEmulator, type Emulator } from '../../../emulator';

const OPERATIONS_DIR = join(__dirname, '../../../../nodes/Midjourney/operations');

/** Every nodes/Midjourney/operations/**\/*.operation.ts, relative to OPERATIONS_DIR. */
function operationFiles(dir = OPERATIONS_DIR): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return operationFiles(path);
		return entry.isFile() && entry.name.endsWith('.operation.ts') ? [relative(OPERATIONS_DIR, path)] : [];
	});
}

function isDefinition(value: unknown): value is OperationDefinition {
	const kind = (value as { kind?: unknown } | null)?.kind;
	return typeof value === 'object' && value !== null && (kind === 'submit' || kind === 'read' || kind === 'immediate');
}

/** The operation definitions a file exports. */
function exportedDefinitions(file: string): Array<[string, OperationDefinition]> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exports = require(join(OPERATIONS_DIR, file)) as Record<string, unknown>;
	return Object.entries(exports).filter((entry): entry is [string, OperationDefinition] => isDefinition(entry[1]));
}

const registered = registeredOperations();
const resources = Object.keys(RESOURCES);
const description: INodeTypeDescription = new Midjourney().description;
const properties = description.properties;
const NODE = { typeVersion: 1 };

const SHARED_OPTIONS = ['binaryPropertyName', 'downloadImage', 'downloadVideo', 'output'];
const WAITING_OPTIONS = ['callbackWaitLimit', 'initialDelay', 'onTimeout', 'pollInterval', 'timeout', 'waitMode'];
/** The waiting options a read that waits (Fetch) shows: it polls, so no Initial Delay, Wait Mode or Callback Wait Limit. */
const READ_WAITING_OPTIONS = ['onTimeout', 'pollInterval', 'timeout'];

/** The output options that apply to what an operation's tasks hold (no download where no file comes). */
function outputOptions(results: string[]): string[] {
	if (results.length === 0) return [];
	return [
		'binaryPropertyName',
		'output',
		...(results.includes('images') ? ['downloadImage'] : []),
		...(results.includes('videos') ? ['downloadVideo'] : []),
	];
}
const SUBMIT_OPTIONS = ['maxConcurrency', 'notifyHook', 'speed', 'state'];

describe('(a) every operation file is registered', () => {
	const files = operationFiles();

	it('finds the operation files', () => {
		expect(files.length).toBeGreaterThanOrEqual(6);
		expect(files).toEqual(expect.arrayContaining([join('image', 'imagine.operation.ts'), join('task', 'fetch.operation.ts')]));
	});

	it.each(files)('%s exports a definition that is in RESOURCES', (file) => {
		const definitions = exportedDefinitions(file);
		expect(definitions.length).toBeGreaterThanOrEqual(1);
		for (const [exportName, definition] of definitions) {
			const entry = registered.find((candidate) => candidate.definition === definition);
			expect({ file, exportName, registered: entry !== undefined }).toEqual({ file, exportName, registered: true });
		}
	});

	it.each(files)('%s is registered as <folder>.<file name>', (file) => {
		const resource = dirname(file).split(sep)[0];
		const operation = basename(file, '.operation.ts');
		const [[, definition]] = exportedDefinitions(file);
		expect(findOperation(resource, operation)).toBe(definition);
	});

	it('every registered definition comes from an operation file', () => {
		const fromFiles = new Set(files.flatMap((file) => exportedDefinitions(file).map(([, definition]) => definition)));
		for (const { resource, operation, definition } of registered) {
			expect({ resource, operation, inAFile: fromFiles.has(definition) }).toEqual({ resource, operation, inAFile: true });
		}
		expect(registered).toHaveLength(fromFiles.size);
	});
});

describe('(b) the node description lists the registry', () => {
	it('has a Resource field listing every resource', () => {
		const resourceFields = properties.filter((property) => property.name === 'resource');
		expect(resourceFields).toHaveLength(1);
		const [field] = resourceFields;
		expect(field.type).toBe('options');
		expect((field.options as INodePropertyOptions[]).map((option) => option.value)).toEqual(resources);
		expect((field.options as INodePropertyOptions[]).map((option) => option.name)).toEqual(
			resources.map((resource) => RESOURCES[resource as keyof typeof RESOURCES].displayName),
		);
		expect(resources).toContain(field.default);
	});

	it('has one Operation field per resource, listing exactly its operations', () => {
		const operationFields = properties.filter((property) => property.name === 'operation');
		expect(operationFields).toHaveLength(resources.length);
		for (const resource of resources) {
			const fields = operationFields.filter((field) => {
				const shown = field.displayOptions?.show?.resource;
				return Array.isArray(shown) && shown.length === 1 && shown[0] === resource;
			});
			expect(fields).toHaveLength(1);
			const options = fields[0].options as INodePropertyOptions[];
			const own = registered.filter((entry) => entry.resource === resource);
			expect(options.map((option) => option.value).sort()).toEqual(own.map((entry) => entry.operation).sort());
			for (const option of options) {
				const definition = findOperation(resource, String(option.value))!;
				expect(option).toMatchObject({ name: definition.displayName, action: definition.action });
			}
			expect(options.map((option) => option.value)).toContain(fields[0].default);
		}
	});
});

/** The node's parameters for this operation as the editor would hold them (defaults filled in). */
function valuesFor(resource: string, operation: string, extra: INodeParameters = {}): INodeParameters {
	return NodeHelpers.getNodeParameters(properties, { resource, operation, ...extra }, true, false, NODE, description)!;
}

function isShown(values: INodeParameters, property: INodeProperties): boolean {
	return NodeHelpers.displayParameter(values, property, NODE, description);
}

const optionsField = properties.find((property) => property.name === 'options')!;
const waitFields = properties.filter((property) => property.name === 'waitForCompletion');
const waitField = waitFields[0];
/** Wait for Completion of the reads that wait (Fetch): off by default, so Fetch reads the current state. */
const readWaitField = waitFields[1];

const waitingField = properties.find((property) => property.name === 'waitingOptions')!;

/** Names of a collection's entries shown for these values ([] when the collection itself is hidden). */
function shownEntries(collection: INodeProperties, values: INodeParameters): string[] {
	if (!isShown(values, collection)) return [];
	return (collection.options as INodeProperties[])
		.filter((option) => NodeHelpers.displayParameterPath(values, option, collection.name, NODE, description))
		.map((option) => option.name)
		.sort();
}
const shownOptions = (values: INodeParameters) => shownEntries(optionsField, values);
const shownWaitingOptions = (values: INodeParameters) => shownEntries(waitingField, values);

describe('(c) which fields each operation shows', () => {
	const submits = registered.filter((entry) => entry.definition.kind === 'submit');
	const reads = registered.filter((entry) => entry.definition.kind === 'read');

	it('there are submit and read operations, and Fetch is a read', () => {
		expect(submits.length).toBeGreaterThan(0);
		expect(reads.map((entry) => entry.operation)).toContain('fetch');
	});

	it.each(submits.map((entry) => [entry.resource, entry.operation, entry] as const))(
		'%s / %s (submit) shows Wait for Completion, the Waiting Options and the submit options',
		(resource, operation, entry) => {
			const takesBot = (entry.definition as SubmitOperation).takesBot;
			const values = valuesFor(resource, operation);
			expect(values.waitForCompletion).toBe(true);
			expect(isShown(values, waitField)).toBe(true);
			expect(isShown(values, optionsField)).toBe(true);
			const results = (entry.definition as SubmitOperation).results;
			const expected = [...outputOptions(results), ...SUBMIT_OPTIONS, ...(takesBot ? ['botType'] : [])].sort();
			expect(shownOptions(values)).toEqual(expected);
			expect(shownWaitingOptions(values)).toEqual(WAITING_OPTIONS);
		},
	);

	it.each(submits.map((entry) => [entry.resource, entry.operation, entry] as const))(
		'%s / %s without Wait for Completion hides the Waiting Options',
		(resource, operation, entry) => {
			const values = valuesFor(resource, operation, { waitForCompletion: false });
			expect(isShown(values, waitingField)).toBe(false);
			expect('waitingOptions' in values).toBe(false);
			const shown = shownOptions(values);
			for (const name of WAITING_OPTIONS) expect(shown).not.toContain(name);
			const results = (entry.definition as SubmitOperation).results;
			expect(shown).toEqual(expect.arrayContaining([...outputOptions(results), ...SUBMIT_OPTIONS]));
		},
	);

	it.each(reads.map((entry) => [entry.resource, entry.operation] as const))(
		'%s / %s (read) shows Wait for Completion, off, and only the output options until it is on',
		(resource, operation) => {
			const values = valuesFor(resource, operation);
			expect(isShown(values, waitField)).toBe(false);
			expect(isShown(values, readWaitField)).toBe(true);
			expect(values.waitForCompletion).toBe(false);
			expect(isShown(values, optionsField)).toBe(true);
			expect(shownOptions(values)).toEqual([...SHARED_OPTIONS].sort());
			expect(shownWaitingOptions(values)).toEqual([]);
			const waiting = valuesFor(resource, operation, { waitForCompletion: true });
			expect(shownOptions(waiting)).toEqual([...SHARED_OPTIONS].sort());
			expect(shownWaitingOptions(waiting)).toEqual(READ_WAITING_OPTIONS);
		},
	);

	const immediates = registered.filter((entry) => entry.definition.kind === 'immediate');

	it('Upload Images and Get Seed are immediate operations', () => {
		expect(immediates.map((entry) => entry.operation).sort()).toEqual(['getSeed', 'upload']);
	});

	it.each(immediates.map((entry) => [entry.resource, entry.operation] as const))(
		'%s / %s (immediate: no task) shows neither Wait for Completion nor the Options collection',
		(resource, operation) => {
			const values = valuesFor(resource, operation);
			expect(isShown(values, waitField)).toBe(false);
			expect(isShown(values, optionsField)).toBe(false);
			expect(isShown(values, waitingField)).toBe(false);
			expect('options' in values).toBe(false);
		},
	);

	it('the Bot option is shown exactly for the operations with takesBot', () => {
		const botOption = (optionsField.options as INodeProperties[]).find((option) => option.name === 'botType')!;
		for (const { resource, operation, definition } of registered) {
			const takesBot = definition.kind === 'submit' && definition.takesBot;
			const shown = NodeHelpers.displayParameterPath(valuesFor(resource, operation), botOption, 'options', NODE, description);
			expect({ operation, shown }).toEqual({ operation, shown: takesBot });
		}
		expect(registered.some((entry) => entry.definition.kind === 'submit' && entry.definition.takesBot)).toBe(true);
		expect(registered.some((entry) => entry.definition.kind === 'submit' && !entry.definition.takesBot)).toBe(true);
	});

	it('the Operation dropdown of the current resource alone is shown', () => {
		for (const { resource, operation } of registered) {
			const values = valuesFor(resource, operation);
			const shownOperationFields = properties.filter((property) => property.name === 'operation' && isShown(values, property));
			expect(shownOperationFields).toHaveLength(1);
			expect(shownOperationFields[0].displayOptions?.show?.resource).toEqual([resource]);
		}
	});

	/** The description's copy of an operation's own field: same name, shown for that resource and operation. */
	function describedField(resource: string, operation: string, name: string): INodeProperties {
		const matches = properties.filter((property) => {
			const show = property.displayOptions?.show;
			return (
				property.name === name &&
				JSON.stringify(show?.resource) === JSON.stringify([resource]) &&
				JSON.stringify(show?.operation) === JSON.stringify([operation])
			);
		});
		expect({ resource, operation, name, copies: matches.length }).toEqual({ resource, operation, name, copies: 1 });
		return matches[0];
	}

	/** Values for `target` with the field's own conditions (e.g. imageSource: url) met. */
	function valuesMeeting(field: INodeProperties, resource: string, operation: string): INodeParameters {
		const extra: INodeParameters = {};
		for (const [name, allowed] of Object.entries(field.displayOptions?.show ?? {})) {
			if (name !== 'resource' && name !== 'operation' && Array.isArray(allowed)) {
				extra[name] = allowed[0] as INodeParameters[string];
			}
		}
		return { ...valuesFor(resource, operation), ...extra };
	}

	it.each(registered.map((entry) => [entry.resource, entry.operation, entry] as const))(
		"%s / %s: its own fields are shown for it and for no other operation",
		(resource, operation, entry) => {
			expect(entry.definition.fields.length).toBeGreaterThan(0);
			for (const own of entry.definition.fields) {
				const field = describedField(resource, operation, own.name);
				expect(field.type).toBe(own.type);
				expect(field.displayName).toBe(own.displayName);
				for (const target of registered) {
					const shown = isShown(valuesMeeting(field, target.resource, target.operation), field);
					const expected = target.resource === resource && target.operation === operation;
					expect({ field: own.name, for: `${target.resource}/${target.operation}`, shown }).toEqual({
						field: own.name,
						for: `${target.resource}/${target.operation}`,
						shown: expected,
					});
				}
			}
		},
	);

	it('every property is the resource, an operation dropdown, an own field of one operation, or shared', () => {
		const ownCount = registered.reduce((sum, entry) => sum + entry.definition.fields.length, 0);
		// Shared: Wait for Completion (submits; reads that wait) with its Waiting Options, Simplify and the Options collection.
		expect(properties).toHaveLength(1 + resources.length + ownCount + 5);
		expect(properties.slice(-5).map((property) => property.name)).toEqual([
			'waitForCompletion',
			'waitForCompletion',
			'waitingOptions',
			'simplify',
			'options',
		]);
	});
});

describe('(d) operation names', () => {
	it('are unique across resources', () => {
		const names = registered.map((entry) => entry.operation);
		expect(new Set(names).size).toBe(names.length);
	});

	it('a name registered under two resources is refused when building the description', () => {
		jest.isolateModules(() => {
			const fetchDefinition = findOperation('task', 'fetch')!;
			const fakeResources = {
				image: { displayName: 'Image', description: '', operations: { fetch: fetchDefinition } },
				task: { displayName: 'Task', description: '', operations: { fetch: fetchDefinition } },
			};
			jest.doMock('../../../../nodes/Midjourney/operations/index', () => ({
				RESOURCES: fakeResources,
				registeredOperations: () =>
					Object.entries(fakeResources).flatMap(([resource, { operations }]) =>
						Object.entries(operations).map(([operation, definition]) => ({ resource, operation, definition })),
					),
			}));
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { nodeProperties } = require('../../../../nodes/Midjourney/operations/description') as {
				nodeProperties: () => INodeProperties[];
			};
			expect(() => nodeProperties()).toThrow('Operation "fetch" is registered under two resources');
		});
		jest.dontMock('../../../../nodes/Midjourney/operations/index');
	});
});

describe('(e) every submit endpoint exists on the emulator', () => {
	const KEY = 'sk-registry-test-key';
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startEmulator({ auth: { key: KEY }, taskDurationMs: 300 });
	});
	afterAll(async () => {
		await emulator.close();
	});

	async function postEmpty(path: string): Promise<number> {
		const response = await fetch(`${emulator.url}${path}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
			body: '{}',
		});
		await response.arrayBuffer();
		return response.status;
	}

	it('answers 404 for an endpoint that does not exist (the check below can fail)', async () => {
		expect(await postEmpty('/mj/submit/no-such-endpoint')).toBe(404);
	});

	const submitOperations = registered.filter(
		(entry): entry is typeof entry & { definition: SubmitOperation } => entry.definition.kind === 'submit',
	);

	it.each(submitOperations.map((entry) => [entry.operation, entry.definition.endpoint] as const))(
		'%s: POST /mj/submit/%s is answered (not 404), also with a speed prefix',
		async (_operation, endpoint) => {
			expect(endpoint).toMatch(/^[a-z-]+$/);
			const status = await postEmpty(`/mj/submit/${endpoint}`);
			expect(status).not.toBe(404);
			expect(status).toBeLessThan(500);
			expect(await postEmpty(`/mj-fast/mj/submit/${endpoint}`)).not.toBe(404);
		},
	);
});
