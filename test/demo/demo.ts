/**
 * `npm run demo`: the main job, end to end. Starts the embedded emulator (no
 * key needed), runs the imagine → U2 → Upscale (Subtle) workflow
 * (test/workflows/imagine-u2-upscale.json, its prompt pinned to --v 7: V8.1 has no
 * Upscale (Subtle)) through n8n-core's WorkflowExecute,
 * and prints each step. `--base-url URL --key KEY [--auth bearer|raw|mjApiSecret]`
 * runs the same workflow against a real server instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { startEmulator } from '../emulator';
import { runWorkflow } from '../harness';

const WORKFLOW = join(__dirname, '..', 'workflows', 'imagine-u2-upscale.json');
const STEPS = ['Imagine', 'Upscale U2', 'Upscale (Subtle)'];

function show(step: string, json: Record<string, unknown>): void {
	const buttons = Object.entries(json)
		.filter(([key]) => /^(U|V)[1-4]$|^reroll$/.test(key) || (typeof json[key] === 'string' && String(json[key]).startsWith('MJ::')))
		.map(([key]) => key);
	console.log(`\n▶ ${step}`);
	console.log(`  taskId    ${String(json.taskId)}`);
	console.log(`  status    ${String(json.status)} (${String(json.progress)})`);
	console.log(`  action    ${String(json.action)}`);
	console.log(`  imageUrl  ${String(json.imageUrl)}`);
	console.log(`  buttons   ${buttons.join(', ') || '(none)'}`);
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			'base-url': { type: 'string' },
			key: { type: 'string' },
			auth: { type: 'string', default: 'bearer' },
			'task-ms': { type: 'string', default: '3000' },
		},
	});
	const workflow = JSON.parse(readFileSync(WORKFLOW, 'utf8'));
	let close = async () => {};
	let credentials: Record<string, string>;
	if (values['base-url']) {
		if (!values.key) throw new Error('--base-url needs --key');
		credentials = { apiKey: values.key, baseUrl: values['base-url'], authStyle: values.auth ?? 'bearer' };
		// A real server: poll at the node's defaults, not the emulator's pace.
		for (const node of workflow.nodes) if (node.parameters?.waitingOptions) node.parameters.waitingOptions = {};
	} else {
		const key = 'sk-demo-emulator-key';
		const emulator = await startEmulator({
			taskDurationMs: Number(values['task-ms']),
			auth: { key, styles: ['bearer'] },
		});
		close = emulator.close;
		credentials = { apiKey: key, baseUrl: emulator.url, authStyle: 'bearer' };
		// MJ_EMULATOR_VERSION=7 plays an account on V7; the workflow pins --v 7 for Upscale (Subtle) either way.
		console.log(`Emulator (a local CometAPI stand-in) on ${emulator.url}, Midjourney ${emulator.options.defaultVersion} unless a prompt says --v`);
	}
	console.log(`Workflow: ${WORKFLOW}`);
	const started = Date.now();
	try {
		const result = await runWorkflow(workflow, { credentials: { cometApi: credentials } });
		if (result.error) {
			console.error(`\n✖ The workflow failed: ${result.error.message}`);
			if ((result.error as { description?: string }).description) {
				console.error(`  ${(result.error as { description?: string }).description}`);
			}
			process.exitCode = 1;
		}
		for (const step of STEPS) {
			const items = result.output(step);
			for (const item of items) show(step, item.json as Record<string, unknown>);
		}
		console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
	} finally {
		await close();
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
