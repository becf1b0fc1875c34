import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { MjTask, SubmittedTask } from '../model/task';
import type { MidjourneyClient } from '../transport/client';
import type { ItemSettings } from '../parameters/settings';

/**
 * The contract every operation file fulfils. The registry (index.ts) lists
 * them; the node's fields, the shared options' display rules and the
 * dispatch are all derived from that list.
 */

/** What an operation needs to read one item. */
export interface OperationInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	/** for reads (a parent task's buttons); submits go through `submit` */
	client: MidjourneyClient;
	/**
	 * Submits for this item, at its speed: through the batch's ledger, so a
	 * retry of the node reuses what an earlier try created instead of resending.
	 */
	submit: (endpoint: string, body: IDataObject, deadline: number) => Promise<SubmittedTask>;
	settings: ItemSettings;
	baseUrl: string;
}

/** Sends the item's submit request(s); `deadline` bounds queue-full retries. */
export type SubmitTask = (deadline: number) => Promise<SubmittedTask>;

/** What finished tasks of an operation can hold, so the download options that apply show and default on. */
export type TaskResult = 'images' | 'videos';

interface OperationEntry {
	/** the dropdown entry */
	displayName: string;
	action: string;
	description: string;
	/** the operation's own fields; the registry adds the resource/operation display rules */
	fields: INodeProperties[];
}

/**
 * Creates one task per item: `prepare` reads and checks the item (nothing is
 * sent) and returns the function that submits it. Checking every item before
 * submitting any keeps a bad item from leaving half a batch of created tasks.
 */
export interface SubmitOperation extends OperationEntry {
	kind: 'submit';
	/** the path segment after /mj/submit/ */
	endpoint: string;
	/** whether the Bot option (Midjourney / Niji) applies */
	takesBot: boolean;
	/** what its finished tasks hold (none: Describe's and Shorten's prompts) */
	results: TaskResult[];
	prepare: (input: OperationInput) => Promise<SubmitTask>;
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
	read: (ctx: IExecuteFunctions, client: MidjourneyClient, deadline?: number) => Promise<TaskReadResult[]>;
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
