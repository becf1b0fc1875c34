import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { RESOURCES, registeredOperations, type ResourceName } from './index';
import type { TaskResult } from '../model/task';
import {
	optionsCollection,
	simplifyField,
	waitForCompletionFields,
	waitingOptionsCollection,
} from '../parameters/options.description';

/**
 * The node's fields, derived from the registry: the Resource dropdown, one
 * Operation dropdown per resource, each operation's fields shown for it
 * alone, and the shared fields shown for the operations they apply to.
 */
export function nodeProperties(): INodeProperties[] {
	const operations = registeredOperations();
	const names = operations.map((entry) => entry.operation);
	const repeated = names.find((name, index) => names.indexOf(name) !== index);
	// The shared options select operations by name alone ('/operation'), so names must be unique.
	if (repeated) throw new Error(`Operation "${repeated}" is registered under two resources`);
	const resources = Object.keys(RESOURCES) as ResourceName[];
	const firstResource = resources[0];

	const resourceField: INodeProperties = {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: firstResource,
		options: resources.map((resource) => ({
			name: RESOURCES[resource].displayName,
			value: resource,
			description: RESOURCES[resource].description,
		})),
	};
	const operationFields = resources.map((resource): INodeProperties => {
		const own = operations.filter((entry) => entry.resource === resource);
		const firstOperation = own[0].operation;
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: firstOperation,
			displayOptions: { show: { resource: [resource] } },
			options: own
				.map(({ operation, definition }) => ({
					name: definition.displayName,
					value: operation,
					action: definition.action,
					description: definition.description,
				}))
				.sort((a, b) => a.name.localeCompare(b.name)),
		};
	});
	const ownFields = operations.flatMap(({ resource, operation, definition }) =>
		updateDisplayOptions(
			{ show: { resource: [resource], operation: [operation] } },
			definition.fields,
		),
	);
	const withResult = (result: TaskResult) =>
		operations
			.filter(
				(entry) =>
					entry.definition.kind !== 'immediate' && entry.definition.results.includes(result),
			)
			.map((entry) => entry.operation);
	const targets = {
		tasks: operations
			.filter((entry) => entry.definition.kind !== 'immediate')
			.map((entry) => entry.operation),
		submit: operations
			.filter((entry) => entry.definition.kind === 'submit')
			.map((entry) => entry.operation),
		waitingReads: operations
			.filter((entry) => entry.definition.kind === 'read' && entry.definition.waits)
			.map((entry) => entry.operation),
		bot: operations
			.filter((entry) => entry.definition.kind === 'submit' && entry.definition.takesBot)
			.map((entry) => entry.operation),
		images: withResult('images'),
		videos: withResult('videos'),
	};
	return [
		resourceField,
		...operationFields,
		...ownFields,
		...waitForCompletionFields(targets),
		waitingOptionsCollection(targets),
		simplifyField(targets),
		optionsCollection(targets),
	];
}
