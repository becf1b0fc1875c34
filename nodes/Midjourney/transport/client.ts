import type { IDataObject } from 'n8n-workflow';

import { MidjourneyError, cancelledError, settle } from '../model/errors';
import { redactSecret } from '../model/redaction';
import { SUBMIT_CODE, createsTask } from '../model/submitCodes';
import type { MjTask, SubmittedTask } from '../model/task';
import { backoffDelay, parseRetryAfter, type BackoffPolicy } from '../waiting/backoff';

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
const FETCH_ATTEMPTS = 5;
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
		return { json: JSON.parse(text), malformed: false };
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

	/** Whether the server answers list-by-condition (undefined until first asked). */
	get supportsListByCondition(): boolean | undefined {
		return this.listByConditionSupported;
	}

	private redact(text: unknown): string {
		return redactSecret(typeof text === 'string' ? text : JSON.stringify(text ?? ''), this.deps.secret);
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
					'Check the API key and the Authentication style in the CometAPI credential. ' +
					`Server said: ${this.serverText(json, 'nothing')}`,
			},
		);
	}

	private paymentError(response: RawResponse, json: unknown): MidjourneyError {
		return new MidjourneyError('credits', 'The account has no credit left for Midjourney (HTTP 402)', {
			httpCode: 402,
			description: `Top up the balance of the account behind the API key, then run again. No task was created. Server said: ${this.serverText(json, 'nothing')}`,
		});
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
						: this.serverText(json, 'The Midjourney service is unavailable right now. Try again later.'),
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
		for (;;) {
			attempt++;
			const sent = await settle(async () => await this.send({ method: 'POST', path, body }));
			if (!sent.ok) {
				const failure = sent.error;
				if (failure instanceof NetworkError && failure.cancelled) throw cancelledError();
				if (failure instanceof NetworkError && failure.beforeSend) {
					// Never connected, so nothing was created: safe to try again.
					if (attempt < SUBMIT_ATTEMPTS) {
						await this.deps.sleep(backoffDelay(attempt, SUBMIT_RETRY, this.random));
						continue;
					}
					throw new MidjourneyError('unavailable', `${what}: the server could not be reached (${failure.code})`, {
						description: `No task was created. Check the Base URL in the CometAPI credential (${this.deps.baseUrl ?? ''}).`,
					});
				}
				throw ambiguousSubmit(what, failure instanceof NetworkError ? failure.code : String(failure));
			}
			const response = sent.value;
			const { json, malformed } = parseBody(response.body);
			const status = response.statusCode;
			if (status === 401 || status === 403) throw this.authError(response, json);
			if (status === 402) throw this.paymentError(response, json);
			if (status === 429 || status === 503) {
				const error = this.unavailable(what, response, json);
				if (attempt >= SUBMIT_ATTEMPTS) throw error;
				await this.deps.sleep(
					error.details.retryAfterMs ?? backoffDelay(attempt, SUBMIT_RETRY, this.random),
				);
				continue;
			}
			if (status === 413) {
				throw new MidjourneyError('input', `${what}: the request is too large (HTTP 413)`, {
					httpCode: 413,
					description: 'Send fewer or smaller images (the server refuses bodies above about 30 MB).',
				});
			}
			const envelope = asObject(json);
			if (status >= 500 || malformed || (status < 300 && typeof envelope?.code !== 'number')) {
				// The gateway may have forwarded the submit before failing.
				// Name the HTTP status when there is one (a 502 comes with an HTML page, not JSON).
				throw ambiguousSubmit(what, status >= 300 || (!malformed && envelope) ? `HTTP ${status}` : 'an unreadable answer');
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
					description: `${this.serverText(envelope, '')} No task was created. Try again later, or lower Max Concurrent Tasks.`.trim(),
				});
			}
			await this.deps.sleep(retryAt - this.now());
		}
	}

	/** Reads a submit envelope: the result, an error, or undefined for "queue full, retry". */
	private readEnvelope(what: string, envelope: IDataObject, status: number): SubmittedTask | undefined {
		const code = envelope.code as number;
		const description = this.serverText(envelope, '');
		const properties = asObject(envelope.properties) ?? {};
		if (createsTask(code)) {
			const id = envelope.result;
			if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') {
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
			return fail('bannedWord', `The prompt contains a banned word${word ? `: "${String(word)}"` : ''} (code 24)`, {
				code,
				description: `Remove or rephrase ${word ? `"${String(word)}"` : 'the banned word'} and try again. ${description}`.trim(),
			});
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
	async fetchTasksOnce(ids: string[]): Promise<Map<string, MjTask>> {
		const found = new Map<string, MjTask>();
		if (ids.length === 0) return found;
		if (this.listByConditionSupported !== false) {
			const list = await this.listByCondition(ids);
			if (list) {
				for (const task of list) {
					if (task && task.id !== undefined && task.id !== null) found.set(String(task.id), task);
				}
				return found;
			}
		}
		for (let start = 0; start < ids.length; start += FETCH_PARALLELISM) {
			const batch = ids.slice(start, start + FETCH_PARALLELISM);
			const tasks = await Promise.all(batch.map(async (id) => await this.fetchOneOnce(id)));
			tasks.forEach((task, index) => {
				if (task) found.set(batch[index], task);
			});
		}
		return found;
	}

	/** undefined when the server lacks the endpoint (then per-task fetch is used). */
	private async listByCondition(ids: string[]): Promise<MjTask[] | undefined> {
		const response = await this.sendOrTransient({
			method: 'POST',
			path: '/mj/task/list-by-condition',
			body: { ids },
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

	private async fetchOneOnce(id: string): Promise<MjTask | undefined> {
		const response = await this.sendOrTransient({
			method: 'GET',
			path: `/mj/task/${encodeURIComponent(id)}/fetch`,
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
			throw new MidjourneyError('badResponse', `Fetching task ${id}: the answer was not a task`, { httpCode: status });
		}
		return task as MjTask;
	}

	private checkCommonFaults(what: string, response: RawResponse, json: unknown, malformed: boolean): void {
		const status = response.statusCode;
		if (status === 401 || status === 403) throw this.authError(response, json);
		if (status === 429 || status >= 500) throw this.unavailable(what, response, json);
		if (malformed) {
			throw new MidjourneyError('badResponse', `${what}: the answer was not valid JSON`, { httpCode: status });
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
			throw new MidjourneyError('unavailable', `Reading tasks: connection failed (${failure.code})`, {
				description: `Could not reach ${this.deps.baseUrl ?? 'the server'}.`,
			});
		}
		throw failure;
	}

	/** Retries a read on transient faults with exponential backoff, bounded. */
	async withReadRetries<T>(read: () => Promise<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			const result = await settle(read);
			if (result.ok) return result.value;
			if (!isTransientError(result.error) || attempt >= FETCH_ATTEMPTS) throw result.error;
			const retryAfter = (result.error as MidjourneyError).details.retryAfterMs;
			await this.deps.sleep(retryAfter ?? backoffDelay(attempt, FETCH_RETRY, this.random));
		}
	}

	/** Reads several tasks, with retries (the Fetch operation, parent look-ups). */
	async fetchTasks(ids: string[]): Promise<Map<string, MjTask>> {
		return await this.withReadRetries(async () => await this.fetchTasksOnce(ids));
	}

	async fetchTask(id: string): Promise<MjTask | undefined> {
		return await this.withReadRetries(async () => await this.fetchOneOnce(id));
	}
}

function fail(kind: MidjourneyError['kind'], message: string, details: MidjourneyError['details']): never {
	throw new MidjourneyError(kind, message, details);
}

function ambiguousSubmit(what: string, cause: string): MidjourneyError {
	return new MidjourneyError('ambiguousSubmit', `${what}: no clear answer (${cause}); a task may have been created`, {
		description:
			'The request reached the server but its answer was lost, so it was not resent (that could create and charge a second task). ' +
			'Look for the task with the Fetch operation or in your CometAPI task log before trying again.',
	});
}
