import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import {
	MidjourneyClient,
	NetworkError,
	type ApiRequest,
	type RawResponse,
} from '../../../../nodes/Midjourney/transport/client';
import { networkErrorCode } from '../../../../nodes/Midjourney/transport/n8nHttp';
import { VirtualClock } from '../waiting/virtualClock';

type Answer = RawResponse | NetworkError;

/** A sender that plays back scripted answers and records the requests. */
function scripted(answers: Answer[]) {
	const requests: ApiRequest[] = [];
	const send = async (request: ApiRequest): Promise<RawResponse> => {
		requests.push(request);
		const answer = answers.length > 1 ? answers.shift()! : answers[0];
		if (answer instanceof NetworkError) throw answer;
		return answer;
	};
	return { requests, send };
}

const ok = (body: unknown, statusCode = 200, headers: Record<string, unknown> = {}): RawResponse => ({ statusCode, headers, body });

function client(answers: Answer[], secret = 'sk-secret-key-123') {
	const clock = new VirtualClock();
	const sender = scripted(answers);
	const api = new MidjourneyClient(sender.send, {
		sleep: clock.sleep,
		now: clock.now,
		random: () => 0.5,
		secret,
		baseUrl: 'http://127.0.0.1:1',
	});
	return { api, clock, requests: sender.requests };
}

async function caught(promise: Promise<unknown>): Promise<MidjourneyError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof MidjourneyError) return error;
		throw error;
	}
	throw new Error('expected an error');
}

describe('MidjourneyClient.submit', () => {
	it('sends the speed mode as a path prefix and reads a numeric id as text', async () => {
		const { api, requests } = client([ok({ code: 1, description: 'ok', result: 1320098173412546 })]);
		const result = await api.submit('imagine', { prompt: 'cat' }, 'fast');
		expect(result).toMatchObject({ taskId: '1320098173412546', code: 1 });
		expect(requests[0]).toEqual({ method: 'POST', path: '/mj-fast/mj/submit/imagine', body: { prompt: 'cat' } });
		await api.submit('imagine', { prompt: 'cat' }, 'turbo');
		await api.submit('imagine', { prompt: 'cat' }, 'relax');
		await api.submit('imagine', { prompt: 'cat' });
		expect(requests.map((request) => request.path)).toEqual([
			'/mj-fast/mj/submit/imagine',
			'/mj-turbo/mj/submit/imagine',
			'/mj-relax/mj/submit/imagine',
			'/mj/submit/imagine',
		]);
	});

	it('treats code 22 as success with the queue position', async () => {
		const { api } = client([ok({ code: 22, description: 'queued', result: '1773314942177684', properties: { numberOfQueues: 3 } })]);
		expect(await api.submit('imagine', { prompt: 'x' })).toMatchObject({ taskId: '1773314942177684', code: 22, queuePosition: 3 });
	});

	it('under load, waits for code 23 do not use up the attempts a 429 gets', async () => {
		const limited = ok('', 429, { 'retry-after': '1' });
		const full = ok({ code: 23, description: 'queue full', result: null });
		// Five 429s in all (the sixth would end it), the queue full in between.
		const answers = [limited, limited, full, full, full, limited, limited, limited, ok({ code: 1, result: '8' })];
		const { api, requests } = client(answers);
		expect((await api.submit('imagine', { prompt: 'x' }, 'default', 600_000)).taskId).toBe('8');
		expect(requests.length).toBe(9);
	});

	it('retries code 23 within the deadline, then gives up with queueFull', async () => {
		const full = ok({ code: 23, description: 'queue full', result: null });
		const retried = client([full, full, ok({ code: 1, result: '7' })]);
		expect((await retried.api.submit('imagine', { prompt: 'x' }, 'default', 60_000)).taskId).toBe('7');
		expect(retried.requests.length).toBe(3);

		const hopeless = client([full]);
		const error = await caught(hopeless.api.submit('imagine', { prompt: 'x' }, 'default', 10_000));
		expect(error.kind).toBe('queueFull');
		expect(hopeless.clock.time).toBeLessThanOrEqual(10_000);
	});

	it('names the banned word (code 24)', async () => {
		const { api } = client([ok({ code: 24, description: 'banned', result: null, properties: { bannedWord: 'gore' } })]);
		const error = await caught(api.submit('imagine', { prompt: 'gore' }));
		expect(error.kind).toBe('bannedWord');
		expect(error.message).toContain('"gore"');
	});

	it('maps code 4 and code 3 with the server description', async () => {
		const validation = await caught(client([ok({ code: 4, description: 'prompt is empty', result: null })]).api.submit('imagine', { prompt: '' }));
		expect(validation).toMatchObject({ kind: 'validation', details: { code: 4, description: 'prompt is empty' } });
		const missing = await caught(client([ok({ code: 3, description: 'task not found' }, 404)]).api.submit('action', { taskId: '1', customId: 'x' }));
		expect(missing.kind).toBe('notFound');
	});

	it('retries 429 and 503 (no task was created) and obeys Retry-After', async () => {
		const { api, requests, clock } = client([ok('', 429, { 'retry-after': '3' }), ok('', 503), ok({ code: 1, result: '9' })]);
		expect((await api.submit('imagine', { prompt: 'x' })).taskId).toBe('9');
		expect(requests.length).toBe(3);
		expect(clock.sleeps[0]).toBe(3000);
	});

	it('gives up on a 429 storm with a rate-limit error', async () => {
		const { api, requests } = client([ok({ description: 'busy', type: 'upstream_error', code: 'x' }, 429)]);
		const error = await caught(api.submit('imagine', { prompt: 'x' }));
		expect(error.kind).toBe('unavailable');
		expect(error.details.description).toMatch(/Rate limited/);
		expect(requests.length).toBe(6);
	});

	it('retries a refused connection but never resends after an ambiguous failure', async () => {
		const refused = client([new NetworkError('ECONNREFUSED', true), ok({ code: 1, result: '5' })]);
		expect((await refused.api.submit('imagine', { prompt: 'x' })).taskId).toBe('5');
		expect(refused.requests.length).toBe(2);

		for (const answer of [new NetworkError('ECONNRESET', false), ok('', 500), ok('{"code":1,"res', 200), ok('', 200)]) {
			const ambiguous = client([answer, ok({ code: 1, result: '6' })]);
			const error = await caught(ambiguous.api.submit('imagine', { prompt: 'x' }));
			expect(error.kind).toBe('ambiguousSubmit');
			expect(error.message).toMatch(/may have been created/);
			expect(ambiguous.requests.length).toBe(1);
		}
	});

	it('explains a rejected key without ever repeating it', async () => {
		const echoed = ok({ error: { message: 'Invalid token sk-secret-key-123', type: 'new_api_error', code: '' } }, 401);
		const error = await caught(client([echoed]).api.submit('imagine', { prompt: 'x' }));
		expect(error.kind).toBe('auth');
		expect(error.message).toContain('HTTP 401');
		expect(error.details.description).toContain('CometAPI credential');
		expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('sk-secret-key-123');
	});
});

