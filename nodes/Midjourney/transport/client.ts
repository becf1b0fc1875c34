import type { IDataObject } from 'n8n-workflow';

import { MidjourneyError, cancelledError, settle } from '../model/errors';
import { redactSecret } from '../model/redaction';
import { SUBMIT_CODE, createsTask } from '../model/submitCodes';
import { isTaskIdToken, normaliseTask, type MjTask, type SubmittedTask } from '../model/task';
import { backoffDelay, parseRetryAfter, type BackoffPolicy } from './backoff';
import { parseJsonKeepingIds } from './jsonBody';

/**
 * The protocol client of CometAPI / midjourney-proxy: speed prefixes, the
 * submit envelope, which faults are retried and which are not. It sends
 * through a `RequestSender` (n8nHttp.ts in the node, stubs in tests).
 */

export type SpeedMode = 'default' | 'relax' | 'fast' | 'turbo';

export interface ApiRequest {
	method: 'GET' | 'POST';
	/** path below the base URL, e.g. /mj/task/123/fetch */
	path: string;
	body?: IDataObject;
	/** epoch ms: the request is cut off then (a poll ends at its task's Timeout) */
	deadline?: number;
}

export interface RawResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

export type RequestSender = (request: ApiRequest) => Promise<RawResponse>;

/** A request that never got an HTTP answer. */
export class NetworkError extends Error {
	constructor(
		readonly code: string,
		/** true when the request certainly never reached the server (nothing was created) */
		readonly beforeSend: boolean,
		readonly cancelled = false,
	) {
		super(`network error ${code}`);
		this.name = 'NetworkError';
	}
}

export interface ClientDependencies {
	sleep: (ms: number) => Promise<void>;
	now?: () => number;
	random?: () => number;
	/** the API key, only to redact it from any text a server echoes back */
	secret?: string;
	/** base URL shown in messages */
	baseUrl?: string;
}

/** Speed mode → path prefix in front of /mj/... */
export const SPEED_PREFIX: Record<SpeedMode, string> = {
	default: '',
	relax: '/mj-relax',
	fast: '/mj-fast',
	turbo: '/mj-turbo',
};

const SUBMIT_RETRY: BackoffPolicy = { baseMs: 2000, maxMs: 30_000, jitter: 0.2 };
const FETCH_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 15_000, jitter: 0.2 };
/** 429/503 on submit: retried this many times (no task was created) */
const SUBMIT_ATTEMPTS = 6;
/** a server that cannot be reached (refused, unknown host): tried this often, about 6 s in all */
const UNREACHED_ATTEMPTS = 3;
const FETCH_ATTEMPTS = 5;
/** no read retry starts later than this after the first attempt (each attempt is capped too) */
const READ_RETRY_BUDGET_MS = 120_000;
/** how long a submit sent at (or after) its deadline may still take */
const SUBMIT_GRACE_MS = 2000;
/** per-task fetches in flight at once when list-by-condition is missing */
const FETCH_PARALLELISM = 8;

const TRANSIENT_KINDS = new Set(['unavailable', 'badResponse']);

export function isTransientError(error: unknown): boolean {
	return error instanceof MidjourneyError && TRANSIENT_KINDS.has(error.kind);
}

function asObject(value: unknown): IDataObject | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/** Bodies arrive parsed, as text (malformed JSON) or empty; normalise to JSON or undefined. */
function parseBody(body: unknown): { json?: unknown; malformed: boolean } {
	if (body === undefined || body === null || body === '') return { malformed: false };
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return { json: body, malformed: false };
	const text = body.trim();
	if (text === '') return { malformed: false };
	try {
		return { json: parseJsonKeepingIds(text), malformed: false };
	} catch {
		return { malformed: true };
	}
}

export class MidjourneyClient {
	private listByConditionSupported: boolean | undefined;
	private readonly now: () => number;
	private readonly random: () => number;

	constructor(
		private readonly send: RequestSender,
		private readonly deps: ClientDependencies,
	) {
		this.now = deps.now ?? Date.now;
		this.random = deps.random ?? Math.random;
	}

