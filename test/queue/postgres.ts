/*
 * Postgres for n8n's database: Debian's postgresql on a free loopback port, in a throw-away data
 * folder (initdb). Postgres refuses to run as root, so as root it runs as the `postgres` user the
 * package creates. One server per test layer; each cluster gets its own database (createDatabase).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../e2e/start';
import { ensureProgram, spawnGroup, waitForPort } from './processes';

export const POSTGRES_USER = 'n8n';
export const POSTGRES_PASSWORD = 'n8n-queue-test';

export interface Postgres {
	host: string;
	port: number;
	user: string;
	password: string;
	createDatabase(name: string): void;
	/** Runs one SQL statement in `database`; returns psql's unaligned rows. */
	query(database: string, sql: string): string[];
	stop(): Promise<void>;
}

/** Debian keeps the server programs in /usr/lib/postgresql/<major>/bin, off the PATH. */
function serverBinDir(): string {
	const root = '/usr/lib/postgresql';
	const newest = () =>
		existsSync(root)
			? readdirSync(root)
					.filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
					.sort((a, b) => Number(b) - Number(a))[0]
			: undefined;
	if (!newest()) ensureProgram('initdb', 'postgresql', []);
	const version = newest();
	if (!version) throw new Error('postgres server programs not found under /usr/lib/postgresql: install the Debian package "postgresql"');
	return join(root, version, 'bin');
}

export async function startPostgres(log?: (line: string) => void): Promise<Postgres> {
	const bin = serverBinDir();
	const asRoot = process.getuid?.() === 0;
	// The user the server runs as: `postgres` (from the package) under root, else ourselves.
	const runAs = asRoot ? 'postgres' : userInfo().username;
	const wrap = (program: string, args: string[]): [string, string[]] =>
		asRoot ? ['runuser', ['-u', runAs, '--', join(bin, program), ...args]] : [join(bin, program), args];

	const dir = mkdtempSync(join(tmpdir(), 'mj-queue-postgres-'));
	const dataDir = join(dir, 'data');
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', runAs], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', runAs], { encoding: 'utf8' }).trim());
		chownSync(dir, uid, gid);
	}
	chmodSync(dir, 0o700);
	const port = await freePort();
	const passwordFile = join(dir, 'pw');
	execFileSync('sh', ['-c', `printf %s '${POSTGRES_PASSWORD}' > '${passwordFile}'`]);
	if (asRoot) execFileSync('chown', [runAs, passwordFile]);
	const [initdb, initArgs] = wrap('initdb', [
		'-D', dataDir, '-U', POSTGRES_USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync',
	]);
	execFileSync(initdb, initArgs, { stdio: ['ignore', 'pipe', 'pipe'] });

	const [server, serverArgs] = wrap('postgres', [
		'-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
		// Throw-away data: durability off, for speed on a small CI machine.
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
	]);
	const postgres = spawnGroup('postgres', server, serverArgs, { log });
	const env = { ...process.env, PGPASSWORD: POSTGRES_PASSWORD };
	const psql = (database: string, sql: string) =>
		execFileSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', database, '-XAtq', '-c', sql], {
			env,
			encoding: 'utf8',
		});
	const stop = async () => {
		// SIGTERM to the group: postgres' "smart" shutdown is ended by SIGKILL after the grace time.
		postgres.signal('SIGINT');
		await postgres.stop(5_000);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await waitForPort(port, postgres);
		// Accepting TCP is not yet accepting logins; psql tells.
		for (let attempt = 0; ; attempt++) {
			try {
				psql('postgres', 'select 1');
				break;
			} catch (error) {
				if (attempt > 50) throw error;
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		}
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		user: POSTGRES_USER,
		password: POSTGRES_PASSWORD,
		createDatabase: (name) => void psql('postgres', `create database "${name}"`),
		query: (database, sql) => psql(database, sql).split('\n').filter(Boolean),
		stop,
	};
}
