/**
 * Issue 9 at workflow level (n8n-core's WorkflowExecute through the harness):
 *  - a server that echoes the key in every form and every field: the key is in
 *    no output item, error item, error, binary and log line, for every
 *    authentication style and keys stored with blanks, a newline or "Bearer ";
 *  - expressions of the wrong type: a clear error naming the field and the
 *    item, and no submit at all;
 *  - status spellings end the wait at once; `buttons` that is not a list;
 *    an Initial Delay longer than the Timeout still polls once.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { chain, midjourneyNode, optionParameters, runWorkflow, type WorkflowResult } from '../../../harness';
import { echoForms, startKeyEcho, type KeyEcho, type KeyEchoOptions } from '../../../hostile/keyEcho';
import { FAST, SECRET_KEY, captureLogLines, everythingVisible, useEmulator } from '../emulatorSetup';

const KEY = 'sk-ECHO-5e1f0c2b9a7d4e3f8a6b1c0d';

const logLines = captureLogLines();

/**
 * The key in `text`, in any form: plain, URL-encoded, JSON-escaped, or inside
 * any base64 run (decoded here at every alignment, independently of how the
 * node redacts).
 */
function findKey(text: string, key = KEY): string | undefined {
	const plain = [key, encodeURIComponent(key), ...echoForms(`Bearer ${key}`)].find((form) => text.includes(form));
	if (plain) return plain;
	for (const run of text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) {
		for (let skip = 0; skip < 4; skip++) {
			for (const encoding of ['base64', 'base64url'] as const) {
				if (Buffer.from(run.slice(skip), encoding).toString('latin1').includes(key)) return `base64 run ${run}`;
			}
		}
	}
	return undefined;
}

function expectNoKey(value: unknown): void {
	expect(findKey(everythingVisible(value))).toBeUndefined();
}

/** Guards the guard: the search finds the key in each form the echo server sends. */
it('the key search finds every form the echo server uses', () => {
	for (const form of echoForms(`Bearer ${KEY}`)) expect(findKey(`text ${form} text`)).toBeDefined();
	expect(findKey('nothing here')).toBeUndefined();
});

async function withEcho<T>(options: Partial<KeyEchoOptions>, body: (echo: KeyEcho) => Promise<T>): Promise<T> {
	const echo = await startKeyEcho(options);
	try {
		return await body(echo);
	} finally {
		await echo.close();
	}
}

function credentials(echo: KeyEcho, apiKey: string, authStyle = 'bearer') {
	return { cometApi: { apiKey, baseUrl: echo.url, authStyle } };
}

const onError = (continueOnFail: boolean) => (continueOnFail ? { onError: 'continueRegularOutput' as const } : {});

async function imagine(echo: KeyEcho, apiKey: string, authStyle: string, continueOnFail: boolean, options: IDataObject = {}) {
	return await runWorkflow(
		// Simplify off: every field the hostile server fills is checked, not only the compact ones.
		chain(
			midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a cat', simplify: false, ...optionParameters({ ...FAST, ...options }) }, onError(continueOnFail)),
		),
		{ credentials: credentials(echo, apiKey, authStyle) },
	);
}

