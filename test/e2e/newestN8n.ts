/*
 * The newest n8n 2.x the npm registry can install whole, found at test time, so every
 * layer tests today's n8n: `npm view n8n versions`, then the lockfile-only probe
 * (probe-n8n-versions.sh) on the stable 2.x releases newer than the pin, newest first.
 * Bounded: at most MAX_PROBES probes of PROBE_TIMEOUT_S each. Any failure (offline,
 * timeout, a registry missing a dependency, as for 2.41.3) falls back to the pin, and
 * the answer is kept for a day in .cache/ so the layers of one run share one probe.
 *
 *   ts-node test/e2e/newestN8n.ts   prints the version (what test/all.sh does)
 * Env: MJ_N8N2_VERSION=X uses X without looking (CI pins it for a deterministic run);
 *      MJ_N8N2_VERSION=pin uses the pin.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The pinned fallback: the newest 2.x that installed when this was written (2.41.3 lacks @n8n/agents@0.26.2). */
export const PINNED_N8N2_VERSION = '2.41.1';

const ROOT = resolve(__dirname, '..', '..');
const CACHE_FILE = join(ROOT, '.cache', 'n8n2-newest.json');
const CACHE_MS = 24 * 3600_000;
const MAX_PROBES = 2;
const PROBE_TIMEOUT_S = 150;
const VIEW_TIMEOUT_MS = 30_000;

/** Numeric order of x.y.z versions. */
export function compareVersions(a: string, b: string): number {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
	return 0;
}

/** The stable 2.x releases newer than `pin`, newest first (pre-releases and other majors left out). */
export function candidatesAbove(published: string[], pin: string, max = MAX_PROBES): string[] {
	return published
		.filter((version) => /^2\.\d+\.\d+$/.test(version) && compareVersions(version, pin) > 0)
		.sort((a, b) => compareVersions(b, a))
		.slice(0, max);
}

interface Found {
	version: string;
	/** how it was chosen, for the log */
	why: string;
}

function probe(version: string): boolean {
	try {
		const out = execFileSync('timeout', [String(PROBE_TIMEOUT_S), join(__dirname, 'probe-n8n-versions.sh'), version], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		return out.trim().startsWith(`${version} OK`);
	} catch {
		return false;
	}
}

/** Looks it up (no cache); `published` and `probeOne` are injected by the tests. */
export function findNewestN8n2(
	published: () => string[] = () => JSON.parse(execFileSync('npm', ['view', 'n8n', 'versions', '--json'], { encoding: 'utf8', timeout: VIEW_TIMEOUT_MS })),
	probeOne: (version: string) => boolean = probe,
	pin = PINNED_N8N2_VERSION,
): Found {
	let candidates: string[];
	try {
		candidates = candidatesAbove(published(), pin);
	} catch (error) {
		return { version: pin, why: `the pin: the registry's version list failed (${(error as Error).message.split('\n')[0]})` };
	}
	if (candidates.length === 0) return { version: pin, why: 'the pin, the newest 2.x published' };
	for (const candidate of candidates) {
		if (probeOne(candidate)) return { version: candidate, why: `the newest 2.x whose dependencies the registry serves` };
	}
	return { version: pin, why: `the pin: ${candidates.join(', ')} cannot be installed from the registry` };
}

/** The n8n 2.x to test: MJ_N8N2_VERSION, a cached answer of the last day, or a fresh look. */
export function newestN8n2Version(env: NodeJS.ProcessEnv = process.env): Found {
	const given = env.MJ_N8N2_VERSION?.trim();
	if (given) return given === 'pin' ? { version: PINNED_N8N2_VERSION, why: 'the pin (MJ_N8N2_VERSION=pin)' } : { version: given, why: 'MJ_N8N2_VERSION' };
	try {
		const cached = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Found & { at: number; pin: string };
		if (cached.pin === PINNED_N8N2_VERSION && Date.now() - cached.at < CACHE_MS) return { version: cached.version, why: `${cached.why} (looked up ${new Date(cached.at).toISOString()})` };
	} catch {
		// no cache yet
	}
	const found = findNewestN8n2();
	try {
		if (!existsSync(dirname(CACHE_FILE))) mkdirSync(dirname(CACHE_FILE), { recursive: true });
		writeFileSync(CACHE_FILE, JSON.stringify({ ...found, at: Date.now(), pin: PINNED_N8N2_VERSION }));
	} catch {
		// not kept: the next layer looks again
	}
	return found;
}

if (require.main === module) {
	const found = newestN8n2Version();
	console.error(`n8n ${found.version}: ${found.why}`);
	console.log(found.version);
}
