import type { ModalKind, TaskAction } from './types';

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

/** After an upscale, as Midjourney 6.1 shows them. */
export function upscaleButtons(hash: string): TaskButton[] {
	return [
		button(`MJ::JOB::upsample_v6r1_2x_subtle::1::${hash}::SOLO`, 'Upscale (Subtle)', 'upscale_1'),
		button(`MJ::JOB::upsample_v6r1_2x_creative::1::${hash}::SOLO`, 'Upscale (Creative)', 'upscale_1'),
		button(`MJ::JOB::low_variation::1::${hash}::SOLO`, 'Vary (Subtle)', '🪄'),
		button(`MJ::JOB::high_variation::1::${hash}::SOLO`, 'Vary (Strong)', '🪄'),
		button(`MJ::Inpaint::1::${hash}::SOLO`, 'Vary (Region)', '🖌️'),
		button(`MJ::Outpaint::50::1::${hash}::SOLO`, 'Zoom Out 2x', '🔍'),
		button(`MJ::Outpaint::75::1::${hash}::SOLO`, 'Zoom Out 1.5x', '🔍'),
		button(`MJ::CustomZoom::${hash}`, 'Custom Zoom', '🔍'),
		button(`MJ::JOB::pan_left::1::${hash}::SOLO`, '', '⬅️'),
		button(`MJ::JOB::pan_right::1::${hash}::SOLO`, '', '➡️'),
		button(`MJ::JOB::pan_up::1::${hash}::SOLO`, '', '⬆️'),
		button(`MJ::JOB::pan_down::1::${hash}::SOLO`, '', '⬇️'),
		// trueai's CreateAnimateButtons: labels, ids and emoji as Discord shows them.
		button(`MJ::JOB::animate_high::1::${hash}::SOLO`, 'Animate (High motion)', '🎞️'),
		button(`MJ::JOB::animate_low::1::${hash}::SOLO`, 'Animate (Low motion)', '🎞️'),
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
}

const EFFECTS: Array<[RegExp, (m: RegExpMatchArray) => ButtonEffect]> = [
	[/^MJ::JOB::upsample::([1-4])::/, (m) => ({ action: 'UPSCALE', result: 'single', remixable: false, index: Number(m[1]) })],
	[/^MJ::JOB::upsample_v[0-9a-z]+_[0-9a-z_]+::1::/, () => ({ action: 'UPSCALE', result: 'single', remixable: false })],
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

/** The button set a finished task of this shape shows (`count`: videos in a VIDEO batch). */
export function buttonsFor(result: ButtonEffect['result'] | 'shorten', hash: string, count = 4): TaskButton[] {
	if (result === 'grid') return gridButtons(hash);
	if (result === 'single') return upscaleButtons(hash);
	if (result === 'video') return videoButtons(hash, count);
	if (result === 'videoUpscale') return videoUpscaleButtons(hash);
	if (result === 'shorten') return shortenButtons();
	return describeButtons();
}
