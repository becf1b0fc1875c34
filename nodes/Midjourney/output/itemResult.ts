import type { INodeExecutionData } from 'n8n-workflow';

/** One input item's outcome: its output items, or the error it ends with. */
export interface ItemResult {
	itemIndex: number;
	items?: INodeExecutionData[];
	error?: unknown;
}
