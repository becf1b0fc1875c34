/**
 * The "a person chooses" example, as a user imports it. It runs end to end in
 * real n8n 1.x and 2.x, the form answered over HTTP (test/e2e/callback.ts);
 * here: what the import needs and what the run relies on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';

import { checkPrompt } from '../../nodes/Midjourney/prompt/checkPrompt';
import { PACKAGE_NODE_TYPE } from '../harness';

interface WorkflowJson {
	nodes: INode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const workflow = JSON.parse(readFileSync(join(__dirname, 'examples/person-chooses-upscale.json'), 'utf8')) as WorkflowJson;
const byName = new Map(workflow.nodes.map((node) => [node.name, node]));

describe('examples/person-chooses-upscale.json', () => {
	it('is a chain trigger → Imagine → form link → Wait form → Action → delivery, with the credential on the Midjourney nodes', () => {
		const chain = ['When clicking ‘Execute workflow’', 'Imagine four pictures', 'Link for the reviewer', 'Reviewer picks one', 'Upscale the chosen picture', 'Deliver the picture'];
		for (const [index, name] of chain.slice(0, -1).entries()) {
			expect(workflow.connections[name].main[0].map((target) => target.node)).toEqual([chain[index + 1]]);
		}
		for (const node of workflow.nodes) {
			expect(node.id).toMatch(/^[0-9a-f-]{36}$/);
			if (node.type === PACKAGE_NODE_TYPE) expect(node.credentials).toEqual({ cometApi: { id: '1', name: 'CometAPI account' } });
		}
	});

	it("shows the pictures in n8n's Wait form and presses the chosen U", () => {
		const wait = byName.get('Reviewer picks one')!;
		expect([wait.type, wait.typeVersion, wait.parameters.resume]).toEqual(['n8n-nodes-base.wait', 1.1, 'form']);
		expect(String(wait.parameters.formDescription)).toContain('$json.imageUrls');
		const [field] = (wait.parameters.formFields as { values: Array<Record<string, unknown>> }).values;
		expect(field).toMatchObject({ fieldLabel: 'Picture', fieldType: 'dropdown', requiredField: true });
		expect((field.fieldOptions as { values: Array<{ option: string }> }).values.map((entry) => entry.option)).toEqual(['1', '2', '3', '4']);
		const link = byName.get('Link for the reviewer')!;
		expect(JSON.stringify(link.parameters)).toContain('$execution.resumeFormUrl');
		expect(byName.get('Upscale the chosen picture')!.parameters).toMatchObject({
			operation: 'action',
			taskId: "={{ $('Imagine four pictures').item.json.taskId }}",
			button: '=U{{ $json.Picture }}',
			options: { downloadImage: true },
		});
	});

	it('imagines with Prompt Parameters the check takes', () => {
		const imagine = byName.get('Imagine four pictures')!.parameters;
		expect(imagine.promptParameters).toEqual({ aspectRatio: '1:1', version: '7' });
		expect(checkPrompt(`${String(imagine.prompt)} --v 7 --ar 1:1`)).toEqual([]);
	});
});
