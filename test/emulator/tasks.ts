import { randomInt, randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';

import { buttonsFor } from './buttons';
import { extensionOf, pngSize } from './images';
import { VIDEO_DURATION_SEC, VIDEO_FRAME_COUNT } from './videos';
import { renderingOf, taskVersion } from './versions';
import type {
	BotType,
	EmulatedTask,
	EmulatorOptions,
	ModalKind,
	Picture,
	SpeedMode,
	TaskAction,
} from './types';

let lastIdMs = 0;
let lastIdSeq = 0;

/** 16-digit ids (ms timestamp + 3 digits), unique within the process. */
export function nextTaskId(now = Date.now()): string {
	if (now > lastIdMs) {
		lastIdMs = now;
		lastIdSeq = randomInt(0, 500);
	} else if (++lastIdSeq > 999) {
		lastIdMs++;
		lastIdSeq = 0;
	}
	return `${lastIdMs}${String(lastIdSeq).padStart(3, '0')}`;
}

/** A progress string as a number ('45%' → 45). */
function percent(progress: string): number {
	return parseFloat(progress) || 0;
}

const DISCORD_CHANNEL_ID = 8774786694361674000;
const DISCORD_INSTANCE_ID = 7415633538733103000;
export const INSTANCE_ID = '5e6ca8e1f40e4de6';

const DESCRIBE_SUBJECTS = [
	'four flat colour blocks arranged in a square grid',
	'a minimalist poster of red, green, blue and yellow panels',
	'a bold geometric quilt pattern in primary colours',
	'an abstract colour-field painting with hard edges',
	'a stained glass window with four bright panes',
	'a child’s toy made of coloured wooden cubes',
];
const DESCRIBE_STYLES = [
	'in the style of Piet Mondrian',
	'flat vector illustration',
	'bauhaus design, clean lines',
	'soft studio lighting',
	'risograph print texture',
	'high contrast, bright and clean',
];

function gcd(a: number, b: number): number {
	return b === 0 ? a : gcd(b, a % b);
}

/** Four distinct suggestions with the image's aspect ratio, as describe returns them. */
function describeSuggestions(picture: Picture): string[] {
	let ratio = '1:1';
	const size = picture.kind === 'upload' ? pngSize(picture.body) : undefined;
	if (size && size.width > 0 && size.height > 0) {
		const d = gcd(size.width, size.height);
		ratio = `${size.width / d}:${size.height / d}`;
	}
	const offset = randomInt(0, DESCRIBE_SUBJECTS.length);
	return [0, 1, 2, 3].map((i) => {
		const subject = DESCRIBE_SUBJECTS[(offset + i) % DESCRIBE_SUBJECTS.length];
		const style = DESCRIBE_STYLES[(offset + 2 * i) % DESCRIBE_STYLES.length];
		return `${subject}, ${style} --ar ${ratio}`;
	});
}

const KEYCAPS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣'];
export function joinDescribePrompts(prompts: string[]): string {
	return prompts.map((p, i) => `${KEYCAPS[i]} ${p}`).join('\n\n');
}

/** Words /shorten leaves out of its token list and shortened prompts. */
const SHORTEN_STOP_WORDS = new Set(
	'a an the of on at in into with and to is are was be by for from as its it this that very some'.split(' '),
);

/**
 * Five shortened versions of a prompt, shortest last, its --parameters kept, the way
 * Midjourney's /shorten offers them.
 */
export function shortenSuggestions(prompt: string): string[] {
	const flagAt = prompt.search(/(^|\s)--[a-z]/i);
	const body = flagAt >= 0 ? prompt.slice(0, flagAt) : prompt;
	const params = flagAt >= 0 ? ` ${prompt.slice(flagAt).trim()}` : '';
	const words = body
		.split(/[\s,;.!?]+/)
		.map((w) => w.trim())
		.filter((w) => w !== '');
	const kept = words.filter((w) => !SHORTEN_STOP_WORDS.has(w.toLowerCase()));
	const tokens = kept.length > 0 ? kept : words.length > 0 ? words : [prompt.trim()];
	const take = (share: number) => tokens.slice(0, Math.max(1, Math.ceil(tokens.length * share)));
	return [
		tokens.join(' '),
		tokens.join(', '),
		take(0.75).join(' '),
		take(0.5).join(', '),
		take(0.25).join(' '),
	].map((p) => `${p}${params}`);
}

/** The /shorten answer as trueai stores it (the embed: description and properties.finalPrompt). */
export function shortenDescription(prompt: string, prompts: string[]): string {
	const tokens = prompt
		.replace(/(^|\s)--[a-z].*$/i, '')
		.split(/[\s,;.!?]+/)
		.filter((w) => w !== '')
		.map((w) => (SHORTEN_STOP_WORDS.has(w.toLowerCase()) ? `~~${w}~~` : `**${w}**`))
		.join(' ');
	return `**IMPORTANT TOKENS**\n${tokens}\n\n**Shortened prompts**\n${prompts
		.map((p, i) => `${KEYCAPS_5[i]} ${p}`)
		.join('\n')}`;
}
const KEYCAPS_5 = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣'];

export interface NewTask {
	action: TaskAction;
	prompt: string;
	/** promptEn and properties.finalPrompt when they differ from prompt (video: the full command). */
	promptEn?: string;
	/** Extra properties (e.g. a modal's remix_modal, a video's videoType). */
	properties?: Record<string, unknown>;
	botType: BotType;
	state: string;
	notifyHook?: string;
	mode: SpeedMode | null;
	picture: Picture;
	parentId?: string;
	customId?: string;
	/** Created waiting for /mj/submit/modal. */
	modal?: ModalKind;
	videoCommand?: EmulatedTask['videoCommand'];
	/** Midjourney refuses the prompt: the task is created (and charged), then fails with this reason. */
	refusal?: string;
}

export type Admission = { code: 1 } | { code: 22; numberOfQueues: number } | { code: 23 };

/** The fetch-shaped JSON of a task: what fetch, list-by-condition and notifyHook send. */
export function taskJson(task: EmulatedTask): Record<string, unknown> {
	return {
		id: task.id,
		action: task.action,
		customId: task.customId,
		botType: task.botType,
		prompt: task.prompt,
		promptEn: task.promptEn,
		description: task.description,
		state: task.state,
		submitTime: task.submitTime,
		startTime: task.startTime,
		finishTime: task.finishTime,
		imageUrl: task.imageUrl,
		...(task.imageUrls ? { imageUrls: task.imageUrls.map((u) => ({ ...u })) } : {}),
		...(task.videoUrl !== undefined ? { videoUrl: task.videoUrl } : {}),
		...(task.videoUrls ? { videoUrls: task.videoUrls.map((u) => ({ ...u })) } : {}),
		...(task.videoDuration !== undefined ? { videoDuration: task.videoDuration } : {}),
		...(task.frameCount !== undefined ? { frameCount: task.frameCount } : {}),
		...(task.contentType !== undefined ? { contentType: task.contentType } : {}),
		status: task.status,
		progress: task.progress,
		failReason: task.failReason,
		buttons: task.buttons.map((b) => ({ ...b })),
		maskBase64: '',
		properties: { ...task.properties },
		...(task.parentId ? { parentId: task.parentId } : {}),
	};
}

/**
 * Owns the tasks: the concurrency slots and queue, the lifecycle timers and
 * the notifyHook deliveries.
 */
export class TaskEngine {
	readonly tasks = new Map<string, EmulatedTask>();
	private queue: EmulatedTask[] = [];
	private running = new Set<EmulatedTask>();
	private timers = new Set<NodeJS.Timeout>();
	private hookChains = new Map<string, Promise<void>>();
	/** reorder: a task's callbacks until it ends */
	private heldHooks = new Map<string, string[]>();
	private pendingHooks = 0;
	private idleWaiters = new Set<() => void>();
	private agent = new Agent({ headersTimeout: 10_000, bodyTimeout: 10_000, connect: { timeout: 5_000 } });

	constructor(
		private readonly options: () => EmulatorOptions,
		private readonly baseUrl: () => string,
	) {}

	/** Whether a new task may start now (1), wait (22) or is refused (23). */
	admit(): Admission {
		const { concurrency, queueSize } = this.options();
		if (this.running.size < concurrency && this.queue.length === 0) return { code: 1 };
		if (this.queue.length < queueSize) return { code: 22, numberOfQueues: this.queue.length };
		return { code: 23 };
	}

	/** Creates a task; unless it is a MODAL one, it is queued (call admit() first). */
	create(spec: NewTask): EmulatedTask {
		const { failPrompts, failureRate } = this.options();
		const now = Date.now();
		const id = nextTaskId(now);
		const lowerPrompt = spec.prompt.toLowerCase();
		const task: EmulatedTask = {
			id,
			action: spec.action,
			status: spec.modal ? 'MODAL' : 'NOT_START',
			progress: '0%',
			prompt: spec.prompt,
			promptEn: spec.prompt,
			description: spec.modal ? 'Waiting for window confirm' : 'Submit success',
			state: spec.state,
			submitTime: now,
			startTime: 0,
			finishTime: 0,
			imageUrl: '',
			failReason: '',
			buttons: [],
			properties: {
				botType: spec.botType,
				discordChannelId: DISCORD_CHANNEL_ID,
				discordInstanceId: DISCORD_INSTANCE_ID,
				finalPrompt: spec.prompt,
				finalZhPrompt: '',
				flags: 0,
				messageContent: '',
				messageHash: '',
				messageId: '',
				nonce: `${randomInt(1e9, 2e9)}${randomInt(1e8, 1e9)}`,
				notifyHook: spec.notifyHook ?? '',
				progressMessageId: '',
				...spec.properties,
			},
			botType: spec.botType,
			customId: spec.customId ?? '',
			parentId: spec.parentId,
			mode: spec.mode,
			notifyHook: spec.notifyHook,
			history: [],
			picture: spec.picture,
			refusal: spec.refusal,
			willFail:
				spec.refusal !== undefined ||
				failPrompts.some((p) => p !== '' && lowerPrompt.includes(p.toLowerCase())) ||
				Math.random() < failureRate,
			stuck: false,
			modal: spec.modal,
			videoCommand: spec.videoCommand,
			hash: randomUUID(),
			seed: String(randomInt(1, 4_294_967_295)),
		};
		if (spec.promptEn !== undefined) {
			task.promptEn = spec.promptEn;
			task.properties.finalPrompt = spec.promptEn;
		}
		if (spec.picture.kind === 'shorten') task.shortenPrompts = shortenSuggestions(spec.prompt);
		if (spec.picture.kind === 'upload' || spec.picture.kind === 'link') {
			task.describePrompts = describeSuggestions(spec.picture);
			task.promptEn = '';
			task.properties.finalPrompt = '';
			task.imageUrl = spec.picture.kind === 'upload' ? this.imageUrl(task, 'upload') : spec.picture.url;
		}
		this.tasks.set(id, task);
		this.record(task);
		if (!spec.modal) this.enqueue(task);
		return task;
	}

	/** A MODAL task got its dialog answer: it goes on like a new submit (call admit() first). */
	resumeModal(task: EmulatedTask, prompt: string, promptEn = prompt): void {
		task.prompt = prompt;
		task.promptEn = promptEn;
		task.properties.finalPrompt = promptEn;
		task.description = 'Submit success';
		task.status = 'NOT_START';
		task.submitTime = Date.now();
		task.modal = undefined;
		this.record(task);
		this.enqueue(task);
	}

	private enqueue(task: EmulatedTask): void {
		this.queue.push(task);
		this.pump();
	}

	/** Starts queued tasks while slots are free. */
	pump(): void {
		const { concurrency } = this.options();
		while (this.running.size < concurrency && this.queue.length > 0) {
			this.start(this.queue.shift() as EmulatedTask);
		}
	}

	private start(task: EmulatedTask): void {
		const { taskDurationMs: baseDurationMs, progressSteps, stuckAtProgress } = this.options();
		this.running.add(task);
		task.status = 'SUBMITTED';
		task.progress = '0%';
		task.startTime = Date.now();
		const modeWord = task.mode === 'fast' ? 'fast' : task.mode === 'turbo' ? 'turbo' : 'relaxed';
		task.properties.messageContent = `**${task.prompt}** - <@1343445981269594182> (${modeWord})`;
		this.record(task);

		// A V7+ --draft grid renders in a quarter of the time.
		const version = taskVersion(task.prompt, task.botType, this.options().defaultVersion);
		const taskDurationMs = baseDurationMs * (task.picture.kind === 'grid' ? renderingOf(task.prompt, version).durationFactor : 1);
		const steps = stuckAtProgress
			? [...progressSteps.filter((s) => percent(s) < percent(stuckAtProgress)), stuckAtProgress]
			: progressSteps;
		steps.forEach((step, i) => {
			this.later((taskDurationMs * (i + 1)) / (steps.length + 1), () => {
				task.status = 'IN_PROGRESS';
				task.progress = step;
				if (task.picture.kind === 'grid' || task.picture.kind === 'single') {
					task.imageUrl = this.imageUrl(task, 'preview');
				}
				task.properties.progressMessageId = task.properties.progressMessageId || String(randomInt(1e9, 2e9));
				if (stuckAtProgress && i === steps.length - 1) task.stuck = true;
				this.record(task);
			});
		});
		if (!stuckAtProgress) this.later(taskDurationMs, () => this.finish(task));
	}

	private finish(task: EmulatedTask): void {
		const { failReason, imageUrls } = this.options();
		const now = Date.now();
		task.finishTime = now;
		task.finishedAt = now;
		if (task.willFail) {
			task.status = 'FAILURE';
			task.progress = '';
			task.failReason = task.refusal ?? failReason;
			if (task.picture.kind === 'grid' || task.picture.kind === 'single' || task.picture.kind === 'video') task.imageUrl = '';
		} else {
			task.status = 'SUCCESS';
			task.progress = '100%';
			task.properties.messageHash = task.hash;
			task.properties.messageId = String(randomInt(1e9, 2e9));
			const { picture } = task;
			if (picture.kind === 'grid') {
				task.imageUrl = this.imageUrl(task, 'final');
				task.buttons = buttonsFor('grid', task.hash);
				if (imageUrls) {
					task.imageUrls = [1, 2, 3, 4].map((n) => {
						const url = this.imageUrl(task, n);
						return { url, thumbnail: `${url}width=256` };
					});
				}
			} else if (picture.kind === 'single') {
				task.imageUrl = this.imageUrl(task, 'final');
				const version = taskVersion(task.prompt, task.botType, this.options().defaultVersion);
				task.buttons = buttonsFor('single', task.hash, { version, upscale2x: picture.upscale2x });
			} else if (picture.kind === 'video') {
				const urls = picture.videos.map((_, i) => ({ url: this.videoUrl(task, i, 'mp4'), thumbnail: this.videoUrl(task, i, 'png') }));
				task.videoUrl = urls[0].url;
				task.videoUrls = urls;
				// trueai: a video task's imageUrl is the (first) mp4 itself.
				task.imageUrl = urls[0].url;
				task.videoDuration = VIDEO_DURATION_SEC;
				task.frameCount = VIDEO_FRAME_COUNT;
				task.contentType = 'video/mp4';
				task.buttons = buttonsFor(picture.upscaled ? 'videoUpscale' : 'video', task.hash, { count: picture.videos.length });
				// trueai mirrors videoUrls into imageUrls when it fills those in.
				if (imageUrls) task.imageUrls = urls.map((u) => ({ ...u }));
			} else if (picture.kind === 'shorten') {
				const text = shortenDescription(task.prompt, task.shortenPrompts ?? []);
				task.description = text;
				task.properties.finalPrompt = text;
				task.buttons = buttonsFor('shorten', task.hash);
			} else {
				const joined = joinDescribePrompts(task.describePrompts ?? []);
				task.promptEn = joined;
				task.properties.finalPrompt = joined;
				task.buttons = buttonsFor('describe', task.hash);
			}
		}
		this.running.delete(task);
		this.record(task);
		this.pump();
	}

	/** Base of the URLs put in tasks. */
	publicBase(): string {
		return this.options().publicUrl ?? this.baseUrl();
	}

	/** The URL /images serves for a task; Discord-style query (ex/is/hm) included. */
	imageUrl(task: EmulatedTask, variant: 'final' | 'preview' | 'upload' | number): string {
		const base = this.options().publicUrl ?? this.baseUrl();
		const seconds = Math.floor(Date.now() / 1000);
		const query = `ex=${(seconds + 86_400).toString(16)}&is=${seconds.toString(16)}&hm=${task.hash.replace(/-/g, '')}&`;
		if (variant === 'preview') return `${base}/images/${task.id}_preview.png?progress=${parseInt(task.progress, 10) || 0}&${query}`;
		if (variant === 'upload' && task.picture.kind === 'upload') {
			return `${base}/images/${task.id}.${extensionOf(task.picture.contentType)}?${query}`;
		}
		if (typeof variant === 'number') return `${base}/images/${task.id}_${variant}.png?${query}`;
		return `${base}/images/${task.id}.png?${query}`;
	}

	/** An mp4 (or its PNG thumbnail) of a finished video task, in the CDN's `{job}/0_{i}` shape. */
	videoUrl(task: EmulatedTask, index: number, extension: 'mp4' | 'png'): string {
		const base = this.options().publicUrl ?? this.baseUrl();
		const seconds = Math.floor(Date.now() / 1000);
		const query = `ex=${(seconds + 86_400).toString(16)}&is=${seconds.toString(16)}&hm=${task.hash.replace(/-/g, '')}&`;
		return `${base}/video/${task.id}/0_${index}.${extension}?${query}`;
	}

	private later(ms: number, fn: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		this.timers.add(timer);
	}

	/** Notes a change: history, notifyHook, idle waiters. */
	private record(task: EmulatedTask): void {
		task.history.push({ at: Date.now(), status: task.status, progress: task.progress });
		if (task.notifyHook && task.status !== 'NOT_START' && task.status !== 'MODAL') {
			this.notify(task, task.notifyHook, JSON.stringify(taskJson(task)));
		}
		this.checkIdle();
	}

	/** A change's callback, through the hook fault knobs. */
	private notify(task: EmulatedTask, url: string, body: string): void {
		const faults = this.options().hookFaults ?? {};
		const final = task.status === 'SUCCESS' || task.status === 'FAILURE' || task.status === 'CANCEL';
		if (faults.drop === 'all' || (faults.drop === 'final' && final)) return;
		const copies = faults.duplicate ? 2 : 1;
		if (!faults.reorder) {
			for (let copy = 0; copy < copies; copy++) this.sendHook(task.id, url, body);
			return;
		}
		const held = this.heldHooks.get(task.id) ?? [];
		for (let copy = 0; copy < copies; copy++) held.push(body);
		this.heldHooks.set(task.id, held);
		if (!final) return;
		this.heldHooks.delete(task.id);
		for (const heldBody of held.reverse()) this.sendHook(task.id, url, heldBody);
	}

	/** Callbacks of one task go out one after another so they arrive in order; no retries. */
	private sendHook(taskId: string, url: string, body: string): void {
		this.pendingHooks++;
		const previous = this.hookChains.get(taskId) ?? Promise.resolve();
		const next = previous
			.then(() => this.postHook(url, body))
			.finally(() => {
				this.pendingHooks--;
				if (this.hookChains.get(taskId) === next) this.hookChains.delete(taskId);
				this.checkIdle();
			});
		this.hookChains.set(taskId, next);
	}

	private async postHook(url: string, body: string): Promise<void> {
		try {
			const response = await request(url, {
				method: 'POST',
				body,
				headers: { 'content-type': 'application/json' },
				dispatcher: this.agent,
			});
			await response.body.dump();
			if (response.statusCode >= 300) this.options().logger?.(`notifyHook ${url} answered ${response.statusCode}`);
		} catch (error) {
			this.options().logger?.(`notifyHook ${url} failed: ${(error as Error).message}`);
		}
	}

	isIdle(): boolean {
		return this.pendingHooks === 0 && [...this.running].every((t) => t.stuck);
	}

	private checkIdle(): void {
		if (this.idleWaiters.size === 0 || !this.isIdle()) return;
		for (const resolve of [...this.idleWaiters]) resolve();
	}

	waitForIdle(timeoutMs = 30_000): Promise<void> {
		if (this.isIdle()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const done = () => {
				clearTimeout(timer);
				this.idleWaiters.delete(done);
				resolve();
			};
			const timer = setTimeout(() => {
				this.idleWaiters.delete(done);
				reject(new Error(`emulator not idle after ${timeoutMs} ms`));
			}, timeoutMs);
			timer.unref();
			this.idleWaiters.add(done);
		});
	}

	/** Drops all tasks and timers (hooks already sent are left to finish). */
	reset(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.tasks.clear();
		this.heldHooks.clear();
		this.queue = [];
		this.running.clear();
		this.checkIdle();
	}

	async close(): Promise<void> {
		this.reset();
		// Give callbacks in flight a moment, then cut them off.
		const inFlight = Promise.allSettled([...this.hookChains.values()]);
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([inFlight, new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
		clearTimeout(timer);
		await this.agent.destroy();
	}
}
