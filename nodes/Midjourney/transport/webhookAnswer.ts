import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * The JSON answer to a server's callback (the Trigger's, Callback mode's
 * resume URL), written by the node itself: n8n then sends nothing more.
 */
export function answerCallback(ctx: IWebhookFunctions, statusCode: number, body: IDataObject): IWebhookResponseData {
	const response = ctx.getResponseObject();
	response.writeHead(statusCode, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true };
}
