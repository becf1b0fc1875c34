/**
 * n8n's Retry On Fail runs the node again, with the same items, after an
 * error (and, under Continue On Fail, after an error item first in the
 * output). The submit ledger makes each retry wait for the tasks the earlier
 * tries created instead of submitting (and charging) them again. The
 * emulator's request log is the proof: one submit per prompt, whatever the
 * number of tries.
 */
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import type { Emulator, EmulatorOptions } from '../../../emulator';
import { chain, midjourneyNode, optionParameters, runWorkflow, type WorkflowResult } from '../../../harness';
import { everythingVisible, withEmulator as withOwnEmulator } from '../emulatorSetup';

const KEY = 'sk-ledger-test-key';
const PROMPTS = ['a red kite over dunes', 'a green door in a wall', 'a blue boat at dawn'];
const FAST: IDataObject = { pollInterval: 0.2, initialDelay: 0 };
const RETRY: Partial<INode> = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

const withEmulator = async <T>(options: Partial<EmulatorOptions>, body: (emu: Emulator) => Promise<T>) =>
	await withOwnEmulator(KEY, options, body);

async function runImagine(
	emu: Emulator,
	{ options = {}, node = {}, prompts = PROMPTS }: { options?: IDataObject; node?: Partial<INode>; prompts?: string[] },
): Promise<WorkflowResult> {
	return await runWorkflow(
		chain(
			midjourneyNode('Imagine', { operation: 'imagine', prompt: '={{ $json.prompt }}', ...optionParameters({ ...FAST, ...options }) }, node),
		),
		{
			credentials: { cometApi: { apiKey: KEY, baseUrl: emu.url, authStyle: 'bearer' } },
			triggerItems: prompts.map((prompt) => ({ json: { prompt } })),
		},
	);
}

const submits = (emu: Emulator) => emu.requests.filter((entry) => entry.kind === 'submit-imagine');
const tasksFor = (emu: Emulator, prompt: string) => [...emu.tasks.values()].filter((task) => task.prompt === prompt);
const statuses = (items: INodeExecutionData[]) => items.map((item) => item.json.status ?? item.json.errorKind);

describe('Retry On Fail never submits a prompt twice', () => {
	it('a lost submit answer: the retry reuses the tasks it knows and does not resend the unclear one', async () => {
		await withEmulator({ faults: [{ target: 'submit', kind: 'drop-after', times: 1, everyNth: 2 }] }, async (emu) => {
			const result = await runImagine(emu, { node: RETRY });
			// Every try failed on the same item (its answer was lost on the first try); never resent.
			expect(submits(emu)).toHaveLength(3);
			for (const prompt of PROMPTS) expect(tasksFor(emu, prompt)).toHaveLength(1);
			const error = everythingVisible(result.error);
			expect(error).toMatch(/a task may have been created/);
			// The other items' tasks, created on the first try, are named in the final error.
			const lost = submits(emu).find((entry) => entry.fault !== undefined)!.createdTaskId!;
			for (const taskId of emu.createdTaskIds().filter((id) => id !== lost)) expect(error).toContain(taskId);
			expect(everythingVisible(result)).not.toContain(KEY);
		});
	});

	it('a Timeout: the retry waits again for the same tasks and returns them', async () => {
		await withEmulator({ taskDurationMs: 2500 }, async (emu) => {
			const result = await runImagine(emu, { node: RETRY, options: { timeout: 1.5 } });
			expect(result.error).toBeUndefined();
			const items = result.output('Imagine');
			expect(statuses(items)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
			expect(submits(emu)).toHaveLength(3);
			expect(items.map((item) => item.json.taskId).sort()).toEqual(emu.createdTaskIds().sort());
		});
	});

	it('Continue On Fail: an error item first in the output makes n8n retry; the retry creates nothing new', async () => {
		// The first item's prompt is banned (code 24): an error item, which n8n takes as a failed try.
		await withEmulator({ bannedWords: ['forbidden'] }, async (emu) => {
			const prompts = ['a forbidden thing', ...PROMPTS.slice(1)];
			const result = await runImagine(emu, { prompts, node: { ...RETRY, onError: 'continueRegularOutput' } });
			const items = result.output('Imagine');
			expect(statuses(items)).toEqual(['bannedWord', 'SUCCESS', 'SUCCESS']);
			// The refused prompt may be tried again (nothing was created); the others are not resubmitted.
			const accepted = submits(emu).filter((entry) => entry.createdTaskId);
			expect(accepted).toHaveLength(2);
			expect(submits(emu).length).toBe(2 + RETRY.maxTries!);
		});
	});

	it('a node run again by a loop (another run index) submits its items anew', async () => {
		await withEmulator({}, async (emu) => {
			// Start → Imagine → If ($runIndex of Imagine < 1) → back to Imagine: two runs, same prompt.
			const workflow = chain(
				midjourneyNode('Imagine', { operation: 'imagine', prompt: PROMPTS[0], waitingOptions: FAST }),
				{
					name: 'Again?',
					type: 'n8n-nodes-base.if',
					typeVersion: 2.2,
					parameters: {
						conditions: {
							options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
							conditions: [
								{ id: 'again', leftValue: "={{ $runIndex }}", rightValue: 1, operator: { type: 'number', operation: 'lt' } },
							],
							combinator: 'and',
						},
						options: {},
					},
				},
			);
			const connections = workflow.connections as IDataObject;
			connections['Again?'] = { main: [[{ node: 'Imagine', type: 'main', index: 0 }], []] };
			const result = await runWorkflow(workflow, {
				credentials: { cometApi: { apiKey: KEY, baseUrl: emu.url, authStyle: 'bearer' } },
			});
			expect(result.error).toBeUndefined();
			const runs = [result.output('Imagine', 0, 0), result.output('Imagine', 0, 1)];
			expect(runs.map((items) => items.length)).toEqual([1, 1]);
			expect(runs[0][0].json.taskId).not.toBe(runs[1][0].json.taskId);
			expect(submits(emu)).toHaveLength(2);
		});
	});
});
