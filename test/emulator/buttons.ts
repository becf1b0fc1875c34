import type { ModalKind, TaskAction } from './types';
import { versionNumber, type MjVersion } from './versions';

export interface TaskButton {
	customId: string;
	emoji: string;
	label: string;
	type: 2;
	/** 2: not used yet; 3: already pressed. */
	style: number;
}

function button(customId: string, label: string, emoji = ''): TaskButton {
	return { customId, emoji, label, type: 2, style: 2 };
}

const QUARTERS = [1, 2, 3, 4];

/** After IMAGINE / VARIATION / REROLL / BLEND / PAN / ZOOM / INPAINT: U1..U4, 🔄, V1..V4. */
export function gridButtons(hash: string): TaskButton[] {
	return [
		...QUARTERS.map((n) => button(`MJ::JOB::upsample::${n}::${hash}`, `U${n}`)),
		button(`MJ::JOB::reroll::0::${hash}::SOLO`, '', '🔄'),
		...QUARTERS.map((n) => button(`MJ::JOB::variation::${n}::${hash}`, `V${n}`)),
	];
}

/**
 * The two upscale buttons of a version, as the reference server's CreateUpscaleButtons
 * (trueai-org/midjourney-proxy, src/Midjourney.Base/Models/CustomComponentModel.cs):
 * none on V8 and before V5, "Upscale (2x)/(4x)" on V5, "Upscale (Subtle/Creative)" after.
 */
function versionUpscaleButtons(hash: string, version: MjVersion): TaskButton[] {
	const number = versionNumber(version);
	let types: [string, string];
	let labels: [string, string] = ['Upscale (Subtle)', 'Upscale (Creative)'];
	if (version.startsWith('v 8')) return [];
	if (version.startsWith('v 7') || version.startsWith('niji 7')) types = ['v7_2x_subtle', 'v7_2x_creative'];
	else if (version.startsWith('v 6.1')) types = ['v6r1_2x_subtle', 'v6r1_2x_creative'];
	else if (version.startsWith('v 6') || version.startsWith('niji 6')) types = ['v6_2x_subtle', 'v6_2x_creative'];
	else if (version.startsWith('v 5') || version.startsWith('niji 5')) {
		types = ['v5_2x', 'v5_4x'];
		labels = ['Upscale (2x)', 'Upscale (4x)'];
	} else if (!(number >= 5)) return [];
	else types = [`v${number}_2x_subtle`, `v${number}_2x_creative`];
	return [
		button(`MJ::JOB::upsample_${types[0]}::1::${hash}::SOLO`, labels[0], 'upscale_1'),
		button(`MJ::JOB::upsample_${types[1]}::1::${hash}::SOLO`, labels[1], 'upscale_1'),
	];
}

/** Vary (Subtle/Strong), and Vary (Region) from V5 on (CreateVaryButtons). */
function varyButtons(hash: string, version: MjVersion): TaskButton[] {
	return [
		button(`MJ::JOB::low_variation::1::${hash}::SOLO`, 'Vary (Subtle)', '🪄'),
		button(`MJ::JOB::high_variation::1::${hash}::SOLO`, 'Vary (Strong)', '🪄'),
		...(versionNumber(version) >= 5 ? [button(`MJ::Inpaint::1::${hash}::SOLO`, 'Vary (Region)', '🖌️')] : []),
	];
}

/** V5 to V7 only: "v8 removed zoom and pan, done in the editor instead" (CreateZoomButtons, CreatePanButtons). */
function hasZoomAndPan(version: MjVersion): boolean {
	const number = versionNumber(version);
	return number >= 5 && number < 8;
}

function zoomButtons(hash: string): TaskButton[] {
	return [
		button(`MJ::Outpaint::50::1::${hash}::SOLO`, 'Zoom Out 2x', '🔍'),
		button(`MJ::Outpaint::75::1::${hash}::SOLO`, 'Zoom Out 1.5x', '🔍'),
		button(`MJ::CustomZoom::${hash}`, 'Custom Zoom', '🔍'),
	];
}

