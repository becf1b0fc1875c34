/*
 * Redis for n8n's job queue (Bull): Debian's redis-server on a free loopback port with a
 * throw-away data folder, no persistence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../e2e/start';
import { ensureProgram, spawnGroup, waitForPort } from './processes';

export interface Redis {
	host: string;
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(log?: (line: string) => void): Promise<Redis> {
	const program = ensureProgram('redis-server', 'redis-server', ['/usr/bin/redis-server']);
	const dir = mkdtempSync(join(tmpdir(), 'mj-queue-redis-'));
	const port = await freePort();
	const redis = spawnGroup(
		'redis-server',
		program,
		['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
		{ log },
	);
	const stop = async () => {
		await redis.stop();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, redis);
	} catch (error) {
		await stop();
		throw error;
	}
	return { host: '127.0.0.1', port, stop };
}
