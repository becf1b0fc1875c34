/**
 * The emulator in a process of its own for the benchmark, driven over IPC,
 * so that the benchmark process's CPU time and event loop are the node's
 * (and n8n-core's) alone. Started by bench.ts with child_process.fork.
 *
 * Messages in:  { id, op: 'start', options } | { id, op: 'reset' } |
 *               { id, op: 'setOptions', options } | { id, op: 'snapshot' } | { id, op: 'close' }
 * Messages out: { id, ok: true, value } | { id, ok: false, error }
 */
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';

export interface LoggedRequest {
	at: number;
	kind: string;
	status: number;
	taskIds?: string[];
	createdTaskId?: string;
}

export interface TaskTimes {
	id: string;
	prompt: string;
	status: string;
	submitTime: number;
	startTime: number;
	finishedAt?: number;
}

export interface Snapshot {
	requests: LoggedRequest[];
	tasks: TaskTimes[];
}

export type ChildRequest =
	| { id: number; op: 'start'; options: Partial<EmulatorOptions> }
	| { id: number; op: 'reset' }
	| { id: number; op: 'setOptions'; options: Partial<EmulatorOptions> }
	| { id: number; op: 'snapshot' }
	| { id: number; op: 'close' };

let emulator: Emulator | undefined;

async function handle(message: ChildRequest): Promise<unknown> {
	switch (message.op) {
		case 'start':
			emulator = await startEmulator(message.options);
			return { url: emulator.url };
		case 'reset':
			emulator!.reset();
			return null;
		case 'setOptions':
			emulator!.setOptions(message.options);
			return null;
		case 'snapshot':
			return {
				requests: emulator!.requests.map(({ at, kind, status, taskIds, createdTaskId }) => ({ at, kind, status, taskIds, createdTaskId })),
				tasks: [...emulator!.tasks.values()].map(({ id, prompt, status, submitTime, startTime, finishedAt }) => ({
					id,
					prompt,
					status,
					submitTime,
					startTime,
					finishedAt,
				})),
			} satisfies Snapshot;
		case 'close':
			await emulator?.close();
			setImmediate(() => process.exit(0));
			return null;
	}
}

process.on('message', (message: ChildRequest) => {
	handle(message).then(
		(value) => process.send!({ id: message.id, ok: true, value }),
		(error: Error) => process.send!({ id: message.id, ok: false, error: error.stack ?? error.message }),
	);
});
process.on('disconnect', () => process.exit(0));
