/**
 * One call to a node's webhook() as n8n's webhook helpers make it: the
 * request with its parsed JSON body, the raw response, and a WebhookContext
 * over the workflow (with the waiting execution's data, for a resume URL).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { WebhookContext } from 'n8n-core';
import type { IWebhookData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { additionalDataForSetup, nodeTypesFor, workflowFor, type ExecutionSetup } from './index';

export async function callNodeWebhook(
	setup: ExecutionSetup,
	nodeName: string,
	description: IWebhookDescription,
	req: IncomingMessage,
	rawBody: Buffer,
	res: ServerResponse,
	runExecutionData: ConstructorParameters<typeof WebhookContext>[6] = null,
): Promise<IWebhookResponseData> {
	const workflow = workflowFor(setup);
	const node = workflow.getNode(nodeName)!;
	const nodeType = nodeTypesFor(setup.options).getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.webhook) throw new Error(`${node.type} has no webhook`);
	let body: unknown = {};
	try {
		body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : {};
	} catch {
		body = {};
	}
	const additionalData = {
		...additionalDataForSetup(setup),
		// As n8n's body parser leaves it: the parsed body and the raw bytes (rawBody).
		httpRequest: Object.assign(req, { body, rawBody, query: {}, params: {} }),
		httpResponse: res,
	};
	const webhookData = {
		httpMethod: description.httpMethod,
		node: node.name,
		path: String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as unknown as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData as never, 'manual', webhookData, [], runExecutionData);
	return await nodeType.webhook.call(context as unknown as IWebhookFunctions);
}
