import type { IncomingMessage, ServerResponse } from 'node:http';

import { buttonEffect } from './buttons';
import { FaultCounter, isAfterFault, isAnswerFault } from './faults';
import {
	BLEND_DIMENSIONS,
	QUARTER_COLOURS,
	aspectRatioOf,
	blendRatio,
	parseDataUri,
	pictureSize,
	previewColour,
	renderFlat,
	renderGrid,
	extensionOf,
	type BlendDimensions,
	type Rgba,
} from './images';
import { INSTANCE_ID, nextTaskId, taskJson, type NewTask, type TaskEngine } from './tasks';
import { promptRefusal } from './promptRefusals';
import { VIDEO_SIZE, mediaSlice, paddedMp4, parseRange, videoFixture, type MediaBody } from './videos';
import { renderingOf, taskVersion } from './versions';
import type {
	BotType,
	EmulatedTask,
	EmulatorOptions,
	FaultRule,
	ImageKind,
	Picture,
	RequestKind,
	RequestLogEntry,
	SpeedMode,
} from './types';

/** An answer before serialisation. */
interface Reply {
	status: number;
	json?: unknown;
	bytes?: Buffer;
	text?: string;
	contentType?: string;
	headers?: Record<string, string>;
	createdTaskId?: string;
	taskIds?: string[];
	/** Streamed instead of bytes: bytes [start, end) of a media file (mp4s). */
	media?: { body: MediaBody; start: number; end: number };
}

interface Route {
	kind: RequestKind;
	/** The id in /mj/task/{id}/... or /images/{id}... */
	id?: string;
	/** Image variant: final, preview or quarter 1..4. */
	variant?: string;
	/** /mj/submit/change: the legacy spelling of action. */
	legacyChange?: boolean;
	/** Which submit path (e.g. retexture vs edits). */
	submit?: string;
	/** /video/{id}/0_{index}.{mp4|png}: a video of a task's batch, or its thumbnail. */
	video?: { index: number; ext: 'mp4' | 'png' };
	/** /attachments/{id}/{name}: an uploaded file. */
	upload?: boolean;
	/** The Range header, for media. */
	range?: string;
}

type Body = Record<string, unknown>;

const BOT_TYPES: readonly BotType[] = ['MID_JOURNEY', 'NIJI_JOURNEY'];
const MODE_PREFIX = /^\/(?:mj-)?(fast|turbo|relax)(?=\/mj\/)/;
const SUBMIT_KINDS: Record<string, RequestKind> = {
	imagine: 'submit-imagine',
	action: 'submit-action',
	change: 'submit-action',
	modal: 'submit-modal',
	blend: 'submit-blend',
	describe: 'submit-describe',
	video: 'submit-video',
	edits: 'submit-edits',
	// trueai routes both spellings to the editor, and retexture (same body) beside it.
	edit: 'submit-edits',
	retexture: 'submit-edits',
	shorten: 'submit-shorten',
	'upload-discord-images': 'submit-upload',
};
/** trueai's SubmitVideoDTO.VideoType values. */
const VIDEO_TYPES = ['vid_1.1_i2v_480', 'vid_1.1_i2v_720'];
const VIDEO_BATCH_SIZES = [1, 2, 4];
const MEDIA_CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(MEDIA_CHUNK);
const NEW_API_401 = { error: { message: 'Invalid token', type: 'new_api_error', code: '' } };
const NGINX_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function splitMode(pathname: string): { mode: SpeedMode | null; path: string } {
	const match = pathname.match(MODE_PREFIX);
	if (!match) return { mode: null, path: pathname };
	return { mode: match[1] as SpeedMode, path: pathname.slice(match[0].length) };
}

function routeOf(method: string, path: string): Route {
	const image = path.match(/^\/images\/(\d+)(?:_([1-4]|preview))?\.[a-z0-9]+$/);
	if (image && (method === 'GET' || method === 'HEAD')) {
		return { kind: 'image', id: image[1], variant: image[2] ?? 'final' };
	}
	if (path.startsWith('/images/')) return { kind: 'image' };
	const video = path.match(/^\/video\/(\d+)\/0_([0-3])\.(mp4|png)$/);
	if (video && (method === 'GET' || method === 'HEAD')) {
		const ext = video[3] as 'mp4' | 'png';
		return { kind: ext === 'mp4' ? 'video' : 'image', id: video[1], video: { index: Number(video[2]), ext } };
	}
	if (path.startsWith('/video/')) return { kind: 'video' };
	const attachment = path.match(/^\/attachments\/(\d+)\/[^/]+$/);
	if (attachment && (method === 'GET' || method === 'HEAD')) return { kind: 'image', id: attachment[1], upload: true };
	if (path.startsWith('/attachments/')) return { kind: 'image', upload: true };
	const submit = path.match(/^\/mj\/submit\/([a-z-]+)$/);
	if (submit && method === 'POST' && Object.hasOwn(SUBMIT_KINDS, submit[1])) {
		return { kind: SUBMIT_KINDS[submit[1]], legacyChange: submit[1] === 'change', submit: submit[1] };
	}
	const task = path.match(/^\/mj\/task\/([^/]+)\/(fetch|image-seed)$/);
	if (task && method === 'GET') return { kind: task[2] === 'fetch' ? 'fetch' : 'seed', id: decodeURIComponent(task[1]) };
	if (path === '/mj/task/list-by-condition' && method === 'POST') return { kind: 'list' };
	return { kind: 'other' };
}

