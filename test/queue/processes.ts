/*
 * Child processes of the queue-mode cluster: each in its own process group, so that stopping it
 * (or killing it, as the worker-loss scenarios do) reaches everything it started, and nothing
 * outlives the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface GroupProcess {
	name: string;
	child: ChildProcess;
	pid: number;
	/** The last lines it printed (stdout and stderr). */
	output(): string;
	/** Every line it printed since it started (workers: which executions they ran). */
	lines(): string[];
	exited(): boolean;
	/** Resolves with the exit code or signal once the process has ended. */
	exit: Promise<string>;
	/** Sends `signal` to the whole group. */
	signal(signal: NodeJS.Signals): void;
	/** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the leader has exited. */
	stop(graceMs?: number): Promise<void>;
}

const running = new Set<GroupProcess>();

export function spawnGroup(
	name: string,
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string; log?: (line: string) => void } = {},
): GroupProcess {
	const child = spawn(command, args, {
		env: options.env ?? process.env,
		cwd: options.cwd,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`${name}: ${command} did not start`);
	const pid = child.pid;
	const all: string[] = [];
	let partial = '';
	const keep = (chunk: Buffer) => {
		const text = partial + chunk.toString('utf8');
		const parts = text.split('\n');
		partial = parts.pop() ?? '';
		for (const line of parts) {
			all.push(line);
			options.log?.(line);
		}
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exit = new Promise<string>((resolve) => {
		child.once('exit', (code, signal) => resolve(signal ?? String(code)));
		child.once('error', (error) => resolve(`spawn error: ${error.message}`));
	});
	const signal = (sig: NodeJS.Signals) => {
		try {
			process.kill(-pid, sig);
		} catch {
			// the group is gone already
		}
	};
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	const handle: GroupProcess = {
		name,
		child,
		pid,
		output: () => [...all, partial].slice(-40).join('\n'),
		lines: () => all,
		exited,
		exit,
		signal,
		async stop(graceMs = 10_000) {
			if (!exited()) {
				signal('SIGTERM');
				const timer = setTimeout(() => signal('SIGKILL'), graceMs);
				await exit;
				clearTimeout(timer);
			}
			// Whatever the leader left behind in its group (postgres backends, n8n's task runners).
			signal('SIGKILL');
			running.delete(handle);
		},
	};
	running.add(handle);
	return handle;
}

/** Kills every group still registered (the last resort on errors and signals). */
export async function stopAll(): Promise<void> {
	await Promise.allSettled([...running].reverse().map((p) => p.stop(5_000)));
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, process_: GroupProcess, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (process_.exited()) throw new Error(`${process_.name} exited while starting:\n${process_.output()}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect({ host: '127.0.0.1', port }, () => {
				socket.end();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${process_.name} did not listen on port ${port} within ${timeoutMs / 1000} s:\n${process_.output()}`);
}

/** Peak resident memory (VmHWM) of a process and its current RSS, in MB; undefined once it has gone. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } | undefined {
	const file = `/proc/${pid}/status`;
	if (!existsSync(file)) return undefined;
	const status = readFileSync(file, 'utf8');
	const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
	return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/**
 * The path of a program from a Debian package, installing the package with apt-get when it is
 * missing (root only); otherwise an error that names the package to install.
 */
export function ensureProgram(program: string, debianPackage: string, candidates: string[] = []): string {
	const found = () =>
		candidates.find((path) => existsSync(path)) ??
		(spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim() || undefined);
	let path = found();
	if (path) return path;
	if (process.getuid?.() !== 0) {
		throw new Error(`${program} is missing: install the Debian package "${debianPackage}" (apt-get install -y ${debianPackage}), or run as root`);
	}
	const apt = (args: string[]) =>
		spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	let install = apt(['install', '-y', debianPackage]);
	if (install.status !== 0) {
		apt(['update']);
		install = apt(['install', '-y', debianPackage]);
	}
	path = found();
	if (!path) {
		throw new Error(`${program} is missing and "apt-get install -y ${debianPackage}" failed:\n${install.stderr.slice(-1000)}`);
	}
	return path;
}
