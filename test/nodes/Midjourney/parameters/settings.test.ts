import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import {
	DEFAULT_MAX_CONCURRENCY,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_TIMEOUT_SECONDS,
} from '../../../../nodes/Midjourney/parameters/options.description';
import {
	commonSubmitFields,
	readItemSettings,
	readMaxConcurrency,
	type ItemSettings,
	type OutputSettings,
	type SettingsScope,
	type SubmitSettings,
	type WaitSettings,
} from '../../../../nodes/Midjourney/parameters/settings';
import { optionParameters } from '../../../harness';

/** The parameters of each item, as the expression results n8n would give. */
type ItemParameters = { options?: IDataObject; waitingOptions?: IDataObject; waitForCompletion?: boolean; simplify?: boolean };

/** An IExecuteFunctions with only getNodeParameter, returning the fallback for what an item does not set. */
function fakeContext(items: ItemParameters[]) {
	const calls: Array<[string, number]> = [];
	const ctx = {
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			calls.push([name, itemIndex]);
			const item = items[itemIndex];
			if (!item) throw new Error(`no item ${itemIndex}`);
			const value = (item as Record<string, unknown>)[name];
			return value === undefined ? fallback : value;
		},
		getNode: () => ({ type: 'n8n-nodes-cometapi-midjourney.midjourney' }),
		evaluateExpression: (expression: string) => (expression.includes('resumeUrl') ? 'http://n8n.test/webhook-waiting/1' : undefined),
	} as unknown as IExecuteFunctions;
	return { ctx, calls };
}

const SUBMIT_WITH_BOT: SettingsScope = { submits: true, takesBot: true, results: ['images'] };
const SUBMIT_NO_BOT: SettingsScope = { submits: true, takesBot: false, results: ['images', 'videos'] };
const READ: SettingsScope = { submits: false, takesBot: false, results: ['images', 'videos'] };

type FlatSettings = SubmitSettings & WaitSettings & OutputSettings;

/** The three groups side by side, so one expectation reads every setting. */
function flat({ submit, wait, output }: ItemSettings): FlatSettings {
	return { ...submit, ...wait, ...output };
}

/** The settings of one item whose option values (of both collections) are `values`. */
function settingsOf(values: IDataObject, scope: SettingsScope = SUBMIT_WITH_BOT, waitForCompletion?: boolean) {
	return flat(readItemSettings(fakeContext([{ ...optionParameters(values), waitForCompletion }]).ctx, 0, scope));
}

function caught(run: () => unknown): MidjourneyError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(MidjourneyError);
		return error as MidjourneyError;
	}
	throw new Error('expected a MidjourneyError, nothing was thrown');
}