	private redact(text: unknown): string {
		return redactSecret(
			typeof text === 'string' ? text : JSON.stringify(text ?? ''),
			this.deps.secret,
		);
	}

	private serverText(json: unknown, fallback: string): string {
		const object = asObject(json);
		const nested = asObject(object?.error);
		const text = object?.description ?? nested?.message ?? object?.message;
		return typeof text === 'string' && text !== '' ? this.redact(text) : fallback;
	}

	private authError(response: RawResponse, json: unknown): MidjourneyError {
		const where = this.deps.baseUrl ? ` by ${this.deps.baseUrl}` : '';
		return new MidjourneyError(
			'auth',
			`The API key was rejected${where} (HTTP ${response.statusCode})`,
			{
				httpCode: response.statusCode,
				description:
					'Check the API key and the Authentication in the CometAPI credential. ' +
					`Server said: ${this.serverText(json, 'nothing')}`,
			},
		);
	}

	private paymentError(response: RawResponse, json: unknown): MidjourneyError {
		return new MidjourneyError(
			'credits',
			'The account has no credit left for Midjourney (HTTP 402)',
			{
				httpCode: 402,
				description: `Top up the balance of the account behind the API key, then run again. No task was created. Server said: ${this.serverText(json, 'nothing')}`,
			},
		);
	}

	/** HTTP 404 without the API's envelope: the Base URL points somewhere else (…/v1, …/mj). */
	private noApiHere(what: string): MidjourneyError {
		return new MidjourneyError(
			'input',
			`${what}: HTTP 404, no Midjourney task API at this Base URL`,
			{
				httpCode: 404,
				description: `No task was created. Use the server root as the Base URL, e.g. https://api.cometapi.com (without /v1 or /mj); it is now ${this.deps.baseUrl ?? 'unknown'}.`,
			},
		);
	}

