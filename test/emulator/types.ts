import type { TaskButton } from './buttons';

export type AuthStyle = 'bearer' | 'raw' | 'mjApiSecret';
export type SpeedMode = 'fast' | 'turbo' | 'relax';
export type BotType = 'MID_JOURNEY' | 'NIJI_JOURNEY';

export type TaskStatus =
	| 'NOT_START'
	| 'SUBMITTED'
	| 'IN_PROGRESS'
	| 'SUCCESS'
	| 'FAILURE'
	| 'MODAL'
	| 'CANCEL';

export type TaskAction =
	| 'IMAGINE'
	| 'UPSCALE'
	| 'VARIATION'
	| 'REROLL'
	| 'DESCRIBE'
	| 'BLEND'
	| 'PAN'
	| 'ZOOM'
	| 'INPAINT'
	// trueai's names: /mj/submit/video and Animate / Extend make VIDEO; /mj/submit/edits EDIT,
	// /mj/submit/retexture RETEXTURE, /mj/submit/shorten SHORTEN. Upscaling one video of a
	// VIDEO batch (video_virtual_upscale) is an UPSCALE, as trueai records it.
	| 'VIDEO'
	| 'EDIT'
	| 'RETEXTURE'
	| 'SHORTEN';

export type FaultTarget = 'submit' | 'fetch' | 'list' | 'image' | 'any';
export type FaultKind =
	| '429'
	| '500'
	| '502'
	| '503'
	| 'drop-before'
	| 'drop-after'
	| 'malformed'
	| 'empty'
	| 'slow';

export interface FaultRule {
	target: FaultTarget;
	kind: FaultKind;
	/** How many matching requests it hits (default: all of them). */
	times?: number;
	/** Hit only every Nth matching request (the Nth, 2Nth, ...). */
	everyNth?: number;
	/** Retry-After header (seconds) on 429 / 503. */
	retryAfterSec?: number;
	/** Delay before answering, for 'slow' (default 2000). */
	delayMs?: number;
}

export type ImageKind = 'grid' | 'single' | 'quarter';
export type ImageFilter = (
	png: Buffer,
	info: { taskId: string; kind: ImageKind },
) => Buffer | { body: Buffer; contentType: string };

export interface EmulatorOptions {
	port: number;
	host: string;
	/** Base of the image URLs put in tasks; defaults to the server's own URL. */
	publicUrl?: string;
	/** undefined: no auth at all. styles default to all three. */
	auth?: { key: string; styles?: AuthStyle[] };
	/** Time from SUBMITTED to the terminal state. */
	taskDurationMs: number;
	progressSteps: string[];
	concurrency: number;
	queueSize: number;
	failureRate: number;
	failReason: string;
	/** A prompt containing one of these fails (deterministic). */
	failPrompts: string[];
	/** Tasks reach this progress and never finish. */
	stuckAtProgress?: string;
	bannedWords: string[];
	idsAsNumbers: 'never' | 'always' | 'alternate';
	imageUrls: boolean;
	supportListByCondition: boolean;
	unknownFetch: 'newapi' | 'java' | 'csharp';
	/** Longer side of a grid in px (a square grid has four imageSize/2 quarters). */
	imageSize: number;
	/**
	 * The Midjourney version of a prompt without --v / --version / --niji (the account's
	 * default): '8.1' as Midjourney and the reference server since 2026, '7' for the V7 buttons.
	 */
	defaultVersion: string;
	imageFilter?: ImageFilter;
	faults: FaultRule[];
	/** Request bodies above this get HTTP 413. */
	maxBodyBytes: number;
	/**
	 * Serve every mp4 padded to this many bytes (a trailing `free` box, still playable),
	 * streamed without holding it in memory: for memory benchmarks. Unset: the small fixtures.
	 */
	videoSizeBytes?: number;
	/** One line per request and hook errors; silent by default. */
	logger?: (line: string) => void;
	/** How notifyHook callbacks misbehave (default: each change once, in order). */
	hookFaults?: HookFaults;
}

/** Callback faults seen on real gateways. */
export interface HookFaults {
	/** every callback is sent twice */
	duplicate?: boolean;
	/** a task's callbacks are held until it ends, then sent newest first (the final one before the progress ones) */
	reorder?: boolean;
	/** 'all': no callback at all (a gateway that does not forward notifyHook); 'final': the final one is lost */
	drop?: 'all' | 'final';
}