function panButtons(hash: string): TaskButton[] {
	return [
		button(`MJ::JOB::pan_left::1::${hash}::SOLO`, '', '⬅️'),
		button(`MJ::JOB::pan_right::1::${hash}::SOLO`, '', '➡️'),
		button(`MJ::JOB::pan_up::1::${hash}::SOLO`, '', '⬆️'),
		button(`MJ::JOB::pan_down::1::${hash}::SOLO`, '', '⬇️'),
	];
}

/** trueai's CreateAnimateButtons: labels, ids and emoji as Discord shows them. */
function animateButtons(hash: string): TaskButton[] {
	return [
		button(`MJ::JOB::animate_high::1::${hash}::SOLO`, 'Animate (High motion)', '🎞️'),
		button(`MJ::JOB::animate_low::1::${hash}::SOLO`, 'Animate (Low motion)', '🎞️'),
	];
}

/**
 * After an upscale (U1..U4) of a task of `version`, as the reference's OnUpscaleButtons
 * (src/Midjourney.Base/Models/TaskInfo.cs): upscale, vary, zoom, pan, animate, 🔄.
 * `version` defaults to 6.1, the one version every button exists on.
 */
export function upscaleButtons(hash: string, version: MjVersion = 'v 6.1'): TaskButton[] {
	const zoomAndPan = hasZoomAndPan(version);
	return [
		...versionUpscaleButtons(hash, version),
		...varyButtons(hash, version),
		...(zoomAndPan ? [...zoomButtons(hash), ...panButtons(hash)] : []),
		...animateButtons(hash),
		button(`MJ::JOB::reroll::0::${hash}::SOLO`, '', '🔄'),
	];
}

/** After Upscale (Subtle/Creative) (OnUpscale2xButtons): vary, zoom, animate, 🔄; no second upscale, no pan. */
export function upscale2xButtons(hash: string, version: MjVersion): TaskButton[] {
	return [
		...varyButtons(hash, version),
		...(hasZoomAndPan(version) ? zoomButtons(hash) : []),
		...animateButtons(hash),
		button(`MJ::JOB::reroll::0::${hash}::SOLO`, '', '🔄'),
	];
}

/** After a VIDEO batch of `count` videos: U1..U{count} (upscale that video) and 🔄, as trueai's SetVideoUpscaleButtons. */
export function videoButtons(hash: string, count = 4): TaskButton[] {
	return [
		...QUARTERS.slice(0, count).map((n) => button(`MJ::JOB::video_virtual_upscale::${n}::${hash}`, `U${n}`)),
		button(`MJ::JOB::reroll::0::${hash}::SOLO`, '', '🔄'),
	];
}

/** After upscaling one video: extend it (about 4 s more), as trueai's SetVideoExtendButtons. */
export function videoUpscaleButtons(hash: string): TaskButton[] {
	return [
		button(`MJ::JOB::animate_high_extend::1::${hash}`, 'Extend (High motion)', '🎞️'),
		button(`MJ::JOB::animate_low_extend::1::${hash}`, 'Extend (Low motion)', '🎞️'),
	];
}

const KEYCAPS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];

/** After DESCRIBE: imagine from suggestion 1..4, and retry. These ids carry no hash. */
export function describeButtons(): TaskButton[] {
	return [
		...QUARTERS.map((n) => button(`MJ::Job::PicReader::${n}`, '', KEYCAPS[n - 1])),
		button('MJ::Picread::Retry', '', '🔄'),
	];
}

/** After SHORTEN: imagine from shortened prompt 1..5 (each opens a MODAL). These ids carry no hash. */
export function shortenButtons(): TaskButton[] {
	return [1, 2, 3, 4, 5].map((n) => button(`MJ::Job::PromptAnalyzer::${n}`, '', KEYCAPS[n - 1]));
}

/** What pressing a button produces. */
export interface ButtonEffect {
	action: TaskAction;
	/** The picture the new task ends with. */
	result: 'grid' | 'single' | 'describe' | 'video' | 'videoUpscale';
	/** Always opens a dialog (code 21, MODAL). */
	modal?: ModalKind;
	/** Opens a dialog when the submit has enableRemix. */
	remixable: boolean;
	/** U1..U4: which quarter (or video); PicReader / PromptAnalyzer: which suggestion. */
	index?: number;
	/** Animate / Extend. */
	motion?: 'high' | 'low';
	extend?: boolean;
	/** Upscale (Subtle/Creative/2x/4x): an upscale of an upscale. */
	upscale2x?: boolean;
}

