import type { BotType } from './types';

/**
 * The Midjourney version of a task, read from its prompt the way the reference
 * server does (trueai-org/midjourney-proxy: src/Midjourney.Base/Utils/MjPromptParser.cs,
 * `Parse` and `MjParseResult.GetVersion`; src/Midjourney.Base/Models/TaskInfo.cs,
 * `GetVersion`): `--version`, then `--v`, then `--niji`'s number; a niji task without
 * a number is niji 7; anything else gets the default, 8.1 since "def v8.1" (2026-07-07).
 * Written as the reference writes it: `v 8.1`, `v 7`, `niji 6`.
 */
export type MjVersion = string;

export const DEFAULT_MJ_VERSION = '8.1';
const DEFAULT_NIJI_VERSION = '7';

/** A version number as given (`8.1`, `7`), or an error naming where it came from. */
export function checkedVersionNumber(value: string, source: string): string {
	const version = value.trim();
	if (!/^\d+(\.\d+)?$/.test(version)) throw new Error(`${source} must be a version number such as 8.1 or 7, not "${value}"`);
	return version;
}

/** The emulator's default version: MJ_EMULATOR_VERSION (e.g. `7`, for a run on V7's buttons), else 8.1. */
export function defaultVersionFromEnv(env: NodeJS.ProcessEnv = process.env): string {
	const version = env.MJ_EMULATOR_VERSION;
	return version?.trim() ? checkedVersionNumber(version, 'MJ_EMULATOR_VERSION') : DEFAULT_MJ_VERSION;
}

/** The reference's parameter pattern: `--name` and an optional value up to the next `--` or the end. */
const PARAMETER = /--([a-zA-Z]+)(?:\s+([^-]+?))?(?=\s+--|$)/g;

/** A prompt's `--parameters` (lower-case names; a flag's value is ''). */
export function promptParameters(prompt: string): Map<string, string> {
	const parameters = new Map<string, string>();
	for (const match of prompt.matchAll(PARAMETER)) {
		const name = match[1].toLowerCase();
		// The first value wins, as GetValue's FirstOrDefault; `version` and `v` are one parameter.
		const key = name === 'v' ? 'version' : name;
		// Only the first word: the reference keeps trailing text ("--v 7 boat" → "7 boat"), a prompt
		// Midjourney itself would refuse.
		if (!parameters.has(key)) parameters.set(key, (match[2] ?? '').trim().split(/\s+/)[0]);
	}
	return parameters;
}

/** `v 8.1`, `niji 7` …: the version whose buttons a task of this prompt shows. */
export function taskVersion(prompt: string, botType: BotType, defaultVersion = DEFAULT_MJ_VERSION): MjVersion {
	const parameters = promptParameters(prompt);
	const explicit = parameters.get('version') || undefined;
	// The reference gives a NIJI_JOURNEY task without --niji the MJ default ("niji 8.1"), a
	// version niji never had; the emulator gives it niji's default.
	if (botType === 'NIJI_JOURNEY' || parameters.has('niji')) {
		return `niji ${explicit ?? (parameters.get('niji') || DEFAULT_NIJI_VERSION)}`;
	}
	return `v ${explicit ?? defaultVersion}`;
}

/** The version's number (`v 6.1` → 6.1), NaN when it has none. */
export function versionNumber(version: MjVersion): number {
	const last = version.split(' ').pop() ?? '';
	return /^\d+(\.\d+)?$/.test(last) ? Number(last) : NaN;
}

/**
 * How V8's own flags change the picture: `--hd` renders V8.1's native 2K (twice
 * the side), `--draft` (V7 on) a half-size draft in a quarter of the time.
 */
export function renderingOf(prompt: string, version: MjVersion): { sizeFactor: number; durationFactor: number } {
	const parameters = promptParameters(prompt);
	const number = versionNumber(version);
	if (parameters.has('draft') && number >= 7) return { sizeFactor: 0.5, durationFactor: 0.25 };
	if (parameters.has('hd') && number >= 8) return { sizeFactor: 2, durationFactor: 1 };
	return { sizeFactor: 1, durationFactor: 1 };
}
