import { displayLabel, findButton, type MjButton } from './buttons';
import type { MjTask } from './task';

/**
 * Which Midjourney versions offer which buttons after an upscale, so that an
 * Action for a button the task's version lacks says so. As Midjourney and the
 * reference server build them (trueai-org/midjourney-proxy,
 * src/Midjourney.Base/Models/CustomComponentModel.cs): V8 / V8.1, the default
 * since 2026-06-10, drop Upscale, Zoom and Pan ("done in the editor"); V5 has
 * Upscale (2x)/(4x) in place of (Subtle)/(Creative).
 */
interface VersionDependent {
	/** one button of each kind, as a server sends it, to recognise what the user typed */
	buttons: MjButton[];
	offeredOn: string;
	offeredBy: (version: number) => boolean;
	/** the prompt flag that brings them back */
	pin: string;
	/** what a V8 user does instead */
	instead?: string;
}

const button = (customId: string, label: string, emoji = ''): MjButton => ({
	customId,
	label,
	emoji,
});

const VERSION_DEPENDENT: VersionDependent[] = [
	{
		buttons: [
			button('MJ::JOB::upsample_v7_2x_subtle::1::h::SOLO', 'Upscale (Subtle)'),
			button('MJ::JOB::upsample_v7_2x_creative::1::h::SOLO', 'Upscale (Creative)'),
		],
		offeredOn: 'V6, V6.1, V7 and Niji 6 to 7',
		offeredBy: (version) => version >= 6 && version < 8,
		pin: '--v 7',
		instead: 'V8.1 renders 2K itself with --hd',
	},
	{
		buttons: [
			button('MJ::JOB::upsample_v5_2x::1::h::SOLO', 'Upscale (2x)'),
			button('MJ::JOB::upsample_v5_4x::1::h::SOLO', 'Upscale (4x)'),
		],
		offeredOn: 'V5',
		offeredBy: (version) => version >= 5 && version < 6,
		pin: '--v 5.2',
	},
	{
		buttons: [
			button('MJ::Outpaint::50::1::h::SOLO', 'Zoom Out 2x'),
			button('MJ::Outpaint::75::1::h::SOLO', 'Zoom Out 1.5x'),
			button('MJ::CustomZoom::h', 'Custom Zoom'),
			button('MJ::JOB::pan_left::1::h::SOLO', '', '⬅️'),
			button('MJ::JOB::pan_right::1::h::SOLO', '', '➡️'),
			button('MJ::JOB::pan_up::1::h::SOLO', '', '⬆️'),
			button('MJ::JOB::pan_down::1::h::SOLO', '', '⬇️'),
		],
		offeredOn: 'V5 to V7',
		offeredBy: (version) => version >= 5 && version < 8,
		pin: '--v 7',
		instead: 'on V8 zoom and pan are done with the Edit operation',
	},
];

export interface PromptVersion {
	/** `V7`, `V6.1`, `Niji 6` */
	name: string;
	number: number;
	niji: boolean;
}

/** The version a task's prompt names with --v, --version or --niji (a bare --niji is Niji 7). */
export function promptVersion(task: MjTask): PromptVersion | undefined {
	const prompt = [task.promptEn, task.prompt, task.properties?.finalPrompt].find(
		(text): text is string => typeof text === 'string' && text !== '',
	);
	if (prompt === undefined) return undefined;
	const version = /(?:^|\s)--(?:v|version)\s+(\d+(?:\.\d+)?)(?=\s|$)/i.exec(prompt)?.[1];
	const niji = /(?:^|\s)--niji(?:\s+(\d+(?:\.\d+)?))?(?=\s|$)/i.exec(prompt);
	if (niji) {
		const number = version ?? niji[1] ?? '7';
		return { name: `Niji ${number}`, number: Number(number), niji: true };
	}
	return version ? { name: `V${version}`, number: Number(version), niji: false } : undefined;
}

/**
 * When `wanted` names a button the task's version does not offer, the words
 * saying so ("V8.1 tasks offer no Upscale (Subtle)") and what to do; undefined
 * for any other button, or when the version does offer it (then something else
 * took it away, such as an upscale of an upscale, which has no second one).
 */
export function versionLacksButton(
	task: MjTask,
	wanted: string,
): { lacks: string; remedy: string } | undefined {
	for (const entry of VERSION_DEPENDENT) {
		const known = findButton(entry.buttons, wanted);
		if (!known) continue;
		const version = promptVersion(task);
		if (version && entry.offeredBy(version.number)) return undefined;
		const whose = version
			? `${version.name} tasks offer`
			: "This task's Midjourney version (its prompt has no --v, so the account's default: V8.1 on Midjourney today) offers";
		return {
			lacks: `${whose} no ${displayLabel(known)}`,
			remedy: `Only ${entry.offeredOn} offer it: add ${entry.pin} to the Imagine prompt${entry.instead ? `, or ${entry.instead}` : ''}.`,
		};
	}
	return undefined;
}
