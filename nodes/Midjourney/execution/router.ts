import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';
import { findOperation } from '../operations';
import { normaliseBaseUrl } from '../transport/baseUrl';
import { MidjourneyClient } from '../transport/client';
import { CREDENTIAL_TYPE, createN8nSender } from '../transport/n8nHttp';
import { sleepUnlessCancelled } from '../waiting/cancellableSleep';
import { collectOutput } from './collectOutput';
import type { ItemResult } from './itemResult';
import { toNodeError } from './nodeErrors';
import { runReadBatch } from './readBatch';
import { runSubmitBatch } from './submitBatch';
import { compactTask } from './toolAnswer';

/** Dispatch: resource + operation → the registered operation, then items out. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	const secret = String(credentials.apiKey ?? '');
	const signal = this.getExecutionCancelSignal();
	const sleep = async (ms: number) => await sleepUnlessCancelled(ms, signal);
	const client = new MidjourneyClient(createN8nSender(this, baseUrl), { sleep, secret, baseUrl });

	const definition = findOperation(resource, operation);
	if (!definition) {
		const error = new MidjourneyError('input', `Unknown operation "${operation}" of resource "${resource}"`, {
			description: 'Pick the resource and operation again in the node.',
		});
		throw toNodeError(this, error, 0, secret);
	}
	let results: ItemResult[];
	if (definition.kind === 'submit') {
		results = await runSubmitBatch(this, definition, client, baseUrl, sleep);
	} else {
		results = await runReadBatch(this, definition, client, baseUrl);
	}
	const output = collectOutput(this, results, secret);
	// As an AI agent's tool (the generated "midjourneyTool" type), answer compactly.
	if (this.getNode().type.endsWith('Tool')) {
		return [output.map((item) => ({ json: compactTask(item.json), pairedItem: item.pairedItem }))];
	}
	return [output];
}
