import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import { findOperation } from '../operations';
import { passOnAtWaitLimit } from './callback/park';
import { openApiSession } from './apiSession';
import { collectOutput } from './collectOutput';
import { runImmediateBatch } from './immediateBatch';
import type { ItemResult } from '../output/itemResult';
import { toNodeError } from './nodeErrors';
import { runReadBatch } from './readBatch';
import { runSubmitBatch } from './submitBatch';
import { compactTask } from '../output/toolAnswer';

/** Dispatch: resource + operation → the registered operation, then items out. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const { baseUrl, redactor, client, sleep } = await openApiSession(this);

	const definition = findOperation(resource, operation);
	if (!definition) {
		const error = new MidjourneyError(
			'input',
			`Unknown operation "${operation}" of resource "${resource}"`,
			{
				description: 'Pick the resource and operation again in the node.',
			},
		);
		throw toNodeError(this, error, 0, redactor);
	}
	let results: ItemResult[];
	if (definition.kind === 'submit') {
		results = await runSubmitBatch(this, definition, client, baseUrl, sleep);
	} else if (definition.kind === 'read') {
		results = await runReadBatch(this, definition, client, baseUrl, sleep);
	} else {
		results = await runImmediateBatch(this, definition, client, baseUrl);
	}
	const output = collectOutput(this, results, redactor);
	passOnAtWaitLimit(this, output);
	// As an AI agent's tool (the generated "midjourneyTool" type), answer compactly.
	if (this.getNode().type.endsWith('Tool')) {
		return [output.map((item) => ({ json: compactTask(item.json), pairedItem: item.pairedItem }))];
	}
	return [output];
}
