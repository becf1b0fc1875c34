/**
 * Midjourney buttons: a stable key per button, lookup by what a user types,
 * and the split into output fields. Keys come from the customId pattern
 * first (stable across MJ versions and localised labels), then the label.
 *
 * | button | key |
 * | --- | --- |
 * | U1..U4, V1..V4 | `U1`..`U4`, `V1`..`V4` |
 * | 🔄 | `reroll` |
 * | Upscale (Subtle) / (Creative) | `upscaleSubtle` / `upscaleCreative` |
 * | Upscale (2x) / (4x) (v5) | `upscale2x` / `upscale4x` |
 * | Vary (Subtle) / (Strong) / (Region) | `varySubtle` / `varyStrong` / `varyRegion` |
 * | Zoom Out 2x / 1.5x | `zoomOut2x` / `zoomOut1_5x` (the dot becomes an underscore) |
 * | Custom Zoom | `customZoom` |
 * | ⬅️ ➡️ ⬆️ ⬇️ | `panLeft` `panRight` `panUp` `panDown` |
 * | Animate (High / Low motion) | `animateHigh` / `animateLow` |
 * | a video's U1..U4 (upscale that video) | `U1`..`U4` |
 * | Extend (High / Low motion), on an upscaled video | `extendHigh` / `extendLow` |
 * | Describe's 1️⃣..4️⃣ / 🔄 | `imagine1`..`imagine4` / `describeRetry` |
 * | Shorten's 1️⃣..5️⃣ | `shortened1`..`shortened5` |
 * | anything else | camelCase of the label (`Make Square` → `makeSquare`) |
 */

export interface MjButton {
	customId: string;
	emoji?: string;
	label?: string;
	type?: number;
	style?: number;
}

export interface ActionEntry {
	label: string;
	key: string;
	customId: string;
	needsModal: boolean;
}

const CUSTOM_ID_KEYS: Array<[RegExp, (match: RegExpExecArray) => string]> = [
	[/^MJ::JOB::upsample::([1-4])::/i, (m) => `U${m[1]}`],
	[/^MJ::JOB::variation::([1-4])::/i, (m) => `V${m[1]}`],
	[/^MJ::JOB::reroll::/i, () => 'reroll'],
	[/^MJ::JOB::upsample_v\w*?_2x_subtle::/i, () => 'upscaleSubtle'],
	[/^MJ::JOB::upsample_v\w*?_2x_creative::/i, () => 'upscaleCreative'],
	[/^MJ::JOB::upsample_v5_2x::/i, () => 'upscale2x'],
	[/^MJ::JOB::upsample_v5_4x::/i, () => 'upscale4x'],
	[/^MJ::JOB::low_variation::/i, () => 'varySubtle'],
	[/^MJ::JOB::high_variation::/i, () => 'varyStrong'],
	[/^MJ::Inpaint::/i, () => 'varyRegion'],
	[/^MJ::Outpaint::50::/i, () => 'zoomOut2x'],
	[/^MJ::Outpaint::75::/i, () => 'zoomOut1_5x'],
	[/^MJ::CustomZoom::/i, () => 'customZoom'],
	[/^MJ::JOB::pan_(left|right|up|down)::/i, (m) => `pan${capitalise(m[1].toLowerCase())}`],
	[/^MJ::JOB::animate_(high|low)::/i, (m) => `animate${capitalise(m[1].toLowerCase())}`],
	[/^MJ::JOB::animate_(high|low)_extend::/i, (m) => `extend${capitalise(m[1].toLowerCase())}`],
	[/^MJ::JOB::video_virtual_upscale::([1-4])::/i, (m) => `U${m[1]}`],
	[/^MJ::Job::PicReader::([1-4])/i, (m) => `imagine${m[1]}`],
	[/^MJ::Picread::Retry/i, () => 'describeRetry'],
	[/^MJ::Job::PromptAnalyzer::([1-5])/i, (m) => `shortened${m[1]}`],
];

/** Buttons that always open a dialog (MODAL) before the task runs. */
const MODAL_PATTERNS = [/^MJ::Inpaint::/i, /^MJ::CustomZoom::/i, /^MJ::Job::PromptAnalyzer::/i];

