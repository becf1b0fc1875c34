import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { errorItemJson, toNodeError } from '../../../../nodes/Midjourney/execution/nodeErrors';
import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { createRedactor } from '../../../../nodes/Midjourney/model/redaction';

const KEY = 'sk-node-errors-test-4d1c';
const node = { name: 'Midjourney', type: 'n8n-nodes-cometapi-midjourney.midjourney', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
const ctx = { getNode: () => node };
const redactor = createRedactor(KEY);

describe('execution/nodeErrors', () => {
	it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND'])(
		'keeps the node\'s message when it names the network code %s (NodeApiError would swap in its generic sentence)',
		(code) => {
			const message = `Downloading video 1 of task 1700000000000001 failed (${code})`;
			const error = toNodeError(ctx, new MidjourneyError('unavailable', message, { description: 'Could not download https://cdn.example.net/v.mp4.' }), 0, redactor);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(message);
			expect(error.description).toBe('Could not download https://cdn.example.net/v.mp4.');
		},
	);

	it('input mistakes become NodeOperationError; every text is redacted', () => {
		const error = toNodeError(ctx, new MidjourneyError('input', `Prompt of item 0 holds ${KEY}`, { description: `Bearer ${KEY}` }), 0, redactor);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(`${error.message} ${error.description}`).not.toContain(KEY);
		const item = errorItemJson(new MidjourneyError('unavailable', `failed for ${KEY}`, { taskId: '1700000000000002' }), redactor);
		expect(item).toMatchObject({ taskId: '1700000000000002', errorKind: 'unavailable' });
		expect(JSON.stringify(item)).not.toContain(KEY);
	});
});