describe('MidjourneyClient reads', () => {
	it('reads many tasks with one list-by-condition call', async () => {
		const { api, requests } = client([ok([{ id: 1, status: 'SUCCESS' }, { id: '2', status: 'IN_PROGRESS' }])]);
		const tasks = await api.fetchTasksOnce(['1', '2', '3']);
		expect([...tasks.keys()]).toEqual(['1', '2']);
		expect(requests).toEqual([{ method: 'POST', path: '/mj/task/list-by-condition', body: { ids: ['1', '2', '3'] } }]);
		// It stays with list-by-condition for the next read.
		await api.fetchTasksOnce(['1']);
		expect(requests[1].path).toBe('/mj/task/list-by-condition');
	});

	it('falls back to per-task fetch once list-by-condition is missing, and remembers it', async () => {
		const { api, requests } = client([
			ok('', 404),
			ok({ id: '1', status: 'SUCCESS' }),
			ok('', 204),
			ok({ id: '1', status: 'SUCCESS' }),
			ok({ code: 4, description: 'task_no_found' }, 400),
		]);
		const first = await api.fetchTasksOnce(['1', '2']);
		expect([...first.keys()]).toEqual(['1']);
		const second = await api.fetchTasksOnce(['1', '2']);
		expect([...second.keys()]).toEqual(['1']);
		expect(requests.map((request) => request.path)).toEqual([
			'/mj/task/list-by-condition',
			'/mj/task/1/fetch',
			'/mj/task/2/fetch',
			'/mj/task/1/fetch',
			'/mj/task/2/fetch',
		]);
	});

	it('treats an empty 200 as an unknown task (Java proxies)', async () => {
		expect(await client([ok('')]).api.fetchTask('42')).toBeUndefined();
	});

	it('reports 429, 5xx, malformed bodies and dropped connections as transient', async () => {
		for (const answer of [ok('', 429), ok('', 502), ok('[{"id":', 200), new NetworkError('ECONNRESET', false)]) {
			const error = await caught(client([answer]).api.fetchTasksOnce(['1', '2']));
			expect(['unavailable', 'badResponse']).toContain(error.kind);
		}
	});

	it('retries transient read faults a bounded number of times', async () => {
		const flaky = client([ok('', 503), ok('', 503), ok({ id: '1', status: 'SUCCESS' })]);
		expect(await flaky.api.fetchTask('1')).toMatchObject({ status: 'SUCCESS' });
		const down = client([ok('', 503)]);
		await expect(down.api.fetchTask('1')).rejects.toThrow(/HTTP 503/);
		expect(down.requests.length).toBe(5);
	});
});

describe('networkErrorCode', () => {
	it('finds the code through n8n and axios wrappers', () => {
		const axiosError = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
		const wrapped = Object.assign(new Error('wrapped'), { cause: axiosError });
		expect(networkErrorCode(wrapped)).toBe('ECONNREFUSED');
		expect(networkErrorCode(new Error('plain'))).toBeUndefined();
	});
});

describe('MidjourneyClient: credits', () => {
	it('says the account has no credit on HTTP 402, once, and does not resend', async () => {
		const { api, requests } = client([ok({ message: 'insufficient quota' }, 402)]);
		const error = await caught(api.submit('imagine', { prompt: 'cat' }));
		expect(error.kind).toBe('credits');
		expect(error.message).toMatch(/no credit/);
		expect(error.details.description).toMatch(/Top up.*No task was created.*insufficient quota/);
		expect(requests).toHaveLength(1);
	});
});