/** Words a user may type for buttons whose label is only an emoji. */
const ALIASES: Record<string, string> = {
	reroll: 'reroll',
	redo: 'reroll',
	'🔄': 'reroll',
	left: 'panLeft',
	right: 'panRight',
	up: 'panUp',
	down: 'panDown',
	panleft: 'panLeft',
	panright: 'panRight',
	panup: 'panUp',
	pandown: 'panDown',
	'⬅': 'panLeft',
	'➡': 'panRight',
	'⬆': 'panUp',
	'⬇': 'panDown',
};

function capitalise(word: string): string {
	return word.charAt(0).toUpperCase() + word.slice(1);
}

function camelCase(text: string): string {
	const words = text
		.replace(/(\d)\.(\d)/g, '$1_$2')
		.split(/[^A-Za-z0-9_]+/)
		.filter(Boolean);
	return words
		.map((word, index) =>
			index === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : capitalise(word),
		)
		.join('');
}

export function buttonKey(button: MjButton): string {
	for (const [pattern, key] of CUSTOM_ID_KEYS) {
		const match = pattern.exec(button.customId ?? '');
		if (match) return key(match);
	}
	const fromLabel = camelCase(button.label ?? '');
	if (fromLabel) return fromLabel;
	const action = /^MJ::(?:JOB::)?([A-Za-z_]+)/i.exec(button.customId ?? '')?.[1];
	return camelCase((action ?? button.emoji ?? 'button').replace(/_/g, ' ')) || 'button';
}

/** A video batch's U1..U4: they upscale a video, not a picture of a grid. */
export function isVideoUpscaleButton(customId: string): boolean {
	return /^MJ::JOB::video_virtual_upscale::/i.test(customId);
}

export function needsModal(customId: string): boolean {
	return MODAL_PATTERNS.some((pattern) => pattern.test(customId));
}

/** The label a person sees: the label, or the emoji of an emoji-only button. */
export function displayLabel(button: MjButton): string {
	return button.label?.trim() || button.emoji?.trim() || buttonKey(button);
}

/** Case, spaces and the emoji variation selector do not matter. */
function normalise(text: string): string {
	return text
		.replace(/\uFE0F/g, '')
		.replace(/\s+/g, '')
		.toLowerCase();
}

/**
 * The button the user means: by label, emoji or key (exact, after
 * normalising), then by alias; a raw customId (containing `::`) exactly.
 */
export function findButton(buttons: MjButton[], wanted: string): MjButton | undefined {
	const text = wanted.trim();
	if (text === '') return undefined;
	if (text.includes('::')) return buttons.find((button) => button.customId === text);
	const target = normalise(text);
	const direct = buttons.find(
		(button) =>
			(button.label && normalise(button.label) === target) ||
			(button.emoji && normalise(button.emoji) === target) ||
			normalise(buttonKey(button)) === target,
	);
	if (direct) return direct;
	const alias = ALIASES[target];
	return alias ? buttons.find((button) => buttonKey(button) === alias) : undefined;
}

/** "U1, U2, U3, U4, 🔄 (reroll), V1, …" for error messages. */
export function formatAvailableButtons(buttons: MjButton[]): string {
	return buttons
		.map((button) => {
			const label = displayLabel(button);
			const key = buttonKey(button);
			return button.label?.trim() ? label : `${label} (${key})`;
		})
		.join(', ');
}

const isOptionalText = (value: unknown) =>
	value === undefined || value === null || typeof value === 'string';

/**
 * A task's `buttons` as a list of usable buttons: anything but a list counts
 * as no buttons, and malformed entries (no customId, a label that is not
 * text) are left out.
 */
export function buttonList(buttons: unknown): MjButton[] {
	if (!Array.isArray(buttons)) return [];
	return buttons.filter((entry: unknown): entry is MjButton => {
		if (entry === null || typeof entry !== 'object') return false;
		const button = entry as Record<string, unknown>;
		return (
			typeof button.customId === 'string' &&
			isOptionalText(button.label) &&
			isOptionalText(button.emoji)
		);
	});
}

/** Every button as a field (key → customId) and as an action entry, in the server's order. */
export function splitButtons(buttons: unknown): {
	fields: Record<string, string>;
	actions: ActionEntry[];
} {
	const fields: Record<string, string> = {};
	const actions: ActionEntry[] = [];
	for (const button of buttonList(buttons)) {
		let key = buttonKey(button);
		for (let suffix = 2; key in fields; suffix++) key = `${buttonKey(button)}_${suffix}`;
		fields[key] = button.customId;
		actions.push({
			label: displayLabel(button),
			key,
			customId: button.customId,
			needsModal: needsModal(button.customId),
		});
	}
	return { fields, actions };
}
