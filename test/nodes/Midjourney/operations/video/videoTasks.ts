import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../../../../emulator';
import { chain, midjourneyNode, runWorkflow } from '../../../../harness';
import { FAST } from '../../emulatorSetup';

/** Finished tasks to start video tests from, made through the node itself. */

interface EmulatorHandle {
	emulator: Emulator;
	credentials(): Record<string, IDataObject>;
}

async function lastTaskId(emu: EmulatorHandle, ...nodes: ReturnType<typeof midjourneyNode>[]): Promise<string> {
	const result = await runWorkflow(chain(...nodes), { credentials: emu.credentials() as never });
	expect(result.error).toBeUndefined();
	const last = nodes[nodes.length - 1].name;
	return String(result.output(last)[0].json.taskId);
}

const imagineNode = () => midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a lighthouse at dawn', waitingOptions: FAST });
const upscaleNode = () => midjourneyNode('U1', { operation: 'action', taskId: '={{ $json.taskId }}', button: 'U1', waitingOptions: FAST });

/** A finished 2x2 grid. */
export async function finishedGrid(emu: EmulatorHandle): Promise<string> {
	return await lastTaskId(emu, imagineNode());
}

/** A finished upscale (it offers Animate). */
export async function finishedUpscale(emu: EmulatorHandle): Promise<string> {
	return await lastTaskId(emu, imagineNode(), upscaleNode());
}

/** A finished VIDEO batch, animated from a data-URI first frame. */
export async function finishedVideo(emu: EmulatorHandle, frame: string, videoOptions: IDataObject = {}): Promise<string> {
	return await lastTaskId(
		emu,
		midjourneyNode('Animate', {
			operation: 'animate',
			source: 'image',
			imageSource: 'url',
			imageUrl: frame,
			motion: 'low',
			videoOptions,
			waitingOptions: FAST,
		}),
	);
}

/** Request log entries of one kind. */
export function requestsOf(emulator: Emulator, kind: string) {
	return emulator.requests.filter((request) => request.kind === kind);
}
