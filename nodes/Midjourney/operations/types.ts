import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MjTask, TaskResult } from '../model/task';
import type { SubmitSettings } from '../parameters/settings';
import type { MidjourneyClient } from '../transport/client';

/**
 * The contract every operation file fulfils. The registry (index.ts) lists
 * them; the node's fields, the shared options' display rules and the
 * dispatch are all derived from that list.
 */

/** What an operation needs to read one item. */
export interface OperationInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	/** for reads only (a parent task's buttons): the batch sends the submit */
	client: MidjourneyClient;
	/** Bot, State and Notify Hook, which every submit body may carry */
	settings: SubmitSettings;
	baseUrl: string;
}

/**
 * One item's submit as data: `prepare` builds it and submits nothing; the batch
 * sends it through its ledger, so a retry of the node never creates it twice.
 */
export interface SubmitRequest {
	/** the path segment after /mj/submit/ */
	endpoint: string;
	body: IDataObject;
	/**
	 * A button press whose dialog (submit code 21: Vary (Region), Custom Zoom,
	 * remix) is answered at once: sent next, with the dialog task's id added.
	 */
	answerDialog?: { endpoint: string; body: IDataObject };
	/** problems the prompt check found and sent anyway (Prompt Check: Warn), for the item's output */
	promptWarnings?: string[];
}

interface OperationEntry {
	/** the dropdown entry */
	displayName: string;
	action: string;
	description: string;
	/** the operation's own fields; the registry adds the resource/operation display rules */
	fields: INodeProperties[];
}

/**
 * Creates one task per item: `prepare` reads and checks the item and returns
 * its request (it may read a parent task or download an input image, but
 * submits nothing). Checking every item before submitting any
 * keeps a bad item from leaving half a batch of created tasks.
 */
export interface SubmitOperation extends OperationEntry {
	kind: 'submit';
	/** the path segment after /mj/submit/ of its usual request (checked against the emulator) */
	endpoint: string;
	/** whether the Bot option (Midjourney / Niji) applies */
	takesBot: boolean;
	/** what its finished tasks hold (none: Describe's and Shorten's prompts) */
	results: TaskResult[];
	prepare: (input: OperationInput) => Promise<SubmitRequest>;
}

/** One item's tasks as read, or why they could not be. */
export interface TaskReadResult {
	itemIndex: number;
	tasks?: MjTask[];
	error?: unknown;
}

/**
 * Reads existing tasks for every item (in as few requests as it can);
 * `deadline` (epoch ms) bounds the read, retries included.
 */
export interface ReadOperation extends OperationEntry {
	kind: 'read';
	/** whether Wait for Completion applies: the node then polls the tasks it read until they end */
	waits: boolean;
	results: TaskResult[];
	read: (
		ctx: IExecuteFunctions,
		client: MidjourneyClient,
		deadline?: number,
	) => Promise<TaskReadResult[]>;
}

/** What an immediate operation needs to answer one item. */
export interface ImmediateInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	client: MidjourneyClient;
	baseUrl: string;
}

/**
 * Answers each item with one request and returns the answer at once: no task
 * is created or waited for (Upload Images, Get Seed), so the task options
 * (waiting, downloads, output modes) do not apply.
 */
export interface ImmediateOperation extends OperationEntry {
	kind: 'immediate';
	run: (input: ImmediateInput) => Promise<IDataObject>;
}

export type OperationDefinition = SubmitOperation | ReadOperation | ImmediateOperation;

export interface ResourceDefinition {
	displayName: string;
	description: string;
	operations: Record<string, OperationDefinition>;
}
