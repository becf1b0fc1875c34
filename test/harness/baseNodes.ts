import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

/**
 * Stand-ins for the few n8n-nodes-base nodes the test workflows use, with the
 * parameter names of the real nodes (so the fixtures import into n8n as they
 * are) and the same evaluation path: If and Switch conditions are n8n's
 * `filter` parameters, evaluated by n8n-core's getNodeParameter exactly as the
 * real nodes do. The real nodes themselves run in the end-to-end suite.
 */

function describe(
	name: string,
	version: number | number[],
	extra: Partial<INodeTypeDescription> = {},
): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version,
		description: `Test stand-in for n8n-nodes-base.${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

class PassThrough implements INodeType {
	constructor(public description: INodeTypeDescription) {}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [items.length ? items : [{ json: {} }]];
	}
}

/** The manual trigger hands the execution's start items on (one empty item by default). */
const manualTrigger = new PassThrough(describe('manualTrigger', 1, { group: ['trigger'], inputs: [] }));
const noOp = new PassThrough(describe('noOp', 1));
const stickyNote: INodeType = { description: describe('stickyNote', 1, { inputs: [], outputs: [] }) };

class If implements INodeType {
	description = describe('if', [2, 2.1, 2.2], {
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {}, typeOptions: { filter: { version: 2 } } },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const kept: INodeExecutionData[] = [];
		const discarded: INodeExecutionData[] = [];
		this.getInputData().forEach((item, index) => {
			const pass = this.getNodeParameter('conditions', index, false, { extractValue: true }) as boolean;
			(pass ? kept : discarded).push({ ...item, pairedItem: { item: index } });
		});
		return [kept, discarded];
	}
}

class Switch implements INodeType {
	description = describe('switch', [3, 3.1, 3.2], {
		outputs: `={{ Array(($parameter.rules?.values?.length ?? 0) + ($parameter.options?.fallbackOutput === "extra" ? 1 : 0)).fill("main") }}`,
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'hidden', default: 'rules' },
			{
				displayName: 'Rules',
				name: 'rules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						name: 'values',
						displayName: 'Values',
						values: [
							{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {}, typeOptions: { filter: { version: 2 } } },
							{ displayName: 'Rename Output', name: 'renameOutput', type: 'boolean', default: false },
							{ displayName: 'Output Key', name: 'outputKey', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [{ displayName: 'Fallback Output', name: 'fallbackOutput', type: 'string', default: 'none' }],
			},
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const rules = (this.getNodeParameter('rules.values', 0, []) as IDataObject[]).length;
		const fallback = (this.getNodeParameter('options.fallbackOutput', 0, 'none') as string) === 'extra';
		const outputs: INodeExecutionData[][] = Array.from({ length: rules + (fallback ? 1 : 0) }, () => []);
		this.getInputData().forEach((item, index) => {
			for (let rule = 0; rule < rules; rule++) {
				const match = this.getNodeParameter(`rules.values[${rule}].conditions`, index, false, {
					extractValue: true,
				}) as boolean;
				if (match) {
					outputs[rule].push({ ...item, pairedItem: { item: index } });
					return;
				}
			}
			if (fallback) outputs[rules].push({ ...item, pairedItem: { item: index } });
		});
		return outputs;
	}
}

class SplitOut implements INodeType {
	description = describe('splitOut', 1, {
		properties: [
			{ displayName: 'Field', name: 'fieldToSplitOut', type: 'string', default: '' },
			{ displayName: 'Include', name: 'include', type: 'string', default: 'noOtherFields' },
			{ displayName: 'Fields To Include', name: 'fieldsToInclude', type: 'string', default: '' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		this.getInputData().forEach((item, index) => {
			const field = this.getNodeParameter('fieldToSplitOut', index) as string;
			const include = this.getNodeParameter('include', index) as string;
			const values = item.json[field];
			if (!Array.isArray(values)) {
				throw new NodeOperationError(this.getNode(), `The field '${field}' is not an array`, { itemIndex: index });
			}
			let others: IDataObject = {};
			if (include === 'allOtherFields') others = { ...item.json };
			if (include === 'selectedOtherFields') {
				const names = (this.getNodeParameter('fieldsToInclude', index) as string).split(',').map((name) => name.trim());
				for (const name of names) if (name in item.json) others[name] = item.json[name];
			}
			delete others[field];
			for (const value of values) {
				// As the real node: an object's fields become the item only with "No Other Fields";
				// otherwise the element goes under the split field's name.
				const merge = include === 'noOtherFields' && value !== null && typeof value === 'object' && !Array.isArray(value);
				const json = merge ? (value as IDataObject) : { [field]: value };
				output.push({ json: { ...json, ...others }, pairedItem: { item: index } });
			}
		});
		return [output];
	}
}

/** Code node: JavaScript over all items, without n8n's sandbox (tests only run their own code). */
class Code implements INodeType {
	description = describe('code', [2], {
		properties: [{ displayName: 'JavaScript', name: 'jsCode', type: 'string', default: '' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const code = this.getNodeParameter('jsCode', 0) as string;
		const $input = { all: () => items, first: () => items[0] };
		// eslint-disable-next-line @typescript-eslint/no-implied-eval -- test stand-in for the Code node
		const run = new Function('$input', 'items', `return (async () => {\n${code}\n})();`);
		const result = (await run($input, items)) as Array<INodeExecutionData | IDataObject>;
		return [result.map((entry) => ('json' in entry ? (entry as INodeExecutionData) : { json: entry as IDataObject }))];
	}
}

export const BASE_NODE_STAND_INS: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': manualTrigger,
	'n8n-nodes-base.noOp': noOp,
	'n8n-nodes-base.stickyNote': stickyNote,
	'n8n-nodes-base.if': new If(),
	'n8n-nodes-base.switch': new Switch(),
	'n8n-nodes-base.splitOut': new SplitOut(),
	'n8n-nodes-base.code': new Code(),
};