describe('a server that echoes the key in every form: the key is shown nowhere', () => {
	const storedKeys: Array<[string, string]> = [
		['as it is', KEY],
		['with blanks around', `   ${KEY}  `],
		['with a trailing newline', `${KEY}\n`],
		['with a pasted "Bearer "', `Bearer ${KEY}`],
		['with " bearer " and a newline', ` bearer ${KEY}\r\n`],
	];
	const styles = ['bearer', 'raw', 'mjApiSecret'];
	const cases = styles.flatMap((style) => storedKeys.map(([what, stored]) => [style, what, stored] as const));

	it.each(cases)('%s, key stored %s: success items, binary, Fetch', async (style, _what, stored) => {
		await withEcho({}, async (echo) => {
			const result = await imagine(echo, stored, style, true, { downloadImage: true });
			// The echo server really echoed the key as sent.
			expect(echo.requests[0].credential).toContain(KEY);
			const [item] = result.output('Imagine');
			expect(item.json).toMatchObject({ taskId: '1730000000000001', status: 'SUCCESS', U1: expect.any(String) });
			expect(String(item.json.description)).toContain('[redacted]');
			expect(item.binary?.data?.fileName).toBe('midjourney-1730000000000001.png');
			expectNoKey({ items: result.output('Imagine'), error: result.error });
			expectNoKey(result.run);

			const fetched = await runWorkflow(
				chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: '1730000000000001' })),
				{ credentials: credentials(echo, stored, style) },
			);
			expect(fetched.output('Fetch')[0].json.status).toBe('SUCCESS');
			expectNoKey(fetched.run);
		});
	});

	it.each(cases)('%s, key stored %s: a FAILURE as error item and as error', async (style, _what, stored) => {
		await withEcho({ status: 'FAILURE' }, async (echo) => {
			const continued = await imagine(echo, stored, style, true);
			const [item] = continued.output('Imagine');
			expect(item.json).toMatchObject({ taskId: '1730000000000001', status: 'FAILURE', errorKind: 'taskFailed' });
			expect(String(item.json.failReason)).toContain('[redacted]');
			expectNoKey(continued.run);

			const stopped = await imagine(echo, stored, style, false);
			expect(stopped.error?.message).toMatch(/task 1730000000000001 failed/);
			expectNoKey({ error: stopped.error, message: stopped.error?.message, description: stopped.error?.description });
			expectNoKey(stopped.run);
		});
	});

	it('n8n logged nothing that holds the key', () => {
		expect(logLines.length).toBeGreaterThanOrEqual(0);
		for (const line of logLines) expect(findKey(line)).toBeUndefined();
	});
});

