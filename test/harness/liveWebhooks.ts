/**
 * An active workflow's trigger webhook, as n8n's live webhooks serve it:
 * POST /webhook/<path> runs the trigger node's webhook(); when it gives
 * items, a new execution starts with them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, workflowFor, type RunOptions, type WorkflowResult } from './index';
import { callNodeWebhook } from './webhookCall';

export class LiveWebhook {
	private server?: Server;
	/** executions the calls started, in order */
	readonly executions: Array<Promise<WorkflowResult>> = [];
	/** every call's answer */
	readonly answers: number[] = [];
	url = '';
	/** calls received and not yet answered */
	private inFlight = 0;

	constructor(
		private readonly workflowJson: IDataObject,
		private readonly triggerName: string,
		private readonly options: RunOptions,
	) {}

	async start(): Promise<void> {
		const setup = { workflowJson: this.workflowJson, options: this.options, executionId: 'webhook' };
		const trigger = workflowFor(setup).getNode(this.triggerName)!;
		this.server = createServer(async (req, res) => {
			this.inFlight++;
			res.on('close', () => this.inFlight--);
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			res.on('finish', () => this.answers.push(res.statusCode));
			const nodeType = workflowFor(setup).nodeTypes.getByNameAndVersion(trigger.type, trigger.typeVersion);
			const description = nodeType.description.webhooks![0];
			const answer = await callNodeWebhook(setup, trigger.name, description, req, Buffer.concat(chunks), res).catch(
				(error: Error) => ({ noWebhookResponse: true, failed: error }),
			);
			if ('failed' in answer) {
				res.writeHead(500).end(answer.failed.message);
				return;
			}
			if (answer.workflowData) {
				this.executions.push(runWorkflow(this.workflowJson, { ...this.options, startNodeName: trigger.name, triggerItems: answer.workflowData[0] }));
			}
			if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Workflow was started"}');
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook/${String(trigger.webhookId ?? 'id')}/midjourney`;
	}

	/**
	 * The executions, once every call received so far is answered. A caller that stopped
	 * waiting for an answer (the emulator's 10 s headers timeout under load) still gets its
	 * execution counted: the webhook handler runs on without it.
	 */
	async settledExecutions(timeoutMs = 30_000): Promise<WorkflowResult[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
		return await Promise.all(this.executions);
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise((resolve) => this.server?.close(resolve));
	}
}
