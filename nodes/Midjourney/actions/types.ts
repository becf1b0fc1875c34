import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SubmittedTask } from '../engine/runner';
import type { MidjourneyClient } from '../transport/api';
import type { ItemSettings } from './settings';

/** What an operation needs to prepare one item's task. */
export interface OperationInput {
	ctx: IExecuteFunctions;
	itemIndex: number;
	client: MidjourneyClient;
	settings: ItemSettings;
	baseUrl: string;
}

/** Sends the item's submit request(s); `deadline` bounds queue-full retries. */
export type SubmitTask = (deadline: number) => Promise<SubmittedTask>;

/**
 * A submit operation: its fields, and `prepare`, which reads and checks one
 * item's input (no task is created) and returns the function that submits it.
 * Checking every item before submitting any keeps a bad item from leaving
 * half a batch of created tasks behind.
 */
export interface SubmitOperation {
	description: INodeProperties[];
	prepare: (input: OperationInput) => Promise<SubmitTask>;
}