describe('expressions of the wrong type: a clear error, and nothing sent', () => {
	const emu = useEmulator();
	const submits = () => emu.emulator.requests.filter((entry) => entry.kind.startsWith('submit-'));

	async function run(parameters: IDataObject): Promise<WorkflowResult> {
		return await runWorkflow(chain(midjourneyNode('Node', { ...parameters, ...optionParameters({ ...FAST, ...(parameters.options as IDataObject) }) })), {
			credentials: emu.credentials(),
			triggerItems: [{ json: { id: 1 } }, { json: { id: 2 } }],
		});
	}

	const cases: Array<[string, IDataObject, RegExp]> = [
		['an object as the prompt', { operation: 'imagine', prompt: '={{ {a: 1} }}' }, /^Prompt of item 0 must be text, but the expression gave an object$/],
		['a list as the prompt', { operation: 'imagine', prompt: '={{ [1, 2] }}' }, /^Prompt of item 0 must be text, but the expression gave a list$/],
		['a boolean as the prompt', { operation: 'imagine', prompt: '={{ $json.id === 1 }}' }, /^Prompt of item 0 must be text, but the expression gave a boolean \(true\)$/],
		['an object as State', { operation: 'imagine', prompt: 'a cat', options: { state: '={{ {post: 1} }}' } }, /^State of item 0 must be text/],
		['a list as the Notify Hook URL', { operation: 'imagine', prompt: 'a cat', options: { notifyHook: '={{ ["a"] }}' } }, /^Notify Hook URL of item 0 must be text/],
		['a 20-digit number as the Task ID', { operation: 'action', taskId: '={{ 12345678901234567890 }}', button: 'U1' }, /^Task ID of item 0 is a number too large to be exact/],
		['an object as the Task ID', { operation: 'action', taskId: '={{ {id: 1} }}', button: 'U1' }, /^Task ID of item 0 must be text, but the expression gave an object$/],
		['a list as the Button', { operation: 'action', taskId: '1', button: '={{ ["U1"] }}' }, /^Button of item 0 must be text, but the expression gave a list$/],
		['an object as the Modal Prompt', { operation: 'action', taskId: '1', button: 'U1', actionOptions: { modalPrompt: '={{ {a: 1} }}' } }, /^Modal Prompt of item 0 must be text/],
		['an object as the Modal prompt', { operation: 'modal', taskId: '1', prompt: '={{ {a: 1} }}' }, /^Prompt of item 0 must be text/],
		['a list as the mask URL', { operation: 'modal', taskId: '1', maskSource: 'url', maskUrl: '={{ ["x"] }}' }, /^Mask URL of item 0 must be text/],
		['an object among the image URLs', { operation: 'blend', imageSource: 'url', imageUrls: '={{ [{url: "https://a.example/1.png"}, "https://a.example/2.png"] }}' }, /^Image URLs \(entry 1\) of item 0 must be text, but the expression gave an object$/],
		['a number as Dimensions', { operation: 'blend', imageSource: 'url', imageUrls: 'https://a.example/1.png', dimensions: '={{ 5 }}' }, /^Dimensions of item 0 is "5"$/],
		['an object as the Image URL', { operation: 'describe', imageSource: 'url', imageUrl: '={{ {a: 1} }}' }, /^Image URL of item 0 must be text/],
		['an unsafe number among Task IDs', { operation: 'fetch', taskIds: '={{ ["1", 12345678901234567890] }}' }, /^Task IDs \(entry 2\) of item 0 is a number too large to be exact/],
		['an object as Task IDs', { operation: 'fetch', taskIds: '={{ {a: 1} }}' }, /^Task IDs of item 0 must be text/],
		['an object as the Edit prompt', { operation: 'edit', imageSource: 'url', imageUrl: 'https://a.example/1.png', prompt: '={{ {a: 1} }}' }, /^Prompt of item 0 must be text, but the expression gave an object$/],
		['a list as the Shorten prompt', { operation: 'shorten', prompt: '={{ ["a", "b"] }}' }, /^Prompt of item 0 must be text, but the expression gave a list$/],
		['an object as the Motion', { operation: 'animate', source: 'upscale', taskId: '1', motion: '={{ {m: 1} }}' }, /^Motion of item 0 must be text/],
		['a list as the video prompt', { operation: 'animate', source: 'upscale', taskId: '1', motion: 'low', prompt: '={{ [1] }}' }, /^Prompt of item 0 must be text, but the expression gave a list$/],
	];

	it.each(cases)('%s', async (_what, parameters, message) => {
		const result = await run(parameters);
		expect(result.error?.message).toMatch(message);
		if (!/too large/.test(result.error?.message ?? '')) {
			expect(result.error?.description).toMatch(/Map a field that holds text|Use one of/);
		}
		expect(submits()).toHaveLength(0);
		// Not even a read: the item was refused before anything went out.
		expect(emu.emulator.requests).toHaveLength(0);
	});

	it('numbers that are exact still work as task ids, and lists of ids stay allowed', async () => {
		const created = await runWorkflow(chain(midjourneyNode('Imagine', { operation: 'imagine', prompt: 'a cat', waitingOptions: FAST })), {
			credentials: emu.credentials(),
		});
		const taskId = String(created.output('Imagine')[0].json.taskId);
		expect(Number.isSafeInteger(Number(taskId))).toBe(true);
		const fetched = await runWorkflow(
			chain(midjourneyNode('Fetch', { operation: 'fetch', taskIds: `={{ [${taskId}, "${taskId}"] }}` })),
			{ credentials: emu.credentials(), triggerItems: [{ json: {} }] },
		);
		expect(fetched.error).toBeUndefined();
		expect(fetched.output('Fetch').map((item) => item.json.taskId)).toEqual([taskId, taskId]);
	});

	it('the emulator key is not the echo key (the suites do not mask each other)', () => {
		expect(SECRET_KEY).not.toBe(KEY);
	});
});