function envelope(code: number, description: string, result: string | number | null = null, properties: Body = {}): Reply {
	return { status: 200, json: { code, description, result, properties } };
}

function notFound(method: string, path: string): Reply {
	return {
		status: 404,
		json: { error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: '', code: '' } },
	};
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** Task ids arrive as strings or as JSON numbers. */
function idOf(value: unknown): string {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return typeof value === 'string' ? value.trim() : '';
}

/** An http(s) URL or an image data URI. */
function isImageSource(value: unknown): boolean {
	return typeof value === 'string' && (/^https?:\/\/\S+$/i.test(value.trim()) || parseDataUri(value) !== undefined);
}

/** promptEn of a video task: first frame, prompt, flags. */
function videoPrompt(command: { before: string; after: string } | undefined, prompt: string): string {
	return command ? [command.before, prompt, command.after].filter((part) => part !== '').join(' ') : prompt;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
		});
		req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The HTTP side of the emulator: routing, auth, validation, faults, images. */
export class EmulatorServer {
	readonly requests: RequestLogEntry[] = [];
	readonly faults = new FaultCounter();
	private submitsAnswered = 0;
	private rateLimitAnswers = 0;
	private pngCache = new Map<string, Buffer>();
	/** Files from /mj/submit/upload-discord-images and data-URI video frames, served at /attachments. */
	private uploads = new Map<string, { body: Buffer; contentType: string }>();

	constructor(
		private readonly options: () => EmulatorOptions,
		private readonly engine: TaskEngine,
	) {}

	reset(): void {
		this.requests.length = 0;
		this.faults.reset();
		this.submitsAnswered = 0;
		this.rateLimitAnswers = 0;
		this.uploads.clear();
	}

	readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
		this.serve(req, res).catch((error: Error) => {
			this.options().logger?.(`emulator error: ${error.stack ?? error.message}`);
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ code: 9, description: `emulator error: ${error.message}` }));
			}
		});
	};

	private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = req.method ?? 'GET';
		const pathname = new URL(req.url ?? '/', 'http://emulator').pathname;
		const { mode, path } = splitMode(pathname);
		const route = routeOf(method, path);
		route.range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
		const entry: RequestLogEntry = {
			at: Date.now(),
			method,
			path,
			mode,
			kind: route.kind,
			status: 0,
			authHeaderPresent: req.headers.authorization !== undefined || req.headers['mj-api-secret'] !== undefined,
		};
		this.requests.push(entry);
		/** Answers, or drops the connection (no reply, or a drop-after fault), and completes the log entry. */
		const finish = (reply: Reply | undefined, fault?: FaultRule) => {
			if (fault) entry.fault = fault.kind;
			if (reply?.createdTaskId) entry.createdTaskId = reply.createdTaskId;
			if (reply?.taskIds) entry.taskIds = reply.taskIds;
			const dropped = !reply || fault?.kind === 'drop-after';
			if (dropped) req.socket.destroy();
			else {
				entry.status = reply.status;
				this.write(res, method, reply, fault);
			}
			this.options().logger?.(
				`${method} ${pathname} ${dropped ? 'dropped' : entry.status}${fault ? ` [fault ${fault.kind}]` : ''}`,
			);
		};

		const raw = method === 'POST' || method === 'PUT' ? await readBody(req, this.options().maxBodyBytes) : Buffer.alloc(0);
		if (raw === 'too-large') return finish({ status: 413, text: 'Request Entity Too Large' });
		let body: Body = {};
		let badJson = false;
		if (raw.length > 0) {
			try {
				const parsed: unknown = JSON.parse(raw.toString('utf8'));
				entry.body = parsed;
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Body;
				else badJson = true;
			} catch {
				badJson = true;
			}
		}

		if (route.kind !== 'image' && route.kind !== 'video') {
			const denied = this.checkAuth(req);
			if (denied) return finish(denied);
		}

		const fault = this.faults.pick(this.options().faults, route.kind);
		if (fault && isAnswerFault(fault.kind)) {
			return finish(fault.kind === 'drop-before' ? undefined : this.faultReply(fault), fault);
		}
		if (fault?.kind === 'slow') await delay(fault.delayMs ?? 2_000);

		const reply = badJson
			? { status: 400, json: { code: 4, description: 'bind_request_body_failed', result: null } }
			: this.dispatch(route, method, path, body, mode);
		finish(reply, fault);
	}

	private checkAuth(req: IncomingMessage): Reply | undefined {
		const { auth } = this.options();
		if (!auth) return undefined;
		const styles = auth.styles ?? ['bearer', 'raw', 'mjApiSecret'];
		const authorization = req.headers.authorization;
		const secret = req.headers['mj-api-secret'];
		if (styles.includes('bearer') && authorization === `Bearer ${auth.key}`) return undefined;
		if (styles.includes('raw') && authorization === auth.key) return undefined;
		if (styles.includes('mjApiSecret') && secret === auth.key) return undefined;
		// Each server family answers in its own shape; new-api (CometAPI) whenever bearer is on.
		if (styles.includes('bearer')) return { status: 401, json: NEW_API_401 };
		if (styles.includes('raw')) return { status: 401, text: 'Unauthorized' };
		return { status: 401, bytes: Buffer.alloc(0) };
	}

	private faultReply(fault: FaultRule): Reply {
		const retryAfter: Record<string, string> =
			fault.retryAfterSec !== undefined ? { 'retry-after': String(fault.retryAfterSec) } : {};
		switch (fault.kind) {
			case '429':
				// The gateway answers 429 with an empty body or an upstream_error object, alternately.
				return this.rateLimitAnswers++ % 2 === 0
					? { status: 429, bytes: Buffer.alloc(0), headers: retryAfter }
					: {
							status: 429,
							headers: retryAfter,
							json: { description: 'fail_to_fetch_midjourney status_code: 429 too many requests', type: 'upstream_error', code: 5 },
						};
			case '500':
				return { status: 500, json: { description: 'upstream internal error', type: 'upstream_error', code: 5 } };
			case '502':
				return { status: 502, text: NGINX_502, contentType: 'text/html' };
			default:
				return {
					status: 503,
					headers: retryAfter,
					json: { description: 'upstream service unavailable', type: 'upstream_error', code: 5 },
				};
		}
	}

	private write(res: ServerResponse, method: string, reply: Reply, fault?: FaultRule): void {
		if (reply.media) return this.writeMedia(res, method, reply, reply.media, fault);
		let contentType = reply.contentType;
		let bytes: Buffer;
		if (reply.json !== undefined) {
			bytes = Buffer.from(JSON.stringify(reply.json));
			contentType ??= 'application/json; charset=utf-8';
		} else if (reply.text !== undefined) {
			bytes = Buffer.from(reply.text);
			contentType ??= 'text/plain; charset=utf-8';
		} else {
			bytes = reply.bytes ?? Buffer.alloc(0);
		}
		let status = reply.status;
		if (fault && isAfterFault(fault.kind)) {
			status = 200;
			if (fault.kind === 'empty') bytes = Buffer.alloc(0);
			else bytes = bytes.length > 2 ? bytes.subarray(0, Math.floor(bytes.length / 2)) : Buffer.from('{"');
			contentType ??= 'application/json; charset=utf-8';
		}
		const headers: Record<string, string | number> = { ...reply.headers };
		if (contentType) headers['content-type'] = contentType;
		if (status !== 204) headers['content-length'] = bytes.length;
		res.writeHead(status, headers);
		res.end(status === 204 || method === 'HEAD' ? undefined : bytes);
	}

	/** Streams a media reply in chunks (the padded zeros are never held in memory); after-faults cut it short. */
	private writeMedia(res: ServerResponse, method: string, reply: Reply, media: NonNullable<Reply['media']>, fault?: FaultRule): void {
		let { status } = reply;
		let end = media.end;
		if (fault && isAfterFault(fault.kind)) {
			status = 200;
			end = fault.kind === 'empty' ? media.start : media.start + Math.floor((media.end - media.start) / 2);
		}
		const headers: Record<string, string | number> = { ...reply.headers, 'content-length': end - media.start };
		if (reply.contentType) headers['content-type'] = reply.contentType;
		res.writeHead(status, headers);
		if (method === 'HEAD') {
			res.end();
			return;
		}
		const pump = async () => {
			let at = media.start;
			while (at < end && !res.destroyed) {
				const next = Math.min(end, at + MEDIA_CHUNK);
				const chunk = at >= media.body.head.length ? ZEROS.subarray(0, next - at) : mediaSlice(media.body, at, next);
				at = next;
				if (!res.write(chunk)) {
					await new Promise<void>((resolve) => {
						const done = () => {
							res.off('drain', done);
							res.off('close', done);
							resolve();
						};
						res.on('drain', done);
						res.on('close', done);
					});
				}
			}
			if (!res.destroyed) res.end();
		};
		pump().catch((error: Error) => {
			this.options().logger?.(`emulator error streaming media: ${error.message}`);
			res.destroy();
		});
	}

	private dispatch(route: Route, method: string, path: string, body: Body, mode: SpeedMode | null): Reply {
		switch (route.kind) {
			case 'submit-imagine':
				return this.submitImagine(body, mode);
			case 'submit-action':
				return route.legacyChange ? this.submitChange(body, mode) : this.submitAction(body, mode);
			case 'submit-modal':
				return this.submitModal(body);
			case 'submit-blend':
				return this.submitBlend(body, mode);
			case 'submit-describe':
				return this.submitDescribe(body, mode);
			case 'submit-video':
				return this.submitVideo(body, mode);
			case 'submit-edits':
				return this.submitEdits(body, mode, route.submit === 'retexture' ? 'RETEXTURE' : 'EDIT');
			case 'submit-shorten':
				return this.submitShorten(body, mode);
			case 'submit-upload':
				return this.submitUpload(body);
			case 'fetch':
				return this.fetch(route.id as string);
			case 'list':
				return this.options().supportListByCondition ? this.list(body) : notFound(method, path);
			case 'seed':
				return this.seed(route.id as string);
			case 'image':
				if (route.upload) return this.attachment(route);
				return route.video ? this.video(route) : this.image(route);
			case 'video':
				return this.video(route);
			default:
				return notFound(method, path);
		}
	}

	/** state, notifyHook and botType, common to every submit; an error Reply when invalid. */
	private commonFields(body: Body): Reply | { state: string; notifyHook?: string; botType: BotType } {
		const { state, notifyHook, botType } = body;
		if (state !== undefined && state !== null && typeof state !== 'string') return envelope(4, 'state must be a string');
		if (typeof state === 'string' && state.length > 255) return envelope(4, 'state must be at most 255 characters');
		if (notifyHook !== undefined && notifyHook !== null && typeof notifyHook !== 'string') {
			return envelope(4, 'notifyHook must be a string');
		}
		if (typeof notifyHook === 'string' && notifyHook.length > 2000) {
			return envelope(4, 'notifyHook must be at most 2000 characters');
		}
		if (typeof notifyHook === 'string' && notifyHook !== '' && !/^https?:\/\//i.test(notifyHook)) {
			return envelope(4, 'notifyHook must be an http(s) URL');
		}
		if (botType !== undefined && botType !== null && botType !== '' && !BOT_TYPES.includes(botType as BotType)) {
			return envelope(4, `botType must be one of ${BOT_TYPES.join(', ')}`);
		}
		return {
			state: text(state),
			notifyHook: text(notifyHook) || undefined,
			botType: (text(botType) || 'MID_JOURNEY') as BotType,
		};
	}

	private bannedWord(prompt: string): string | undefined {
		const lower = prompt.toLowerCase();
		return this.options().bannedWords.find((word) => word !== '' && lower.includes(word.toLowerCase()));
	}

	private banned(prompt: string): Reply | undefined {
		const word = this.bannedWord(prompt);
		if (word === undefined) return undefined;
		return envelope(24, 'The prompt may contain sensitive words', null, { promptEn: prompt, bannedWord: word });
	}

	/** The submit `result`: a string or a JSON number, as the options say. */
	private resultId(id: string): string | number {
		const { idsAsNumbers } = this.options();
		const asNumber = idsAsNumbers === 'always' || (idsAsNumbers === 'alternate' && this.submitsAnswered % 2 === 1);
		this.submitsAnswered++;
		return asNumber ? Number(id) : id;
	}

	/** Checks capacity, creates the task and answers 1 / 21 / 22 / 23. */
	private createTask(spec: NewTask): Reply & { task?: EmulatedTask } {
		const properties = { discordChannelId: INSTANCE_ID, discordInstanceId: INSTANCE_ID };
		if (spec.modal) {
			const task = this.engine.create(spec);
			return {
				...envelope(21, 'Waiting for window confirm', this.resultId(task.id), {
					...properties,
					finalPrompt: task.promptEn,
					remix: spec.modal === 'remix' || spec.modal === 'animate' || spec.modal === 'promptAnalyzer',
				}),
				createdTaskId: task.id,
				task,
			};
		}
		const admission = this.engine.admit();
		if (admission.code === 23) return envelope(23, 'The queue is full, please try again later', null, properties);
		const task = this.engine.create(spec);
		const reply =
			admission.code === 1
				? envelope(1, 'Submission successful', this.resultId(task.id), properties)
				: envelope(22, `Waiting in queue, ${admission.numberOfQueues} tasks ahead`, this.resultId(task.id), {
						...properties,
						numberOfQueues: admission.numberOfQueues,
					});
		return { ...reply, createdTaskId: task.id, task };
	}

	/** A grid of the prompt's --ar (or `ratio`), twice the side with V8.1's --hd, half with --draft. */
	private gridFor(ratio: [number, number] | undefined, prompt = '', botType: BotType = 'MID_JOURNEY'): Picture {
		const { imageSize, defaultVersion } = this.options();
		const { sizeFactor } = renderingOf(prompt, taskVersion(prompt, botType, defaultVersion));
		return { kind: 'grid', ...pictureSize(imageSize * sizeFactor, ratio) };
	}

	private submitImagine(body: Body, mode: SpeedMode | null): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const prompt = text(body.prompt).trim();
		if (!prompt) return envelope(4, 'prompt must not be empty');
		const { base64Array, base64 } = body;
		if (base64Array !== undefined && base64Array !== null) {
			if (!Array.isArray(base64Array) || base64Array.some((entry) => !parseDataUri(entry))) {
				return envelope(4, 'base64Array entries must be data URIs (data:image/png;base64,...)');
			}
		}
		if (base64 !== undefined && base64 !== null && base64 !== '' && !parseDataUri(base64)) {
			return envelope(4, 'base64 must be a data URI (data:image/png;base64,...)');
		}
		return (
			this.banned(prompt) ??
			this.createTask({
				action: 'IMAGINE',
				prompt,
				...common,
				mode,
				picture: this.gridFor(aspectRatioOf(prompt), prompt, common.botType),
				refusal: promptRefusal(prompt),
			})
		);
	}

	private submitAction(body: Body, mode: SpeedMode | null): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const taskId = idOf(body.taskId);
		const customId = text(body.customId);
		if (!taskId || !customId) return envelope(4, 'taskId and customId are required');
		const parent = this.engine.tasks.get(taskId);
		if (!parent) return { ...envelope(3, 'The parent task does not exist or has expired'), status: 404 };
		if (parent.status !== 'SUCCESS') return envelope(4, `The parent task is ${parent.status}, not SUCCESS`);
		const button = parent.buttons.find((b) => b.customId === customId);
		const effect = button && buttonEffect(customId);
		if (!button || !effect) return envelope(4, 'customId is not one of the parent task buttons');

		let picture: Picture;
		let prompt = parent.prompt;
		let action = effect.action;
		let promptEn: string | undefined;
		let videoCommand: NewTask['videoCommand'];
		const properties: Body = {};
		if (effect.result === 'describe') {
			picture = parent.picture;
			prompt = '';
		} else if (effect.modal === 'picReader') {
			prompt = parent.describePrompts?.[(effect.index ?? 1) - 1] ?? '';
			picture = this.gridFor(aspectRatioOf(prompt), prompt, parent.botType);
		} else if (effect.modal === 'promptAnalyzer') {
			prompt = parent.shortenPrompts?.[(effect.index ?? 1) - 1] ?? '';
			picture = this.gridFor(aspectRatioOf(prompt), prompt, parent.botType);
			properties.remix_modal = 'MJ::ImagineModal::new_prompt';
		} else if (effect.result === 'videoUpscale') {
			// One video of the batch, served as the same fixture.
			const videos = parent.picture.kind === 'video' ? parent.picture.videos : [0];
			picture = { kind: 'video', videos: [videos[(effect.index ?? 1) - 1] ?? videos[0]], upscaled: true };
			promptEn = parent.promptEn;
			videoCommand = parent.videoCommand;
		} else if (effect.result === 'video' || (parent.picture.kind === 'video' && effect.action === 'REROLL')) {
			// Animate (from an upscaled image), Extend (from an upscaled video), or 🔄 on a video batch.
			action = 'VIDEO';
			if (effect.result === 'video') {
				const frame = effect.extend ? (parent.videoUrl ?? parent.imageUrl) : parent.imageUrl;
				videoCommand = { before: frame, after: `--video 1 --motion ${effect.motion ?? 'low'}` };
				picture = { kind: 'video', videos: [0, 1, 2, 3], upscaled: false };
			} else {
				videoCommand = parent.videoCommand;
				picture = { kind: 'video', videos: parent.picture.kind === 'video' ? [...parent.picture.videos] : [0, 1, 2, 3], upscaled: false };
			}
			promptEn = videoPrompt(videoCommand, prompt);
		} else {
			const size =
				parent.picture.kind === 'grid' || parent.picture.kind === 'single'
					? { width: parent.picture.width, height: parent.picture.height }
					: pictureSize(this.options().imageSize);
			const colour = effect.index ? effect.index - 1 : parent.picture.kind === 'single' ? parent.picture.colour : 0;
			picture =
				effect.result === 'single'
					? { kind: 'single', ...size, colour, ...(effect.upscale2x ? { upscale2x: true } : {}) }
					: { kind: 'grid', ...size };
		}
		const remix = body.enableRemix === true && effect.remixable ? (action === 'VIDEO' ? 'animate' : 'remix') : undefined;
		if (remix === 'animate') properties.remix_modal = 'MJ::AnimateModal::prompt';
		const reply = this.createTask({
			action,
			prompt,
			promptEn,
			videoCommand,
			properties,
			...common,
			botType: parent.botType,
			mode,
			picture,
			parentId: parent.id,
			customId,
			modal: effect.modal ?? remix,
		});
		if (reply.task) button.style = 3;
		return { ...reply, taskIds: [parent.id] };
	}

	/** The legacy /mj/submit/change {taskId, action, index}: pressed as the matching button. */
	private submitChange(body: Body, mode: SpeedMode | null): Reply {
		const taskId = idOf(body.taskId);
		const index = Number(body.index);
		const prefix =
			body.action === 'UPSCALE'
				? `MJ::JOB::upsample::${index}::`
				: body.action === 'VARIATION'
					? `MJ::JOB::variation::${index}::`
					: body.action === 'REROLL'
						? 'MJ::JOB::reroll::0::'
						: undefined;
		if (!prefix) return envelope(4, 'action must be UPSCALE, VARIATION or REROLL');
		const parent = this.engine.tasks.get(taskId);
		const customId = parent?.buttons.find((b) => b.customId.startsWith(prefix))?.customId ?? prefix;
		return this.submitAction({ ...body, customId }, mode);
	}

	private submitModal(body: Body): Reply {
		const taskId = idOf(body.taskId);
		if (!taskId) return envelope(4, 'taskId is required');
		const task = this.engine.tasks.get(taskId);
		if (!task) return { ...envelope(3, 'The task does not exist or has expired'), status: 404 };
		if (task.status !== 'MODAL') return envelope(4, `The task is ${task.status}, not MODAL`);
		const prompt = text(body.prompt).trim();
		if (task.modal === 'inpaint') {
			if (!parseDataUri(body.maskBase64)) return envelope(4, 'maskBase64 must be a data URI of the mask');
			if (!prompt) return envelope(4, 'prompt must not be empty');
		}
		if (task.modal === 'customZoom' && !/--zoom\b/.test(prompt)) {
			return envelope(4, 'Custom Zoom needs a prompt with --zoom');
		}
		const finalPrompt = prompt || task.prompt;
		const banned = this.banned(finalPrompt);
		if (banned) return banned;
		const admission = this.engine.admit();
		const properties = { discordChannelId: INSTANCE_ID, discordInstanceId: INSTANCE_ID };
		if (admission.code === 23) return envelope(23, 'The queue is full, please try again later', null, properties);
		this.engine.resumeModal(task, finalPrompt, task.videoCommand ? videoPrompt(task.videoCommand, finalPrompt) : finalPrompt);
		const result = this.resultId(task.id);
		const reply =
			admission.code === 1
				? envelope(1, 'Submission successful', result, properties)
				: envelope(22, `Waiting in queue, ${admission.numberOfQueues} tasks ahead`, result, {
						...properties,
						numberOfQueues: admission.numberOfQueues,
					});
		return { ...reply, taskIds: [task.id] };
	}

	private submitBlend(body: Body, mode: SpeedMode | null): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const images = body.base64Array;
		if (!Array.isArray(images) || images.length < 2 || images.length > 5) {
			return envelope(4, 'base64Array must hold 2 to 5 images');
		}
		if (images.some((entry) => !parseDataUri(entry))) {
			return envelope(4, 'base64Array entries must be data URIs (data:image/png;base64,...)');
		}
		const dimensions = body.dimensions ?? 'SQUARE';
		if (!BLEND_DIMENSIONS.includes(dimensions as BlendDimensions)) {
			return envelope(4, `dimensions must be one of ${BLEND_DIMENSIONS.join(', ')}`);
		}
		return this.createTask({
			action: 'BLEND',
			prompt: '',
			...common,
			mode,
			picture: this.gridFor(blendRatio(dimensions as BlendDimensions)),
		});
	}

	private submitDescribe(body: Body, mode: SpeedMode | null): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const upload = parseDataUri(body.base64);
		const link = text(body.link).trim();
		let picture: Picture;
		if (upload) picture = { kind: 'upload', ...upload };
		else if (/^https?:\/\/\S+$/i.test(link)) picture = { kind: 'link', url: link };
		else return envelope(4, 'base64 (a data URI) or link (an http(s) URL) is required');
		return this.createTask({ action: 'DESCRIBE', prompt: '', ...common, mode, picture });
	}

	/**
	 * /mj/submit/video: a new VIDEO batch from a first frame, or (action "extend") from
	 * video `index` of a finished VIDEO task. trueai's refusals: taskId without action
	 * "extend" and a parent not SUCCESS are code 4, an unknown parent HTTP 404 code 3.
	 */
	private submitVideo(body: Body, mode: SpeedMode | null): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const { motion, action, index } = body;
		if (motion !== 'low' && motion !== 'high') return envelope(4, 'motion must be low or high');
		if (body.prompt !== undefined && body.prompt !== null && typeof body.prompt !== 'string') {
			return envelope(4, 'prompt must be a string');
		}
		const prompt = text(body.prompt).trim();
		const videoType = body.videoType ?? 'vid_1.1_i2v_480';
		if (!VIDEO_TYPES.includes(videoType as string)) return envelope(4, `videoType must be one of ${VIDEO_TYPES.join(', ')}`);
		const batchSize = body.batchSize ?? 4;
		if (!VIDEO_BATCH_SIZES.includes(batchSize as number)) return envelope(4, 'batchSize must be 1, 2 or 4');
		const loop = body.loop ?? false;
		if (typeof loop !== 'boolean') return envelope(4, 'loop must be true or false');
		const endImage = body.endImage === undefined || body.endImage === null ? '' : body.endImage;
		if (endImage !== '' && !isImageSource(endImage)) return envelope(4, 'endImage must be an http(s) URL or a data URI');
		if (action !== undefined && action !== null && action !== '' && action !== 'extend') {
			return envelope(4, 'action must be "extend" or absent');
		}
		const taskId = idOf(body.taskId);
		const extend = action === 'extend';
		let parent: EmulatedTask | undefined;
		let frame: string;
		if (extend) {
			if (!taskId) return envelope(4, 'extend needs taskId (the parent video task) and index');
			parent = this.engine.tasks.get(taskId);
			if (!parent) return { ...envelope(3, 'The parent task does not exist or has expired'), status: 404 };
			if (parent.status !== 'SUCCESS') return envelope(4, `The parent task is ${parent.status}, not SUCCESS`);
			if (parent.action !== 'VIDEO' || parent.picture.kind !== 'video') return envelope(4, `The parent task is ${parent.action}, not VIDEO`);
			const count = parent.picture.videos.length;
			if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
				return envelope(4, `index must be 0 to ${count - 1}, the video of the parent to extend`);
			}
			frame = parent.videoUrls?.[index]?.url ?? parent.videoUrl ?? '';
		} else {
			if (taskId) return envelope(4, 'taskId is only for action "extend"');
			if (!isImageSource(body.image)) return envelope(4, 'image (the first frame: an http(s) URL or a data URI) is required');
			frame = this.hosted(body.image as string);
		}
		const banned = this.banned(prompt);
		if (banned) return banned;
		const flags = ['--video 1', `--motion ${motion}`];
		if (batchSize !== 4) flags.push(`--bs ${batchSize}`);
		if (loop) flags.push('--end loop');
		else if (endImage !== '') flags.push(`--end ${this.hosted(endImage as string)}`);
		const videoCommand = { before: frame, after: flags.join(' ') };
		const reply = this.createTask({
			action: 'VIDEO',
			prompt,
			promptEn: videoPrompt(videoCommand, prompt),
			videoCommand,
			properties: { videoType },
			...common,
			...(parent ? { botType: parent.botType, parentId: parent.id } : {}),
			mode,
			picture: { kind: 'video', videos: [0, 1, 2, 3].slice(0, batchSize as number), upscaled: false },
		});
		return parent ? { ...reply, taskIds: [parent.id] } : reply;
	}

	/** A data URI becomes an emulator URL; a URL stays. */
	private hosted(source: string): string {
		const upload = parseDataUri(source);
		return upload ? this.storeUpload(upload) : source.trim();
	}

	/** /mj/submit/edits (EDIT) and trueai's /mj/submit/retexture (RETEXTURE): a grid from an image and a prompt. */
	private submitEdits(body: Body, mode: SpeedMode | null, action: 'EDIT' | 'RETEXTURE'): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const prompt = text(body.prompt).trim();
		if (!text(body.image).trim() || !prompt) return envelope(4, 'image and prompt must not be empty');
		if (!isImageSource(body.image)) return envelope(4, 'image must be an http(s) URL or a data URI');
		return (
			this.banned(prompt) ??
			this.createTask({
				action,
				prompt,
				...common,
				mode,
				picture: this.gridFor(aspectRatioOf(prompt), prompt, common.botType),
				refusal: promptRefusal(prompt),
			})
		);
	}

	private submitShorten(body: Body, mode: SpeedMode | null): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const prompt = text(body.prompt).trim();
		if (!prompt) return envelope(4, 'prompt must not be empty');
		return this.banned(prompt) ?? this.createTask({ action: 'SHORTEN', prompt, ...common, mode, picture: { kind: 'shorten' } });
	}

	/** Hosts the images; no task. `result` is the list of URLs. */
	private submitUpload(body: Body): Reply {
		const common = this.commonFields(body);
		if ('status' in common) return common;
		const list = body.base64Array;
		if (!Array.isArray(list) || list.length === 0) return envelope(4, 'base64Array must hold at least one image');
		const files = list.map(parseDataUri);
		if (files.some((file) => !file)) return envelope(4, 'base64Array entries must be data URIs (data:image/png;base64,...)');
		const urls = files.map((file) => this.storeUpload(file as { body: Buffer; contentType: string }));
		return { status: 200, json: { code: 1, description: 'Submission successful', result: urls, properties: {} } };
	}

	private fetch(id: string): Reply {
		const task = this.engine.tasks.get(id);
		if (task) return { status: 200, json: taskJson(task), taskIds: [id] };
		switch (this.options().unknownFetch) {
			case 'java':
				return { status: 200, bytes: Buffer.alloc(0), contentType: 'application/json', taskIds: [id] };
			case 'csharp':
				return { status: 204, taskIds: [id] };
			default:
				return { status: 400, json: { code: 4, description: 'task_no_found' }, taskIds: [id] };
		}
	}

	private list(body: Body): Reply {
		const ids = Array.isArray(body.ids) ? body.ids.map(idOf).filter((id) => id !== '') : [];
		const found = ids.map((id) => this.engine.tasks.get(id)).filter((t): t is EmulatedTask => t !== undefined);
		return { status: 200, json: found.map(taskJson), taskIds: ids };
	}

	private seed(id: string): Reply {
		const task = this.engine.tasks.get(id);
		if (!task) return { ...envelope(3, 'The task does not exist or has expired'), status: 404, taskIds: [id] };
		// trueai: a task without a message hash yet (not finished) is a 400 with code 4.
		if (task.status !== 'SUCCESS') return { ...envelope(4, `The task is ${task.status}, not SUCCESS`), status: 400, taskIds: [id] };
		const { kind } = task.picture;
		if (kind !== 'grid' && kind !== 'single' && kind !== 'video') {
			return { ...envelope(4, `A ${task.action} task has no image seed`), status: 400, taskIds: [id] };
		}
		return { ...envelope(1, 'Success', task.seed), taskIds: [id] };
	}

	private image(route: Route): Reply {
		const missing: Reply = { status: 404, text: 'Not Found' };
		const task = route.id ? this.engine.tasks.get(route.id) : undefined;
		if (!task) return missing;
		const ids = { taskIds: [task.id] };
		const { picture } = task;
		if (picture.kind === 'upload') {
			return route.variant === 'final' ? { status: 200, bytes: picture.body, contentType: picture.contentType, ...ids } : missing;
		}
		if (picture.kind !== 'grid' && picture.kind !== 'single') return missing;
		if (route.variant === 'preview') {
			const png =
				picture.kind === 'grid'
					? this.png(`grid:${picture.width}x${picture.height}:preview`, () => renderGrid(picture.width, picture.height, true))
					: this.flat(picture.width, picture.height, previewColour(QUARTER_COLOURS[picture.colour]));
			return { status: 200, bytes: png, contentType: 'image/png', ...ids };
		}
		if (task.status !== 'SUCCESS') return missing;
		if (route.variant === 'final') {
			const png =
				picture.kind === 'grid'
					? this.png(`grid:${picture.width}x${picture.height}`, () => renderGrid(picture.width, picture.height))
					: this.flat(picture.width, picture.height, QUARTER_COLOURS[picture.colour]);
			return { ...this.filtered(png, task.id, picture.kind), ...ids };
		}
		if (picture.kind !== 'grid') return missing;
		const quarter = QUARTER_COLOURS[Number(route.variant) - 1];
		return { ...this.filtered(this.flat(picture.width / 2, picture.height / 2, quarter), task.id, 'quarter'), ...ids };
	}

	/** /video/{id}/0_{i}.mp4 (Range honoured) and its .png thumbnail, once the task is done. */
	private video(route: Route): Reply {
		const missing: Reply = { status: 404, text: 'Not Found' };
		const task = route.id ? this.engine.tasks.get(route.id) : undefined;
		if (!task || !route.video || task.picture.kind !== 'video' || task.status !== 'SUCCESS') return missing;
		const fixture = task.picture.videos[route.video.index];
		if (fixture === undefined) return missing;
		const ids = { taskIds: [task.id] };
		if (route.video.ext === 'png') {
			return { status: 200, bytes: this.flat(VIDEO_SIZE.width, VIDEO_SIZE.height, QUARTER_COLOURS[fixture]), contentType: 'image/png', ...ids };
		}
		const body = paddedMp4(videoFixture(fixture), this.options().videoSizeBytes);
		const headers = { 'accept-ranges': 'bytes' };
		const range = parseRange(route.range, body.total);
		if (range === 'unsatisfiable') {
			return { status: 416, bytes: Buffer.alloc(0), headers: { ...headers, 'content-range': `bytes */${body.total}` }, ...ids };
		}
		if (range) {
			return {
				status: 206,
				contentType: 'video/mp4',
				headers: { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${body.total}` },
				media: { body, start: range.start, end: range.end + 1 },
				...ids,
			};
		}
		return { status: 200, contentType: 'video/mp4', headers, media: { body, start: 0, end: body.total }, ...ids };
	}

	private attachment(route: Route): Reply {
		const file = route.id ? this.uploads.get(route.id) : undefined;
		if (!file) return { status: 404, text: 'Not Found' };
		return { status: 200, bytes: file.body, contentType: file.contentType };
	}

	/** Hosts an uploaded file; its URL. */
	private storeUpload(file: { body: Buffer; contentType: string }): string {
		const id = nextTaskId();
		this.uploads.set(id, file);
		return `${this.engine.publicBase()}/attachments/${id}/upload_${id}.${extensionOf(file.contentType)}`;
	}

	private png(key: string, render: () => Buffer): Buffer {
		let png = this.pngCache.get(key);
		if (!png) {
			png = render();
			this.pngCache.set(key, png);
		}
		return png;
	}

	private flat(width: number, height: number, colour: Rgba): Buffer {
		return this.png(`flat:${width}x${height}:${colour.join(',')}`, () => renderFlat(width, height, colour));
	}

	private filtered(png: Buffer, taskId: string, kind: ImageKind): Reply {
		const filter = this.options().imageFilter;
		const out = filter ? filter(png, { taskId, kind }) : png;
		return Buffer.isBuffer(out)
			? { status: 200, bytes: out, contentType: 'image/png' }
			: { status: 200, bytes: out.body, contentType: out.contentType };
	}
}