const EFFECTS: Array<[RegExp, (m: RegExpMatchArray) => ButtonEffect]> = [
	[/^MJ::JOB::upsample::([1-4])::/, (m) => ({ action: 'UPSCALE', result: 'single', remixable: false, index: Number(m[1]) })],
	[/^MJ::JOB::upsample_v[0-9a-z.]+_[0-9a-z_]+::1::/, () => ({ action: 'UPSCALE', result: 'single', remixable: false, upscale2x: true })],
	[/^MJ::JOB::variation::([1-4])::/, (m) => ({ action: 'VARIATION', result: 'grid', remixable: true, index: Number(m[1]) })],
	[/^MJ::JOB::(low|high)_variation::1::/, () => ({ action: 'VARIATION', result: 'grid', remixable: true })],
	[/^MJ::JOB::reroll::0::/, () => ({ action: 'REROLL', result: 'grid', remixable: true })],
	[/^MJ::JOB::pan_(left|right|up|down)::1::/, () => ({ action: 'PAN', result: 'grid', remixable: true })],
	[/^MJ::Outpaint::(50|75)::1::/, () => ({ action: 'ZOOM', result: 'grid', remixable: false })],
	[/^MJ::Inpaint::1::/, () => ({ action: 'INPAINT', result: 'grid', remixable: false, modal: 'inpaint' })],
	[/^MJ::CustomZoom::/, () => ({ action: 'ZOOM', result: 'grid', remixable: false, modal: 'customZoom' })],
	[/^MJ::Job::PicReader::([1-4])$/, (m) => ({ action: 'IMAGINE', result: 'grid', remixable: false, modal: 'picReader', index: Number(m[1]) })],
	[/^MJ::Picread::Retry$/, () => ({ action: 'DESCRIBE', result: 'describe', remixable: false })],
	[/^MJ::JOB::video_virtual_upscale::([1-4])::/, (m) => ({ action: 'UPSCALE', result: 'videoUpscale', remixable: false, index: Number(m[1]) })],
	// Animate and Extend ask for a prompt (MJ::AnimateModal::prompt) when remix is on.
	[/^MJ::JOB::animate_(high|low)::1::/, (m) => ({ action: 'VIDEO', result: 'video', remixable: true, motion: m[1] as 'high' | 'low' })],
	[
		/^MJ::JOB::animate_(high|low)_extend::([1-4])::/,
		(m) => ({ action: 'VIDEO', result: 'video', remixable: true, motion: m[1] as 'high' | 'low', extend: true, index: Number(m[2]) }),
	],
	[/^MJ::Job::PromptAnalyzer::([1-5])$/, (m) => ({ action: 'IMAGINE', result: 'grid', remixable: false, modal: 'promptAnalyzer', index: Number(m[1]) })],
];

export function buttonEffect(customId: string): ButtonEffect | undefined {
	for (const [pattern, effect] of EFFECTS) {
		const match = customId.match(pattern);
		if (match) return effect(match);
	}
	return undefined;
}

/** The button set a finished task of this shape shows. */
export function buttonsFor(
	result: ButtonEffect['result'] | 'shorten',
	hash: string,
	/** count: videos in a VIDEO batch; version: the task's (see versions.ts); upscale2x: see ButtonEffect */
	{ count = 4, version = 'v 6.1', upscale2x = false }: { count?: number; version?: MjVersion; upscale2x?: boolean } = {},
): TaskButton[] {
	if (result === 'grid') return gridButtons(hash);
	if (result === 'single') return upscale2x ? upscale2xButtons(hash, version) : upscaleButtons(hash, version);
	if (result === 'video') return videoButtons(hash, count);
	if (result === 'videoUpscale') return videoUpscaleButtons(hash);
	if (result === 'shorten') return shortenButtons();
	return describeButtons();
}