	private unavailable(what: string, response: RawResponse, json: unknown): MidjourneyError {
		return new MidjourneyError(
			'unavailable',
			`${what}: the server answered HTTP ${response.statusCode}`,
			{
				httpCode: response.statusCode,
				retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.now()),
				description:
					response.statusCode === 429
						? `Rate limited. ${this.serverText(json, 'Try again later or lower Max Concurrent Tasks.')}`
						: this.serverText(
								json,
								'The Midjourney service is unavailable right now. Try again later.',
							),
			},
		);
	}

	/**
	 * POST /mj/submit/{endpoint}. Retries only where no task can have been
	 * created (HTTP 429/503, connection refused, code 23 "queue full" until
	 * `deadline`); anything ambiguous is reported as such and never resent.
	 */
	async submit(
		/** the path segment after /mj/submit/, from the operation's registry entry */
		endpoint: string,
		body: IDataObject,
		speed: SpeedMode = 'default',
		deadline?: number,
	): Promise<SubmittedTask> {
		const path = `${SPEED_PREFIX[speed]}/mj/submit/${endpoint}`;
		const what = `Submitting ${endpoint}`;
		let attempt = 0;
		let rateLimited = 0;
		for (;;) {
			attempt++;
			// Each attempt is cut off at the item's Timeout too (a user who sets 3 s waits about 3 s), with a moment's grace.
			const cutOff =
				deadline === undefined ? undefined : Math.max(deadline, this.now() + SUBMIT_GRACE_MS);
			const sent = await settle(
				async () => await this.send({ method: 'POST', path, body, deadline: cutOff }),
			);
			if (!sent.ok) {
				const failure = sent.error;
				if (failure instanceof NetworkError && failure.cancelled) throw cancelledError();
				// The transport's own refusals (a redirect to another host): nothing was created.
				if (failure instanceof MidjourneyError) throw failure;
				if (failure instanceof NetworkError && failure.beforeSend) {
					// Never connected, so nothing was created: safe to try again.
					if (attempt < UNREACHED_ATTEMPTS) {
						await this.deps.sleep(backoffDelay(attempt, SUBMIT_RETRY, this.random));
						continue;
					}
					throw new MidjourneyError(
						'unavailable',
						`${what}: the server could not be reached (${failure.code})`,
						{
							description: `No task was created. Check the Base URL in the CometAPI credential (${this.deps.baseUrl ?? ''}).`,
						},
					);
				}
				throw ambiguousSubmit(
					what,
					failure instanceof NetworkError ? failure.code : String(failure),
				);
			}
			const response = sent.value;
			const { json, malformed } = parseBody(response.body);
			const status = response.statusCode;
			if (status === 401 || status === 403) throw this.authError(response, json);
			if (status === 402) throw this.paymentError(response, json);
			if (status === 429 || status === 503) {
				// Nothing was created: wait and resend. Counted apart from code 23's waits, so a
				// queue that is full for a while does not use up the rate limit's attempts.
				rateLimited++;
				const error = this.unavailable(what, response, json);
				if (rateLimited >= SUBMIT_ATTEMPTS) throw error;
				await this.deps.sleep(
					error.details.retryAfterMs ?? backoffDelay(rateLimited, SUBMIT_RETRY, this.random),
				);
				continue;
			}
			if (status === 413) {
				throw new MidjourneyError('input', `${what}: the request is too large (HTTP 413)`, {
					httpCode: 413,
					description:
						'Send fewer or smaller images (the server refuses bodies above about 30 MB).',
				});
			}
			const envelope = asObject(json);
			if (status === 404 && typeof envelope?.code !== 'number') throw this.noApiHere(what);
			if (status >= 500 || malformed || (status < 300 && typeof envelope?.code !== 'number')) {
				// The gateway may have forwarded the submit before failing.
				// Name the HTTP status when there is one (a 502 comes with an HTML page, not JSON).
				throw ambiguousSubmit(
					what,
					status >= 300 || (!malformed && envelope) ? `HTTP ${status}` : 'an unreadable answer',
				);
			}
			if (!envelope || typeof envelope.code !== 'number') {
				throw new MidjourneyError('badResponse', `${what}: unexpected HTTP ${status}`, {
					httpCode: status,
					description: this.serverText(json, 'The server did not answer with a task.'),
				});
			}
			const result = this.readEnvelope(what, envelope, status);
			if (result) return result;
			// code 23: the queue is full; nothing was created, so waiting and resending is safe.
			const retryAt = this.now() + backoffDelay(attempt, SUBMIT_RETRY, this.random);
			if (deadline === undefined || retryAt > deadline) {
				throw new MidjourneyError('queueFull', `${what}: the Midjourney queue is full (code 23)`, {
					code: SUBMIT_CODE.queueFull,
					description:
						`${this.serverText(envelope, '')} No task was created. Try again later, or lower Max Concurrent Tasks.`.trim(),
				});
			}
			await this.deps.sleep(retryAt - this.now());
		}
	}

	/** Reads a submit envelope: the result, an error, or undefined for "queue full, retry". */
	private readEnvelope(
		what: string,
		envelope: IDataObject,
		status: number,
	): SubmittedTask | undefined {
		const code = envelope.code as number;
		const description = this.serverText(envelope, '');
		const properties = asObject(envelope.properties) ?? {};
		if (createsTask(code)) {
			const id = envelope.result;
			// 0, an empty or a path-like id is no task id: the task may exist, unnamed.
			if (
				(typeof id !== 'string' && typeof id !== 'number') ||
				!isTaskIdToken(String(id)) ||
				/^0+$/.test(String(id))
			) {
				throw ambiguousSubmit(what, `code ${code} without a task id`);
			}
			const queue = Number(properties.numberOfQueues);
			return {
				// Ids are ~16 digits: keep them as text, never as numbers to compute with.
				taskId: String(id),
				code,
				description,
				queuePosition: code === SUBMIT_CODE.queued && Number.isFinite(queue) ? queue : undefined,
				properties,
			};
		}
		if (code === SUBMIT_CODE.queueFull) return undefined;
		if (code === SUBMIT_CODE.bannedWord) {
			const word = properties.bannedWord;
			return fail(
				'bannedWord',
				`The prompt contains a banned word${word ? `: "${String(word)}"` : ''} (code 24)`,
				{
					code,
					description:
						`Remove or rephrase ${word ? `"${String(word)}"` : 'the banned word'} and try again. ${description}`.trim(),
				},
			);
		}
		if (code === SUBMIT_CODE.notFound) {
			return fail('notFound', `${what}: not found (code 3)`, {
				code,
				httpCode: status,
				description: `${description || 'The parent task or an account to run it was not found.'} Check the Task ID.`,
			});
		}
		if (code === SUBMIT_CODE.validation) {
			return fail('validation', `${what}: the server refused the request (code 4)`, {
				code,
				httpCode: status,
				description: description || 'A parameter is invalid.',
			});
		}
		return fail('validation', `${what}: the server answered code ${code}`, {
			code,
			httpCode: status,
			description: description || 'The request was not accepted.',
		});
	}

	/**
	 * One attempt at reading several tasks: list-by-condition when the server
	 * has it, else one fetch per task. Unknown ids are simply missing from the
	 * map. Transient faults throw a transient MidjourneyError for the caller
	 * (the poller) to back off on.
	 */
	async fetchTasksOnce(ids: string[], deadline?: number): Promise<Map<string, MjTask>> {
		const found = new Map<string, MjTask>();
		if (ids.length === 0) return found;
		if (this.listByConditionSupported !== false) {
			const list = await this.listByCondition(ids, deadline);
			if (list) {
				for (const task of list) {
					if (asObject(task) && task.id !== undefined && task.id !== null)
						found.set(String(task.id), normaliseTask(task));
				}
				return found;
			}
		}
		for (let start = 0; start < ids.length; start += FETCH_PARALLELISM) {
			const batch = ids.slice(start, start + FETCH_PARALLELISM);
			const tasks = await Promise.all(
				batch.map(async (id) => await this.fetchOneOnce(id, deadline)),
			);
			tasks.forEach((task, index) => {
				if (task) found.set(batch[index], task);
			});
		}
		return found;
	}

	/** undefined when the server lacks the endpoint (then per-task fetch is used). */
	private async listByCondition(ids: string[], deadline?: number): Promise<MjTask[] | undefined> {
		const response = await this.sendOrTransient({
			method: 'POST',
			path: '/mj/task/list-by-condition',
			body: { ids },
			deadline,
		});
		const status = response.statusCode;
		const { json, malformed } = parseBody(response.body);
		if (status === 404 || status === 405 || status === 501) {
			this.listByConditionSupported = false;
			return undefined;
		}
		this.checkCommonFaults('Fetching tasks', response, json, malformed);
		if (Array.isArray(json)) {
			this.listByConditionSupported = true;
			return json as MjTask[];
		}
		if (this.listByConditionSupported === undefined && status < 300 && json !== undefined) {
			// Answered, but not with the documented bare array: use per-task fetch.
			this.listByConditionSupported = false;
			return undefined;
		}
		throw new MidjourneyError('badResponse', 'Fetching tasks: the answer was not a list of tasks', {
			httpCode: status,
		});
	}

	private async fetchOneOnce(id: string, deadline?: number): Promise<MjTask | undefined> {
		const response = await this.sendOrTransient({
			method: 'GET',
			path: `/mj/task/${encodeURIComponent(id)}/fetch`,
			deadline,
		});
		const status = response.statusCode;
		const { json, malformed } = parseBody(response.body);
		// Unknown ids: Java 200 + empty body, C# 204, new-api 400 task_no_found.
		if (status === 204 || status === 404) return undefined;
		if (status === 400 && !malformed && asObject(json)?.code !== undefined) return undefined;
		this.checkCommonFaults(`Fetching task ${id}`, response, json, malformed);
		const task = asObject(json);
		if (status === 200 && json === undefined) return undefined;
		if (!task || task.id === undefined) {
			throw new MidjourneyError('badResponse', `Fetching task ${id}: the answer was not a task`, {
				httpCode: status,
			});
		}
		return normaliseTask(task as MjTask);
	}

	private checkCommonFaults(
		what: string,
		response: RawResponse,
		json: unknown,
		malformed: boolean,
	): void {
		const status = response.statusCode;
		if (status === 401 || status === 403) throw this.authError(response, json);
		if (status === 429 || status >= 500) throw this.unavailable(what, response, json);
		if (malformed) {
			throw new MidjourneyError('badResponse', `${what}: the answer was not valid JSON`, {
				httpCode: status,
			});
		}
		if (status >= 300) {
			throw new MidjourneyError('badResponse', `${what}: unexpected HTTP ${status}`, {
				httpCode: status,
				description: this.serverText(json, ''),
			});
		}
	}

	/** Network faults on reads are transient: nothing is created by reading. */
	private async sendOrTransient(request: ApiRequest): Promise<RawResponse> {
		const sent = await settle(async () => await this.send(request));
		if (sent.ok) return sent.value;
		const failure = sent.error;
		if (failure instanceof NetworkError && failure.cancelled) throw cancelledError();
		if (failure instanceof NetworkError) {
			const problem =
				failure.code === 'DEADLINE'
					? 'no answer in time'
					: `the server could not be reached (${failure.code})`;
			throw new MidjourneyError('unavailable', `Reading tasks: ${problem}`, {
				description: `No answer from ${this.deps.baseUrl ?? 'the server'}. Check the Base URL in the CometAPI credential.`,
			});
		}
		throw failure;
	}

	/**
	 * POST /mj/submit/upload-discord-images: hosts the images and returns their
	 * URLs. It creates no task, so busy answers and refused connections are retried.
	 */
	async uploadImages(base64Array: string[]): Promise<string[]> {
		const what = 'Uploading images';
		const response = await this.withReadRetries(async () => {
			const answer = await this.sendOrTransient({
				method: 'POST',
				path: '/mj/submit/upload-discord-images',
				body: { base64Array },
			});
			if (answer.statusCode === 429 || answer.statusCode === 503) {
				throw this.unavailable(what, answer, parseBody(answer.body).json);
			}
			return answer;
		});
		const json = this.checkOffered(what, 'Upload Images', response);
		if (response.statusCode === 413) {
			throw new MidjourneyError('input', `${what}: the request is too large (HTTP 413)`, {
				httpCode: 413,
				description:
					'Upload fewer or smaller images at once (the server refuses bodies above about 30 MB).',
			});
		}
		const envelope = this.readAnswerEnvelope(what, response, json);
		const urls = envelope.result;
		if (!Array.isArray(urls) || urls.some((url) => typeof url !== 'string' || url === '')) {
			throw new MidjourneyError('badResponse', `${what}: the answer holds no list of URLs`, {
				httpCode: response.statusCode,
			});
		}
		return urls as string[];
	}

	/** GET /mj/task/{id}/image-seed: the Midjourney seed of a finished task. */
	async imageSeed(taskId: string): Promise<string> {
		const what = `Reading the seed of task ${taskId}`;
		const response = await this.withReadRetries(
			async () =>
				await this.sendOrTransient({
					method: 'GET',
					path: `/mj/task/${encodeURIComponent(taskId)}/image-seed`,
				}),
		);
		const json = this.checkOffered(what, 'Get Seed', response);
		const envelope = this.readAnswerEnvelope(what, response, json);
		const seed = envelope.result;
		if ((typeof seed !== 'string' && typeof seed !== 'number') || String(seed) === '') {
			throw new MidjourneyError('badResponse', `${what}: the answer holds no seed`, {
				httpCode: response.statusCode,
			});
		}
		return String(seed);
	}

	/**
	 * The parsed body of an answer to an endpoint not every server has: a 404
	 * (or 405 / 501) without the API's envelope means the endpoint is missing.
	 */
	private checkOffered(what: string, feature: string, response: RawResponse): unknown {
		const { json, malformed } = parseBody(response.body);
		const status = response.statusCode;
		const hasEnvelope = !malformed && typeof asObject(json)?.code === 'number';
		if ((status === 404 && !hasEnvelope) || status === 405 || status === 501) {
			throw new MidjourneyError(
				'unsupported',
				`${feature} is not offered by this server (HTTP ${status})`,
				{
					httpCode: status,
					description: `${this.deps.baseUrl ?? 'The server'} has no such endpoint. It is a CometAPI / midjourney-proxy extension some servers lack: use a server that offers it, or leave this step out.`,
				},
			);
		}
		if (status === 401 || status === 403) throw this.authError(response, json);
		if (status === 402) throw this.paymentError(response, json);
		if (malformed)
			throw new MidjourneyError('badResponse', `${what}: the answer was not valid JSON`, {
				httpCode: status,
			});
		return json;
	}

	/** The `{code, description, result}` answer of a call that creates no task: code 1, or an error. */
	private readAnswerEnvelope(what: string, response: RawResponse, json: unknown): IDataObject {
		const envelope = asObject(json);
		const status = response.statusCode;
		if (!envelope || typeof envelope.code !== 'number') {
			if (status === 429 || status >= 500) throw this.unavailable(what, response, json);
			throw new MidjourneyError('badResponse', `${what}: unexpected HTTP ${status}`, {
				httpCode: status,
				description: this.serverText(json, 'The server did not answer as the API documents.'),
			});
		}
		if (envelope.code === SUBMIT_CODE.accepted) return envelope;
		const description = this.serverText(envelope, '');
		if (envelope.code === SUBMIT_CODE.notFound) {
			fail('notFound', `${what}: not found (code 3)`, {
				code: envelope.code,
				httpCode: status,
				description: `${description || 'The task does not exist or has expired.'} Check the Task ID: tasks are visible only to the API key that created them.`,
			});
		}
		return fail(
			'validation',
			`${what}: the server refused the request (code ${String(envelope.code)})`,
			{
				code: envelope.code as number,
				httpCode: status,
				description: description || 'A parameter is invalid.',
			},
		);
	}

	/**
	 * Retries a read on transient faults with exponential backoff, bounded in
	 * time; with a `deadline` (epoch ms, the user's Timeout) no retry starts
	 * after it and `read` is handed it to cut its attempt off there.
	 */
	async withReadRetries<T>(read: (deadline?: number) => Promise<T>, deadline?: number): Promise<T> {
		const start = this.now();
		const budgetEnd = Math.min(start + READ_RETRY_BUDGET_MS, deadline ?? Infinity);
		for (let attempt = 1; ; attempt++) {
			const result = await settle(async () => await read(deadline));
			if (result.ok) return result.value;
			if (!isTransientError(result.error) || attempt >= FETCH_ATTEMPTS) throw result.error;
			const retryAfter = (result.error as MidjourneyError).details.retryAfterMs;
			const delay = retryAfter ?? backoffDelay(attempt, FETCH_RETRY, this.random);
			// Bounded in time too: a server that never answers costs minutes, not ten.
			if (this.now() + delay > budgetEnd) throw result.error;
			await this.deps.sleep(delay);
		}
	}

	/** Reads several tasks, with retries (the Fetch operation, parent look-ups). */
	async fetchTasks(ids: string[], deadline?: number): Promise<Map<string, MjTask>> {
		return await this.withReadRetries(
			async (cutOff) => await this.fetchTasksOnce(ids, cutOff),
			deadline,
		);
	}

	async fetchTask(id: string, deadline?: number): Promise<MjTask | undefined> {
		return await this.withReadRetries(
			async (cutOff) => await this.fetchOneOnce(id, cutOff),
			deadline,
		);
	}
}

function fail(
	kind: MidjourneyError['kind'],
	message: string,
	details: MidjourneyError['details'],
): never {
	throw new MidjourneyError(kind, message, details);
}

function ambiguousSubmit(what: string, cause: string): MidjourneyError {
	return new MidjourneyError(
		'ambiguousSubmit',
		`${what}: no clear answer (${cause}); a task may have been created`,
		{
			description:
				'The request reached the server but its answer was lost, so it was not resent (that could create and charge a second task). ' +
				'Look for the task with the Fetch operation or in your CometAPI task log before trying again.',
		},
	);
}
