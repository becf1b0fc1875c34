/*
 * The workflow the queue-mode scenarios run: a manual trigger, a Code node emitting N prompts
 * that name their execution (so the emulator's log tells which execution submitted what, and a
 * re-run of the same execution shows up as a second submit of the same prompt), and one
 * Midjourney Imagine node for all of them.
 */
import { NODE_TYPE, type WorkflowJson } from '../e2e/n8n';
import { optionParameters } from '../harness/nodeParameters';
import { CREDENTIAL } from '../e2e/stage';

export const IMAGINE_NODE = 'Imagine batch';

/** `prompt <i> of execution <id> of batch <tag>`; parsed back by promptOwner(). */
export function batchWorkflow(
	id: string,
	prompts: number,
	midjourneyOptions: Record<string, unknown>,
	nodeSettings: Record<string, unknown> = {},
): WorkflowJson & { id: string } {
	return {
		id,
		name: `queue: ${prompts} prompts`,
		nodes: [
			{ parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: {
					jsCode: `const execution = $execution.id;\nreturn Array.from({ length: ${prompts} }, (_, i) => ({ json: { prompt: \`prompt \${i + 1} of execution \${execution}\` } }));`,
				},
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
			},
			{
				parameters: {
					resource: 'image',
					operation: 'imagine',
					prompt: '={{ $json.prompt }}',
					...optionParameters({ maxConcurrency: prompts, ...midjourneyOptions }),
				},
				name: IMAGINE_NODE,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				credentials: { cometApi: { ...CREDENTIAL } },
				...nodeSettings,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: IMAGINE_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The execution id a prompt of batchWorkflow() names. */
export function promptOwner(prompt: unknown): string | undefined {
	return /of execution (\d+)/.exec(String(prompt))?.[1];
}