describe('readItemSettings', () => {
	it('gives the documented defaults for an empty Options collection', () => {
		expect([DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS]).toEqual([5, 900]);
		const expected: FlatSettings = {
			speed: 'default',
			botType: undefined,
			state: undefined,
			notifyHook: undefined,
			waitForCompletion: true,
			waitMode: 'poll',
			pollIntervalMs: 5000,
			timeoutMs: 900_000,
			callbackWaitLimitMs: 900_000,
			initialDelayMs: 10_000,
			onTimeout: 'fail',
			// Pictures come out as files by default (Imagine makes no videos).
			downloadImage: true,
			downloadVideo: false,
			binaryPropertyName: 'data',
			output: 'task',
			simplify: true,
		};
		expect(settingsOf({})).toEqual(expected);
		// Options not set at all (getNodeParameter's fallback) read the same.
		expect(flat(readItemSettings(fakeContext([{}]).ctx, 0, SUBMIT_WITH_BOT))).toEqual(expected);
	});

	it('groups the settings by the stage that takes them: submit, wait, output', () => {
		const settings = readItemSettings(
			fakeContext([{ options: { speed: 'fast', state: 's', downloadImage: true, output: 'gridImages' }, waitingOptions: { timeout: 60 } }]).ctx,
			0,
			SUBMIT_WITH_BOT,
		);
		expect(Object.keys(settings.submit).sort()).toEqual(['botType', 'notifyHook', 'speed', 'state']);
		expect(Object.keys(settings.wait).sort()).toEqual(['callbackWaitLimitMs', 'initialDelayMs', 'onTimeout', 'pollIntervalMs', 'timeoutMs', 'waitForCompletion', 'waitMode']);
		expect(settings.output).toEqual({ downloadImage: true, downloadVideo: false, binaryPropertyName: 'data', output: 'gridImages', simplify: true });
		expect([settings.submit.speed, settings.submit.state, settings.wait.timeoutMs]).toEqual(['fast', 's', 60_000]);
	});

	it('Callback Wait Limit: unset is the Timeout, a shorter one is kept, a longer one is cut to the Timeout', () => {
		expect(settingsOf({ timeout: 600 }).callbackWaitLimitMs).toBe(600_000);
		expect(settingsOf({ timeout: 600, callbackWaitLimit: 120 }).callbackWaitLimitMs).toBe(120_000);
		expect(settingsOf({ timeout: 60, callbackWaitLimit: 120 }).callbackWaitLimitMs).toBe(60_000);
	});

	it('a read that waits (Fetch) takes Wait for Completion, off unless set, and never Callback mode', () => {
		const reading: SettingsScope = { submits: false, takesBot: false, waits: true, results: ['images', 'videos'] };
		expect(readItemSettings(fakeContext([{ options: {} }]).ctx, 0, reading).wait.waitForCompletion).toBe(false);
		const waiting = readItemSettings(fakeContext([{ waitingOptions: { waitMode: 'callback' }, waitForCompletion: true }]).ctx, 0, reading);
		expect(waiting.wait).toMatchObject({ waitForCompletion: true, waitMode: 'poll' });
	});

	it('downloads what the operation makes unless turned off, and never what it cannot make', () => {
		expect(settingsOf({}, READ)).toMatchObject({ downloadImage: true, downloadVideo: true });
		expect(settingsOf({ downloadImage: false, downloadVideo: false }, READ)).toMatchObject({ downloadImage: false, downloadVideo: false });
		expect(settingsOf({}, { submits: true, takesBot: true, results: [] })).toMatchObject({ downloadImage: false, downloadVideo: false });
		expect(settingsOf({ downloadVideo: true }, SUBMIT_WITH_BOT).downloadVideo).toBe(false);
	});

	it('takes Initial Delay as "auto" or seconds, and refuses anything else', () => {
		expect(settingsOf({ initialDelay: 'auto', speed: 'relax' }).initialDelayMs).toBe(30_000);
		expect(settingsOf({ initialDelay: '7' }).initialDelayMs).toBe(7000);
		expect(settingsOf({ initialDelay: 0 }).initialDelayMs).toBe(0);
		expect(caught(() => settingsOf({ initialDelay: 'soon' })).message).toMatch(/neither "auto" nor seconds/);
	});

	it('reads the waiting settings from Waiting Options, and only while Wait for Completion is on', () => {
		const waitingOptions = { waitMode: 'callback', pollInterval: 2, timeout: 60, initialDelay: 3, onTimeout: 'returnTask', callbackWaitLimit: 30 };
		expect(flat(readItemSettings(fakeContext([{ waitingOptions }]).ctx, 0, SUBMIT_WITH_BOT))).toMatchObject({
			waitMode: 'callback',
			pollIntervalMs: 2000,
			timeoutMs: 60_000,
			initialDelayMs: 3000,
			onTimeout: 'returnTask',
			callbackWaitLimitMs: 30_000,
		});
		// A waiting setting in Options is not one (the panel never puts it there).
		expect(flat(readItemSettings(fakeContext([{ options: waitingOptions }]).ctx, 0, SUBMIT_WITH_BOT))).toMatchObject({ waitMode: 'poll', timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 });
		// Wait for Completion off: the collection is hidden, so what it held is not read at all.
		const { ctx, calls } = fakeContext([{ waitingOptions, waitForCompletion: false }]);
		expect(flat(readItemSettings(ctx, 0, SUBMIT_WITH_BOT))).toMatchObject({ waitForCompletion: false, waitMode: 'poll', timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 });
		expect(calls.map(([name]) => name)).not.toContain('waitingOptions');
	});

	it('simplifies unless Simplify is off', () => {
		expect(readItemSettings(fakeContext([{ simplify: false }]).ctx, 0, SUBMIT_WITH_BOT).output.simplify).toBe(false);
	});

	it('reads the item asked for', () => {
		const { ctx, calls } = fakeContext([{ waitingOptions: { timeout: 10 } }, { waitingOptions: { timeout: 20 }, waitForCompletion: true }]);
		expect(flat(readItemSettings(ctx, 1, SUBMIT_WITH_BOT))).toMatchObject({ timeoutMs: 20_000, waitForCompletion: true });
		expect(calls.every(([, itemIndex]) => itemIndex === 1)).toBe(true);
	});

	it('reads every option that is set', () => {
		expect(
			settingsOf({
				speed: 'fast',
				botType: 'NIJI_JOURNEY',
				state: 'post-42',
				notifyHook: 'https://hooks.example.com/mj',
				pollInterval: 2,
				timeout: 120,
				callbackWaitLimit: 30,
				initialDelay: 4,
				onTimeout: 'returnTask',
				downloadImage: true,
				downloadVideo: true,
				binaryPropertyName: 'hero',
				output: 'gridImages',
			}, { submits: true, takesBot: true, results: ['images', 'videos'] }),
		).toEqual({
			speed: 'fast',
			botType: 'NIJI_JOURNEY',
			state: 'post-42',
			notifyHook: 'https://hooks.example.com/mj',
			waitForCompletion: true,
			waitMode: 'poll',
			pollIntervalMs: 2000,
			timeoutMs: 120_000,
			callbackWaitLimitMs: 30_000,
			initialDelayMs: 4000,
			onTimeout: 'returnTask',
			downloadImage: true,
			downloadVideo: true,
			binaryPropertyName: 'hero',
			output: 'gridImages',
			simplify: true,
		});
	});

	describe('Poll Interval and Timeout', () => {
		it.each<[unknown, number]>([
			[1, 1000],
			[0.5, 500],
			[0.2, 200],
			[0.1, 200],
			[0, 200],
			[-3, 200],
			['2', 2000],
			['', 5000],
			['soon', 5000],
		])('pollInterval %p → %p ms (at least 0.2 s)', (pollInterval, ms) => {
			expect(settingsOf({ pollInterval } as IDataObject).pollIntervalMs).toBe(ms);
		});

		it.each<[unknown, number]>([
			[60, 60_000],
			[1, 1000],
			[0.5, 1000],
			[0, 1000],
			[-10, 1000],
			['', 900_000],
			['forever', 900_000],
		])('timeout %p → %p ms (at least 1 s)', (timeout, ms) => {
			expect(settingsOf({ timeout } as IDataObject).timeoutMs).toBe(ms);
		});

		// An expression giving null ({{ $json.timeout }} where that field is null) or blank text means
		// "not set": Number(null) would be 0, i.e. a 1 s Timeout and a 0.2 s Poll Interval.
		it.each([null, '  '])('%p falls back to the defaults instead of reading as 0', (unset) => {
			const settings = settingsOf({ timeout: unset, pollInterval: unset, initialDelay: unset } as IDataObject);
			expect({
				timeoutMs: settings.timeoutMs,
				pollIntervalMs: settings.pollIntervalMs,
				initialDelayMs: settings.initialDelayMs,
			}).toEqual({ timeoutMs: 900_000, pollIntervalMs: 5000, initialDelayMs: 10_000 });
		});
	});

	describe('Initial Delay', () => {
		it.each<[string, number]>([
			['turbo', 5000],
			['fast', 10_000],
			['default', 10_000],
			['relax', 30_000],
		])('-1 (auto) for speed %s → %p ms', (speed, ms) => {
			expect(settingsOf({ speed, initialDelay: -1 }).initialDelayMs).toBe(ms);
			// -1 is also the default.
			expect(settingsOf({ speed }).initialDelayMs).toBe(ms);
		});

		it('auto is capped at 6 times the poll interval', () => {
			expect(settingsOf({ speed: 'relax', pollInterval: 1 }).initialDelayMs).toBe(6000);
			expect(settingsOf({ speed: 'fast', pollInterval: 1 }).initialDelayMs).toBe(6000);
			expect(settingsOf({ speed: 'turbo', pollInterval: 1 }).initialDelayMs).toBe(5000);
			expect(settingsOf({ speed: 'relax', pollInterval: 5 }).initialDelayMs).toBe(30_000);
			// The cap uses the poll interval after its minimum: 0.2 s × 6.
			expect(settingsOf({ speed: 'turbo', pollInterval: 0 }).initialDelayMs).toBeCloseTo(1200, 6);
		});

		it('an explicit value is taken as is, not capped', () => {
			expect(settingsOf({ speed: 'relax', initialDelay: 0 }).initialDelayMs).toBe(0);
			expect(settingsOf({ speed: 'relax', initialDelay: 3 }).initialDelayMs).toBe(3000);
			expect(settingsOf({ speed: 'turbo', pollInterval: 1, initialDelay: 100 }).initialDelayMs).toBe(100_000);
			expect(settingsOf({ initialDelay: '2.5' }).initialDelayMs).toBe(2500);
		});

		it('an unknown speed is the account default, also for the delay', () => {
			const settings = settingsOf({ speed: 'warp' });
			expect(settings.speed).toBe('default');
			expect(settings.initialDelayMs).toBe(10_000);
		});
	});

	describe('Bot and Wait for Completion by scope', () => {
		it('takes the Bot only where the operation takes one', () => {
			expect(settingsOf({ botType: 'NIJI_JOURNEY' }, SUBMIT_WITH_BOT).botType).toBe('NIJI_JOURNEY');
			expect(settingsOf({ botType: 'NIJI_JOURNEY' }, SUBMIT_NO_BOT).botType).toBeUndefined();
			expect(settingsOf({ botType: 'NIJI_JOURNEY' }, READ).botType).toBeUndefined();
			expect(settingsOf({ botType: '  ' }, SUBMIT_WITH_BOT).botType).toBeUndefined();
		});

		it('waits only for operations that submit', () => {
			expect(settingsOf({}, SUBMIT_NO_BOT, true).waitForCompletion).toBe(true);
			expect(settingsOf({}, SUBMIT_NO_BOT, false).waitForCompletion).toBe(false);
			expect(settingsOf({}, READ, true).waitForCompletion).toBe(false);
			expect(settingsOf({}, READ).waitForCompletion).toBe(false);
		});

		it('does not read Wait for Completion for an operation that does not submit', () => {
			const { ctx, calls } = fakeContext([{ options: {}, waitForCompletion: true }]);
			readItemSettings(ctx, 0, READ);
			expect(calls.map(([name]) => name)).not.toContain('waitForCompletion');
		});
	});

	describe('texts', () => {
		it('trims State, Notify Hook, Bot and the binary field name, and drops blank ones', () => {
			const settings = settingsOf({
				state: '  post-1 \n',
				notifyHook: ' https://hooks.example.com/x ',
				botType: ' MID_JOURNEY ',
				binaryPropertyName: '  hero ',
			});
			expect(settings).toMatchObject({
				state: 'post-1',
				notifyHook: 'https://hooks.example.com/x',
				botType: 'MID_JOURNEY',
				binaryPropertyName: 'hero',
			});
			const blank = settingsOf({ state: '   ', notifyHook: '', binaryPropertyName: ' ' });
			expect(blank.state).toBeUndefined();
			expect(blank.notifyHook).toBeUndefined();
			expect(blank.binaryPropertyName).toBe('data');
		});

		it('takes exact numbers as text and refuses other types, naming the option (issue 9)', () => {
			const settings = settingsOf({ state: 42, binaryPropertyName: 7 } as IDataObject);
			expect(settings.state).toBe('42');
			expect(settings.binaryPropertyName).toBe('7');
			expect(() => settingsOf({ notifyHook: true } as IDataObject)).toThrow(
				'Notify Hook URL of item 0 must be text, but the expression gave a boolean (true)',
			);
			expect(() => settingsOf({ state: { post: 1 } } as IDataObject)).toThrow('State of item 0 must be text, but the expression gave an object');
			expect(() => settingsOf({ state: 12345678901234567890 } as IDataObject)).toThrow('State of item 0 is a number too large to be exact');
		});
	});

	describe('modes', () => {
		it('output is gridImages only when asked, else task', () => {
			expect(settingsOf({ output: 'gridImages' }).output).toBe('gridImages');
			expect(settingsOf({ output: 'task' }).output).toBe('task');
			expect(settingsOf({ output: 'images' }).output).toBe('task');
			expect(settingsOf({ output: 'videos' }).output).toBe('videos');
			// Imagine makes no videos; an operation that does downloads them unless turned off.
			expect(settingsOf({}).downloadVideo).toBe(false);
			expect(settingsOf({}, SUBMIT_NO_BOT).downloadVideo).toBe(true);
			expect(settingsOf({ downloadVideo: false }, SUBMIT_NO_BOT).downloadVideo).toBe(false);
		});

		it('onTimeout is returnTask only when asked, else fail', () => {
			expect(settingsOf({ onTimeout: 'returnTask' }).onTimeout).toBe('returnTask');
			expect(settingsOf({ onTimeout: 'ignore' }).onTimeout).toBe('fail');
		});

		it('downloadImage is off only for false itself', () => {
			expect(settingsOf({ downloadImage: false }).downloadImage).toBe(false);
			expect(settingsOf({ downloadImage: 'false' }).downloadImage).toBe(true);
			expect(settingsOf({ downloadImage: 0 }).downloadImage).toBe(true);
		});

		it.each(['default', 'relax', 'fast', 'turbo'])('speed %s is kept', (speed) => {
			expect(settingsOf({ speed }).speed).toBe(speed);
		});
	});
});

