/**
 * Waiting executions, as the n8n server keeps them: a run that a node put to
 * wait (putExecutionToWait) is stored as JSON, as in n8n's database, and
 * nothing of it stays in memory; a POST to its resume URL runs the waiting
 * node's webhook() as n8n's WaitingWebhooks does (409 while the execution
 * runs or after it ended, 404 for an unknown one), and resumes it with the
 * webhook's items; the wait limit resumes it without them. Each resume parses
 * the stored JSON again, so every resume is a "restarted n8n".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	createRunExecutionData,
	type IDataObject,
	type IWebhookDescription,
} from 'n8n-workflow';

import {
	additionalDataForSetup,
	executeRun,
	nodeTypesFor,
	setWebhookWaitingBaseUrl,
	startWorkflow,
	workflowFor,
	type ExecutionSetup,
	type RunOptions,
	type WorkflowResult,
} from './index';
import { callNodeWebhook } from './webhookCall';

type RunData = ReturnType<typeof createRunExecutionData>;

interface StoredExecution {
	setup: ExecutionSetup;
	status: 'running' | 'waiting' | 'finished';
	/** the execution data as n8n's database holds it */
	json?: string;
	resumes?: number;
	/** the latest run of the execution (the first, then each resume) */
	latest: Promise<WorkflowResult>;
}

export interface WebhookCall {
	at: number;
	executionId: string;
	statusCode: number;
}

export class WaitingExecutions {
	private readonly executions = new Map<string, StoredExecution>();
	private server?: Server;
	/** every call to a resume URL, with n8n's answer */
	readonly calls: WebhookCall[] = [];

	/** Starts the waiting webhook server and points every run's resume URL at it. */
	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		setWebhookWaitingBaseUrl(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook-waiting`);
	}

	async close(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise((resolve) => this.server?.close(resolve));
	}

	/** Starts a workflow; a run that parks is kept here, as n8n's database would. */
	async run(workflowJson: IDataObject, options: RunOptions = {}): Promise<WorkflowResult> {
		const running = startWorkflow(workflowJson, options);
		const entry: StoredExecution = { setup: running.setup, status: 'running', latest: running.result };
		this.executions.set(running.setup.executionId, entry);
		return await this.settle(entry, running.result);
	}

	/** Stores the run's end: parked (as JSON only) or finished. */
	private async settle(entry: StoredExecution, result: Promise<WorkflowResult>): Promise<WorkflowResult> {
		entry.latest = result;
		const run = await result;
		const waiting = run.run.status === 'waiting';
		entry.status = waiting ? 'waiting' : 'finished';
		entry.json = waiting ? JSON.stringify(run.run.data) : undefined;
		return run;
	}

	/** The latest run of an execution: the parked first run, or the run a resume started. */
	async latest(executionId: string): Promise<WorkflowResult> {
		const entry = this.executions.get(executionId);
		if (!entry) throw new Error(`Unknown execution ${executionId}`);
		return await entry.latest;
	}

	status(executionId: string): StoredExecution['status'] | undefined {
		return this.executions.get(executionId)?.status;
	}

	/** Waits until the execution is no longer waiting nor running (it ended), then gives its last run. */
	async ended(executionId: string, timeoutMs = 30_000): Promise<WorkflowResult> {
		const deadline = Date.now() + timeoutMs;
		while (this.status(executionId) !== 'finished') {
			if (Date.now() > deadline) throw new Error(`Execution ${executionId} still ${this.status(executionId)}`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		return await this.latest(executionId);
	}

	/** The wait limit ran out: n8n-core resumes the stored execution itself (the node is not run again). */
	async resumeAtWaitLimit(executionId: string): Promise<WorkflowResult> {
		const entry = this.executions.get(executionId);
		if (entry?.status !== 'waiting' || !entry.json) throw new Error(`Execution ${executionId} is not waiting`);
		return await this.resume(entry, JSON.parse(entry.json) as RunData);
	}

	/** How many times an execution was resumed by a webhook call or its wait limit. */
	resumes(executionId: string): number {
		return this.executions.get(executionId)?.resumes ?? 0;
	}

	private async resume(entry: StoredExecution, data: RunData): Promise<WorkflowResult> {
		entry.resumes = (entry.resumes ?? 0) + 1;
		entry.status = 'running';
		entry.json = undefined;
		return await this.settle(entry, executeRun(entry.setup, data).result);
	}

	/** POST /webhook-waiting/:executionId, as n8n's WaitingWebhooks and webhook-helpers answer it. */
	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const executionId = new URL(req.url ?? '/', 'http://localhost').pathname.split('/')[2] ?? '';
		const reply = (statusCode: number, body: IDataObject) => {
			if (!res.headersSent) {
				res.writeHead(statusCode, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			}
		};
		res.on('finish', () => this.calls.push({ at: Date.now(), executionId, statusCode: res.statusCode }));
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const entry = this.executions.get(executionId);
		if (!entry) return reply(404, { message: `The execution "${executionId}" does not exist.` });
		if (entry.status === 'running') return reply(409, { message: `The execution "${executionId}" is running already.` });
		if (entry.status === 'finished' || !entry.json) {
			return reply(409, { message: `The execution "${executionId}" has finished already.` });
		}
		// WaitingWebhooks: the waiting node is disabled (it passes the webhook's items on), its parked run dropped.
		const data = JSON.parse(entry.json) as RunData;
		const lastNodeExecuted = data.resultData.lastNodeExecuted!;
		data.executionData!.nodeExecutionStack[0].node.disabled = true;
		data.waitTill = undefined;
		data.resultData.runData[lastNodeExecuted].pop();

		const workflow = workflowFor(entry.setup);
		const node = workflow.getNode(lastNodeExecuted)!;
		const nodeType = nodeTypesFor(entry.setup.options).getByNameAndVersion(node.type, node.typeVersion);
		const description = (nodeType.description.webhooks ?? []).find(
			(webhook: IWebhookDescription) => webhook.restartWebhook === true && webhook.httpMethod === req.method,
		);
		if (!description || !nodeType.webhook) {
			return reply(404, { message: `The workflow for execution "${executionId}" does not contain a waiting webhook.` });
		}
		let answer;
		try {
			answer = await callNodeWebhook(entry.setup, node.name, description, req, Buffer.concat(chunks), res, data);
		} catch (error) {
			return reply(500, { message: (error as Error).message });
		}
		if (answer.workflowData === undefined) {
			if (!answer.noWebhookResponse) reply(200, (answer.webhookResponse as IDataObject) ?? { message: 'Webhook call received' });
			return;
		}
		reply(200, { message: 'Workflow was started' });
		data.executionData!.nodeExecutionStack[0].data.main = answer.workflowData;
		void this.resume(entry, data);
	}
}
