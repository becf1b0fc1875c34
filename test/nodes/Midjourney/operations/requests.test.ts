/**
 * Every submit operation of the registry, as data: prepare() reads one item
 * and returns its request (the endpoint and body the batch will send), with
 * no server and nothing sent. The emulator-backed suites beside this one run
 * the same requests for real.
 */
import type { IDataObject } from 'n8n-workflow';

import { registeredOperations } from '../../../../nodes/Midjourney/operations';
import type { SubmitOperation } from '../../../../nodes/Midjourney/operations/types';
import { rgbaPng } from '../../../emulator/pngWriter';
import { fakeInput } from './fakeInput';

const IMAGE = 'https://cdn.example.com/bottle.png';
const DATA_URI = `data:image/png;base64,${rgbaPng({ width: 2, height: 2, data: Buffer.alloc(16, 40) }).toString('base64')}`;
const button = (label: string, customId: string) => ({ label, customId, emoji: '', style: 2, type: 2 });
const TASKS = {
	'10': {
		id: '10',
		status: 'SUCCESS',
		action: 'UPSCALE',
		buttons: [button('Animate (Low motion)', 'MJ::JOB::animate_low::1::abc::SOLO'), button('Vary (Strong)', 'MJ::JOB::high_variation::1::abc::SOLO')],
	},
	'20': { id: '20', status: 'SUCCESS', action: 'VIDEO', videoUrls: [{ url: 'https://cdn.example.com/v1.mp4' }, { url: 'https://cdn.example.com/v2.mp4' }] },
};
/** The Bot reaches only the operations that take one, as the batch reads the settings. */
const settingsFor = (definition: SubmitOperation) =>
	definition.takesBot ? { speed: 'fast' as const, botType: 'NIJI_JOURNEY', state: 'post-9' } : { speed: 'fast' as const, state: 'post-9' };

/** Each operation: the item's parameters → the request it must give. */
const CASES: Record<string, [IDataObject, unknown]> = {
	imagine: [{ prompt: 'a lighthouse --ar 16:9' }, { endpoint: 'imagine', body: { prompt: 'a lighthouse --ar 16:9', botType: 'NIJI_JOURNEY', state: 'post-9' } }],
	blend: [
		{ imageSource: 'url', imageUrls: `${DATA_URI}\n${DATA_URI}`, dimensions: 'PORTRAIT' },
		{ endpoint: 'blend', body: { base64Array: [DATA_URI, DATA_URI], dimensions: 'PORTRAIT', botType: 'NIJI_JOURNEY', state: 'post-9' } },
	],
	describe: [{ imageSource: 'url', imageUrl: IMAGE }, { endpoint: 'describe', body: { link: IMAGE, botType: 'NIJI_JOURNEY', state: 'post-9' } }],
	edit: [
		{ imageSource: 'url', imageUrl: IMAGE, prompt: 'on marble', editMode: 'retexture' },
		{ endpoint: 'retexture', body: { image: IMAGE, prompt: 'on marble', state: 'post-9' } },
	],
	shorten: [{ prompt: 'a very long prompt' }, { endpoint: 'shorten', body: { prompt: 'a very long prompt', state: 'post-9' } }],
	action: [
		{ taskId: '10', button: 'vary (strong)' },
		{ endpoint: 'action', body: { taskId: '10', customId: 'MJ::JOB::high_variation::1::abc::SOLO', state: 'post-9' } },
	],
	modal: [{ taskId: '10', prompt: 'a hat' }, { endpoint: 'modal', body: { taskId: '10', prompt: 'a hat', state: 'post-9' } }],
	animate: [
		{ source: 'upscale', taskId: '10', motion: 'low', prompt: 'waves roll in' },
		{
			endpoint: 'action',
			body: { taskId: '10', customId: 'MJ::JOB::animate_low::1::abc::SOLO', enableRemix: true, state: 'post-9' },
			answerDialog: { endpoint: 'modal', body: { prompt: 'waves roll in' } },
		},
	],
	extend: [
		{ taskId: '20', videoNumber: 2, motion: 'high' },
		{ endpoint: 'video', body: { action: 'extend', index: 1, taskId: '20', motion: 'high', state: 'post-9' } },
	],
};

const submitOperations = registeredOperations().filter((entry) => entry.definition.kind === 'submit');

describe('every submit operation gives its request as data', () => {
	it('has a case here for each one the registry lists', () => {
		expect(submitOperations.map((entry) => entry.operation).sort()).toEqual(Object.keys(CASES).sort());
	});

	it.each(submitOperations.map((entry) => [entry.operation, entry.definition as SubmitOperation] as const))('%s', async (operation, definition) => {
		const [parameters, request] = CASES[operation];
		const { input } = fakeInput(parameters, { tasks: TASKS, settings: settingsFor(definition) });
		expect(await definition.prepare(input)).toEqual(request);
	});
});
