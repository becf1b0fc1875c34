import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * The JSON answer to a server's callback (the Trigger's, Callback mode's
 * resume URL), written by the node itself: n8n then sends nothing more.
 * 503 invites a retry: the proxies do not retry, some gateways do.
 */
export function answerCallback(
	ctx: IWebhookFunctions,
	statusCode: number,
	body: IDataObject,
): IWebhookResponseData {
	const response = ctx.getResponseObject();
	response.writeHead(statusCode, {
		'content-type': 'application/json',
		...(statusCode === 503 ? { 'retry-after': '5' } : {}),
	});
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}
