import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { MjTask } from '../../../../nodes/Midjourney/model/task';
import type { OperationInput } from '../../../../nodes/Midjourney/operations/types';
import type { SubmitSettings } from '../../../../nodes/Midjourney/parameters/settings';
import type { MidjourneyClient } from '../../../../nodes/Midjourney/transport/client';

/**
 * What an operation's prepare() gets, without n8n or a server: the item's
 * parameters as the expressions would give them, and a client that knows
 * only `tasks` (every read is recorded; no submit exists on it at all).
 */
export function fakeInput(
	parameters: IDataObject,
	{ tasks = {}, settings = { speed: 'default' }, item = { json: {} } }: { tasks?: Record<string, MjTask>; settings?: SubmitSettings; item?: INodeExecutionData } = {},
) {
	const fetched: string[] = [];
	const ctx = {
		getNodeParameter(name: string, _itemIndex: number, fallback?: unknown) {
			return parameters[name] === undefined ? fallback : parameters[name];
		},
		getInputData: () => [item],
	} as unknown as IExecuteFunctions;
	const client = {
		async fetchTask(taskId: string) {
			fetched.push(taskId);
			return tasks[taskId];
		},
	} as unknown as MidjourneyClient;
	const input: OperationInput = { ctx, itemIndex: 0, client, settings, baseUrl: 'https://api.example.com' };
	return { input, fetched };
}