describe('readMaxConcurrency', () => {
	const concurrencyOf = (...values: unknown[]) =>
		readMaxConcurrency(
			fakeContext(values.map((maxConcurrency) => ({ options: maxConcurrency === undefined ? {} : { maxConcurrency } }))).ctx,
			values.map((_, index) => index),
		);

	it('is the default when not set', () => {
		expect(DEFAULT_MAX_CONCURRENCY).toBe(10);
		expect(concurrencyOf(undefined, undefined)).toBe(10);
		expect(concurrencyOf('')).toBe(10);
	});

	it('is the value all items give', () => {
		expect(concurrencyOf(4, 4, 4)).toBe(4);
		expect(concurrencyOf(1)).toBe(1);
	});

	it('reads item 0 when there are no item indexes', () => {
		expect(readMaxConcurrency(fakeContext([{ options: { maxConcurrency: 7 } }]).ctx, [])).toBe(7);
	});

	it.each<[unknown, number]>([
		[0, 1],
		[-5, 1],
		[1, 1],
		[100, 100],
		[101, 100],
		[5000, 100],
		[3.9, 3],
		['6', 6],
	])('%p is clamped to 1..100 (whole numbers) → %p', (value, expected) => {
		expect(concurrencyOf(value, value)).toBe(expected);
	});

	it('accepts values that clamp to the same number', () => {
		expect(concurrencyOf(150, 100, 999)).toBe(100);
		expect(concurrencyOf(0, 1)).toBe(1);
	});

	it('refuses different values across items, naming both items', () => {
		const error = caught(() => concurrencyOf(5, 5, 7));
		expect(error.kind).toBe('input');
		expect(error.message).toBe('Max Concurrent Tasks is 7 for item 2 but 5 for item 0');
		expect(error.details.description).toMatch(/same for every item/);
	});

	it('names the items by their index in the input, not their position in the list', () => {
		const { ctx } = fakeContext([
			{ options: { maxConcurrency: 1 } },
			{ options: { maxConcurrency: 1 } },
			{ options: { maxConcurrency: 3 } },
			{ options: { maxConcurrency: 3 } },
			{ options: { maxConcurrency: 9 } },
		]);
		expect(caught(() => readMaxConcurrency(ctx, [2, 3, 4])).message).toBe(
			'Max Concurrent Tasks is 9 for item 4 but 3 for item 2',
		);
		expect(readMaxConcurrency(ctx, [2, 3])).toBe(3);
	});

	it('refuses a default against an explicit different value', () => {
		expect(caught(() => concurrencyOf(undefined, 3)).message).toBe('Max Concurrent Tasks is 3 for item 1 but 10 for item 0');
	});
});