export type RequestKind =
	| 'submit-imagine'
	| 'submit-action'
	| 'submit-modal'
	| 'submit-blend'
	| 'submit-describe'
	| 'submit-video'
	| 'submit-edits'
	| 'submit-shorten'
	| 'submit-upload'
	| 'fetch'
	| 'list'
	| 'image'
	/** An mp4 download; the `image` fault target hits it too. */
	| 'video'
	| 'seed'
	| 'other';

export interface RequestLogEntry {
	/** When the request arrived (ms). */
	at: number;
	method: string;
	/** Path without the speed-mode prefix and without the query. */
	path: string;
	mode: SpeedMode | null;
	kind: RequestKind;
	/** 0 while in flight and for dropped connections. */
	status: number;
	body?: unknown;
	taskIds?: string[];
	createdTaskId?: string;
	fault?: FaultKind;
	authHeaderPresent: boolean;
}

/** What /images serves for a task. */
export type Picture =
	| { kind: 'grid'; width: number; height: number }
	| { kind: 'single'; width: number; height: number; colour: number; upscale2x?: boolean }
	| { kind: 'upload'; body: Buffer; contentType: string }
	| { kind: 'link'; url: string }
	/**
	 * A VIDEO batch (or, upscaled, the one video picked): `videos` are the fixture numbers
	 * (0..3, see videos.ts) of the mp4s served, in order.
	 */
	| { kind: 'video'; videos: number[]; upscaled: boolean }
	/** SHORTEN: text only. */
	| { kind: 'shorten' };

export type ModalKind = 'inpaint' | 'customZoom' | 'remix' | 'picReader' | 'animate' | 'promptAnalyzer';

export interface EmulatedTask {
	id: string;
	action: TaskAction;
	status: TaskStatus;
	progress: string;
	prompt: string;
	promptEn: string;
	description: string;
	state: string;
	submitTime: number;
	startTime: number;
	finishTime: number;
	imageUrl: string;
	imageUrls?: Array<{ url: string; thumbnail: string }>;
	/** Finished video tasks (VIDEO, and UPSCALE of a video): the first mp4. */
	videoUrl?: string;
	/** One per video of the batch (trueai's shape). */
	videoUrls?: Array<{ url: string; thumbnail: string }>;
	/** Seconds, and frames, of the served mp4 (the fixtures: 1 s, 24 frames). */
	videoDuration?: number;
	frameCount?: number;
	contentType?: string;
	failReason: string;
	buttons: TaskButton[];
	properties: Record<string, unknown>;
	botType: BotType;
	customId: string;
	parentId?: string;
	// Bookkeeping below is not part of the fetch JSON.
	mode: SpeedMode | null;
	notifyHook?: string;
	/** Date.now() when the task became SUCCESS or FAILURE. */
	finishedAt?: number;
	/** Every status/progress change, in order. */
	history: Array<{ at: number; status: TaskStatus; progress: string }>;
	picture: Picture;
	willFail: boolean;
	/** Why Midjourney refused the prompt (promptRefusals.ts): the failReason. */
	refusal?: string;
	/** Reached stuckAtProgress: will never finish. */
	stuck: boolean;
	modal?: ModalKind;
	/** The message hash the buttons carry. */
	hash: string;
	seed: string;
	/** For DESCRIBE: the four suggested prompts. */
	describePrompts?: string[];
	/** For SHORTEN: the five shortened prompts. */
	shortenPrompts?: string[];
	/** For video tasks: what goes around the prompt in promptEn (first frame; --video, --motion ...). */
	videoCommand?: { before: string; after: string };
}

export interface Emulator {
	/** http://127.0.0.1:PORT */
	url: string;
	port: number;
	close(): Promise<void>;
	/** Live log of every request received. */
	requests: RequestLogEntry[];
	tasks: Map<string, EmulatedTask>;
	/** Ids of all tasks created, in creation order. */
	createdTaskIds(): string[];
	setOptions(partial: Partial<EmulatorOptions>): void;
	/** Clears the request log, the tasks and all timers and fault counters. */
	reset(): void;
	/** Resolves when no task is queued or running (stuck ones excepted) and no hook is in flight. */
	waitForIdle(timeoutMs?: number): Promise<void>;
	options: Readonly<EmulatorOptions>;
}