describe('servers that bend the contract', () => {
	const imagineOnce = async (echo: KeyEcho, options: IDataObject = {}, continueOnFail = true) =>
		await imagine(echo, KEY, 'bearer', continueOnFail, { ...FAST, timeout: 30, ...options });
	const polls = (echo: KeyEcho) => echo.requests.filter((entry) => entry.path.startsWith('/mj/task/'));

	const spellings: Array<[string, string]> = [
		['success', 'SUCCESS'],
		['Success', 'SUCCESS'],
		['FAILED', 'FAILURE'],
		['failure', 'FAILURE'],
		['failed', 'FAILURE'],
		['canceled', 'CANCEL'],
		['cancelled', 'CANCEL'],
		['modal', 'MODAL'],
	];
	it.each(spellings)('status "%s" ends the wait at once, as %s', async (spelled, status) => {
		await withEcho({ status: spelled, echo: false }, async (echo) => {
			const started = Date.now();
			const result = await imagineOnce(echo);
			expect(Date.now() - started).toBeLessThan(5000);
			expect(polls(echo)).toHaveLength(1);
			const [item] = result.output('Imagine');
			expect(item.json.status).toBe(status);
			if (status === 'SUCCESS') expect(item.json.error).toBeUndefined();
			if (status === 'FAILURE' || status === 'CANCEL') expect(item.json.errorKind).toBe('taskFailed');
		});
	});

	it('an unknown status stays as it is (and waits)', async () => {
		await withEcho({ status: 'RENDERING', echo: false }, async (echo) => {
			const result = await imagineOnce(echo, { timeout: 1, onTimeout: 'returnTask' });
			expect(result.output('Imagine')[0].json).toMatchObject({ status: 'RENDERING', timedOut: true });
		});
	});

	it.each<[string, unknown]>([
		['a string', 'U1,U2,U3,U4'],
		['an object', { U1: 'MJ::JOB::upsample::1::h' }],
		['a number', 4],
		['null', null],
	])('`buttons` as %s: no buttons, no crash', async (_what, buttons) => {
		await withEcho({ buttons, echo: false }, async (echo) => {
			const result = await imagineOnce(echo, {}, false);
			expect(result.error).toBeUndefined();
			const [item] = result.output('Imagine');
			expect(item.json).toMatchObject({ status: 'SUCCESS', buttons: [], actions: [] });
			expect(item.json.U1).toBeUndefined();

			const pressed = await runWorkflow(
				chain(midjourneyNode('Action', { operation: 'action', taskId: '1730000000000001', button: 'U1', waitingOptions: FAST })),
				{ credentials: credentials(echo, KEY) },
			);
			expect(pressed.error?.message).toBe('Button "U1" is not on task 1730000000000001');
			expect(pressed.error?.description).toMatch(/has no buttons/);
			expect(echo.requests.filter((entry) => entry.path === '/mj/submit/action')).toHaveLength(0);
		});
	});

	it('malformed button entries are left out, the good ones kept', async () => {
		const buttons = [null, 7, 'U1', { label: 'no id' }, { customId: 'MJ::JOB::upsample::2::h', label: 5 }, { customId: 'MJ::JOB::upsample::1::h', label: 'U1' }];
		await withEcho({ buttons, echo: false }, async (echo) => {
			const result = await imagineOnce(echo, {}, false);
			expect(result.error).toBeUndefined();
			const [item] = result.output('Imagine') as INodeExecutionData[];
			expect(item.json.U1).toBe('MJ::JOB::upsample::1::h');
			expect(item.json.U2).toBeUndefined();
			expect(item.json.buttons).toEqual([{ customId: 'MJ::JOB::upsample::1::h', label: 'U1' }]);
		});
	});

	it('an Initial Delay longer than the Timeout still polls once, at the deadline', async () => {
		await withEcho({ status: 'IN_PROGRESS', echo: false }, async (echo) => {
			const started = Date.now();
			const result = await imagineOnce(echo, { initialDelay: 30, timeout: 1 });
			expect(Date.now() - started).toBeLessThan(5000);
			expect(polls(echo)).toHaveLength(1);
			expect(result.output('Imagine')[0].json.error).toMatch(/did not finish within 1 s \(last status IN_PROGRESS, 100%\)/);
		});
	});

	it('... and finds the task finished when it is', async () => {
		await withEcho({ status: 'SUCCESS', echo: false }, async (echo) => {
			const result = await imagineOnce(echo, { initialDelay: 30, timeout: 1 });
			expect(polls(echo)).toHaveLength(1);
			expect(result.output('Imagine')[0].json.status).toBe('SUCCESS');
		});
	});
});