describe('commonSubmitFields', () => {
	const base = settingsOf({});

	it('carries Bot, State and Notify Hook when set', () => {
		expect(
			commonSubmitFields({ ...base, botType: 'NIJI_JOURNEY', state: 'post-1', notifyHook: 'https://hooks.example.com/x' }),
		).toEqual({ botType: 'NIJI_JOURNEY', state: 'post-1', notifyHook: 'https://hooks.example.com/x' });
	});

	it('leaves out what is not set', () => {
		expect(commonSubmitFields(base)).toEqual({});
		expect(commonSubmitFields({ ...base, state: 'only state' })).toEqual({ state: 'only state' });
		expect(Object.keys(commonSubmitFields({ ...base, notifyHook: 'https://h.example.com' }))).toEqual(['notifyHook']);
	});

	it('never sends waiting or output settings', () => {
		const fields = commonSubmitFields(
			settingsOf({ speed: 'fast', timeout: 5, pollInterval: 1, output: 'gridImages', downloadImage: true, state: 's' }),
		);
		expect(fields).toEqual({ state: 's' });
	});

	it('from read settings: no Bot for an operation without one', () => {
		expect(commonSubmitFields(settingsOf({ botType: 'NIJI_JOURNEY', state: 's' }, SUBMIT_NO_BOT))).toEqual({ state: 's' });
	});
});
