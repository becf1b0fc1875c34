/**
 * What Midjourney refuses in a prompt, as the emulator plays it: the job is
 * submitted (and charged) and then ends in FAILURE with "Invalid parameter, …",
 * the reference server's `task.Fail($"{title}, {desc}")` of Discord's error embed
 * (src/Midjourney.Services/DiscordWebSocketService.cs, its `errorTitles`).
 * Written from the reference server's side, independently of the node's
 * check: the parameter names and ranges of trueai-org/midjourney-proxy
 * src/Midjourney.Base/Utils/MjPromptParser.cs (`ParamDefinitions`, `AliasMap`),
 * read with its `Parse` idea (a parameter is `--` and letters).
 */

/** name → [min, max] for the numeric parameters (MjPromptParser ValueRange). */
const RANGES: Record<string, [number, number]> = {
	chaos: [0, 100],
	stylize: [0, 1000],
	weird: [0, 3000],
	seed: [0, 4294967295],
	stop: [10, 100],
	repeat: [1, 40],
	cw: [0, 100],
	sw: [0, 1000],
	iw: [0, 3],
	ow: [0, 1000],
	exp: [0, 100],
	bs: [1, 4],
	sv: [1, 7],
};

const ALIASES: Record<string, string> = { v: 'version', ar: 'aspect', c: 'chaos', s: 'stylize', w: 'weird', q: 'quality', r: 'repeat', p: 'profile', personalize: 'profile' };

/** ParamDefinitions' keys, V8's --hd, and --zoom of Custom Zoom. */
const KNOWN = new Set([
	...Object.keys(RANGES),
	'version', 'niji', 'aspect', 'quality', 'cref', 'sref', 'oref', 'no', 'style', 'raw', 'turbo', 'fast', 'relax',
	'draft', 'stealth', 'public', 'tile', 'video', 'profile', 'motion', 'loop', 'end', 'hd', 'zoom',
]);

/** The failReason Midjourney gives an invalid prompt, or undefined when it takes it. */
export function promptRefusal(prompt: string): string | undefined {
	const words = prompt.split(/\s+/);
	let version: number | undefined;
	const params: Array<{ name: string; value?: string; typed: string }> = [];
	for (let i = 0; i < words.length; i++) {
		const match = /^(?:--|\u2014)(\S+)$/.exec(words[i]);
		if (!match) continue;
		const typed = match[1].toLowerCase();
		const name = ALIASES[typed] ?? typed;
		const next = words[i + 1];
		const value = next !== undefined && !/^(?:--|\u2014)/.test(next) ? next : undefined;
		params.push({ name, value, typed: words[i] });
		if (name === 'version' && value) version = Number(value);
	}
	const unknown = params.filter((param) => !KNOWN.has(param.name));
	if (unknown.length > 0) return `Invalid parameter, Unrecognized parameter(s): ${unknown.map((param) => `\`${param.typed}\``).join(', ')}`;
	for (const param of params) {
		const range = RANGES[param.name];
		if (range && param.value !== undefined) {
			const number = Number(param.value);
			if (!Number.isFinite(number) || number < range[0] || number > range[1]) {
				return `Invalid parameter, Parameter --${param.name} must be between ${range[0]} and ${range[1]} (got ${param.value})`;
			}
		}
		if (param.name === 'aspect' && !/^\d+:\d+$/.test(param.value ?? '')) {
			return `Invalid parameter, Invalid aspect ratio ${param.value ?? ''}`.trimEnd();
		}
		// cref: "V6, Niji 6" (ParamDefinitions); the default model is V7 or later.
		if (param.name === 'cref' && !(version !== undefined && version >= 6 && version < 7) && !/--niji\s+6\b/.test(prompt)) {
			return 'Invalid parameter, --cref is not compatible with this model version, use --oref';
		}
		if (param.name === 'oref' && version !== undefined && version < 7) {
			return `Invalid parameter, --oref needs version 7 or later (got ${version})`;
		}
	}
	return undefined;
}
