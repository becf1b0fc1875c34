import {
	gridPictureItems,
	isGridTask,
	mapTask,
	parseDescribePrompts,
} from '../../../../nodes/Midjourney/output/outputMapper';
import { SUBMIT_CODE } from '../../../../nodes/Midjourney/model/submitCodes';
import {
	FINAL_STATUSES,
	isFinalStatus,
	parseProgress,
	submittedTaskSnapshot,
	type MjTask,
} from '../../../../nodes/Midjourney/model/task';
import { describeButtons, gridButtons, upscaleButtons, videoButtons } from '../../../emulator';

const HASH = 'a1b2c3d4-0000-4000-8000-123456789abc';
const SUBMIT = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
const START = SUBMIT + 1500;
const FINISH = SUBMIT + 42000;

function finishedGrid(overrides: Partial<MjTask> = {}): MjTask {
	return {
		id: '1712345678901234',
		action: 'IMAGINE',
		status: 'SUCCESS',
		progress: '100%',
		prompt: 'a lighthouse --ar 16:9',
		promptEn: 'a lighthouse --ar 16:9',
		description: 'Submit success',
		state: 'post-7',
		submitTime: SUBMIT,
		startTime: START,
		finishTime: FINISH,
		imageUrl: 'https://cdn.example.com/grid.png',
		failReason: '',
		buttons: gridButtons(HASH),
		properties: { finalPrompt: 'a lighthouse --ar 16:9 --v 6.1' },
		botType: 'MID_JOURNEY',
		...overrides,
	};
}

describe('mapTask', () => {
	it('puts the fields in the documented order', () => {
		const item = mapTask(
			finishedGrid({
				failReason: 'none really',
				imageUrls: [{ url: 'https://cdn.example.com/0.png' }],
				parentId: '1700000000000001',
				seed: '12345',
				width: 1456,
				height: 816,
				videoUrl: 'https://cdn.example.com/v.mp4',
			}),
		);
		expect(Object.keys(item)).toEqual([
			'taskId',
			'status',
			'progress',
			'progressPercent',
			'action',
			'prompt',
			'promptEn',
			'description',
			'state',
			'failReason',
			'imageUrl',
			'imageUrls',
			'parentTaskId',
			'submitTime',
			'startTime',
			'finishTime',
			'submittedAt',
			'startedAt',
			'finishedAt',
			'U1',
			'U2',
			'U3',
			'U4',
			'reroll',
			'V1',
			'V2',
			'V3',
			'V4',
			'actions',
			'buttons',
			'finalPrompt',
			'botType',
			'seed',
			'width',
			'height',
			'videoUrl',
			'videoUrls',
		]);
	});

	it('leaves out what the server did not give (no undefined values, empty texts dropped)', () => {
		const item = mapTask({ id: '17', status: 'SUBMITTED', failReason: '', imageUrl: '', imageUrls: [] });
		expect(item).toEqual({ taskId: '17', status: 'SUBMITTED', progressPercent: 0, actions: [], buttons: [] });
		expect(Object.values(item)).not.toContain(undefined);
		expect(Object.keys(mapTask(finishedGrid()))).not.toContain('failReason');
	});

	it('gives taskId as a string, also when the server sent a number', () => {
		expect(mapTask({ id: 1712345678901234 }).taskId).toBe('1712345678901234');
		expect(mapTask({ id: 0 }).taskId).toBe('0');
		expect(mapTask({ id: 'abc' }).taskId).toBe('abc');
		expect('taskId' in mapTask({})).toBe(false);
	});

	it('reads progressPercent from progress, 100 once SUCCESS', () => {
		expect(mapTask({ id: '1', status: 'IN_PROGRESS', progress: '45%' }).progressPercent).toBe(45);
		expect(mapTask({ id: '1', status: 'IN_PROGRESS', progress: '12.5%' }).progressPercent).toBe(12.5);
		expect(mapTask({ id: '1', status: 'SUCCESS', progress: '99%' }).progressPercent).toBe(100);
		expect(mapTask({ id: '1', status: 'FAILURE', progress: '0%' }).progressPercent).toBe(0);
		expect(mapTask({ id: '1', status: 'NOT_START' }).progressPercent).toBe(0);
		expect(mapTask({ id: '1', status: 'IN_PROGRESS', progress: '45%' }).progress).toBe('45%');
	});

	it('adds ISO times beside the epoch milliseconds', () => {
		const item = mapTask(finishedGrid());
		expect(item).toMatchObject({
			submitTime: SUBMIT,
			startTime: START,
			finishTime: FINISH,
			submittedAt: '2024-01-02T03:04:05.006Z',
			startedAt: '2024-01-02T03:04:06.506Z',
			finishedAt: '2024-01-02T03:04:47.006Z',
		});
	});

	it('gives no ISO time for a missing or zero time', () => {
		const item = mapTask({ id: '1', submitTime: SUBMIT, startTime: 0 });
		expect(item.submittedAt).toBe('2024-01-02T03:04:05.006Z');
		expect(item.startTime).toBe(0);
		expect('startedAt' in item).toBe(false);
		expect('finishedAt' in item).toBe(false);
	});

	it('has one field per button and actions that each carry the task id', () => {
		const task = finishedGrid({ id: 1712345678901234 });
		const item = mapTask(task);
		expect(item.U1).toBe(`MJ::JOB::upsample::1::${HASH}`);
		expect(item.V4).toBe(`MJ::JOB::variation::4::${HASH}`);
		expect(item.reroll).toBe(`MJ::JOB::reroll::0::${HASH}::SOLO`);
		const actions = item.actions as Array<Record<string, unknown>>;
		expect(actions).toHaveLength(9);
		expect(actions[4]).toEqual({
			label: '🔄',
			key: 'reroll',
			customId: `MJ::JOB::reroll::0::${HASH}::SOLO`,
			needsModal: false,
			taskId: '1712345678901234',
		});
		expect(actions.every((entry) => entry.taskId === '1712345678901234')).toBe(true);
		expect(item.buttons).toEqual(task.buttons);
	});

	it('names the buttons of an upscale (and marks the dialog ones)', () => {
		const item = mapTask(finishedGrid({ action: 'UPSCALE', buttons: upscaleButtons(HASH) }));
		expect(item.upscaleSubtle).toBe(`MJ::JOB::upsample_v6r1_2x_subtle::1::${HASH}::SOLO`);
		expect(item.zoomOut1_5x).toBe(`MJ::Outpaint::75::1::${HASH}::SOLO`);
		expect(item.panLeft).toBe(`MJ::JOB::pan_left::1::${HASH}::SOLO`);
		expect('U1' in item).toBe(false);
		const modal = (item.actions as Array<{ key: string; needsModal: boolean }>).filter((entry) => entry.needsModal);
		expect(modal.map((entry) => entry.key)).toEqual(['varyRegion', 'customZoom']);
	});

	it('takes imageUrls from objects and from strings, dropping empty ones', () => {
		const item = mapTask(
			finishedGrid({
				imageUrls: [
					{ url: 'https://cdn.example.com/0.png', thumbnail: 'https://cdn.example.com/0-t.png' },
					'https://cdn.example.com/1.png',
					{ url: '' },
					'',
					null as unknown as string,
					{ url: 'https://cdn.example.com/3.png' },
				],
			}),
		);
		expect(item.imageUrls).toEqual([
			'https://cdn.example.com/0.png',
			'https://cdn.example.com/1.png',
			'https://cdn.example.com/3.png',
		]);
	});

	it('takes parentTaskId from parentId, else from properties', () => {
		expect(mapTask({ id: '2', parentId: '1' }).parentTaskId).toBe('1');
		expect(mapTask({ id: '2', properties: { parentId: '9' } }).parentTaskId).toBe('9');
		expect(mapTask({ id: '2', parentId: '1', properties: { parentId: '9' } }).parentTaskId).toBe('1');
	});

	it('takes finalPrompt from properties and botType from the task or its properties', () => {
		const item = mapTask(finishedGrid());
		expect(item.finalPrompt).toBe('a lighthouse --ar 16:9 --v 6.1');
		expect(item.botType).toBe('MID_JOURNEY');
		expect(mapTask({ id: '1', properties: { botType: 'NIJI_JOURNEY' } }).botType).toBe('NIJI_JOURNEY');
		expect(mapTask({ id: '1', botType: 'MID_JOURNEY', properties: { botType: 'NIJI_JOURNEY' } }).botType).toBe(
			'MID_JOURNEY',
		);
	});

	it('adds no prompts to tasks other than DESCRIBE', () => {
		const item = mapTask(finishedGrid());
		expect('prompts' in item).toBe(false);
		expect('promptsText' in item).toBe(false);
	});
});

describe('mapTask: Describe prompts', () => {
	const KEYCAP_TEXT =
		'1️⃣ a red fox in the snow, watercolor --ar 3:2\n\n2️⃣ a fox, minimalist   illustration --ar 3:2\n\n3️⃣ fox portrait,\nsoft light --ar 3:2\n\n4️⃣ a winter scene with a fox --ar 3:2';

	it('splits the keycap format into four clean prompts and keeps the raw text', () => {
		const item = mapTask({
			id: '5',
			action: 'DESCRIBE',
			status: 'SUCCESS',
			buttons: describeButtons(),
			properties: { finalPrompt: KEYCAP_TEXT },
		});
		expect(item.prompts).toEqual([
			'a red fox in the snow, watercolor --ar 3:2',
			'a fox, minimalist illustration --ar 3:2',
			'fox portrait, soft light --ar 3:2',
			'a winter scene with a fox --ar 3:2',
		]);
		expect(item.promptsText).toBe(KEYCAP_TEXT);
		expect(item.imagine1).toBe('MJ::Job::PicReader::1');
		expect(item.describeRetry).toBe('MJ::Picread::Retry');
	});

	it('splits the "1." format (and CRLF line ends)', () => {
		const text = '1. first prompt --ar 1:1\r\n2. second prompt\r\n3) third prompt\r\n4. fourth prompt';
		const item = mapTask({ id: '5', action: 'DESCRIBE', promptEn: text });
		expect(item.prompts).toEqual(['first prompt --ar 1:1', 'second prompt', 'third prompt', 'fourth prompt']);
	});

	it('splits keycaps without the variation selector', () => {
		expect(parseDescribePrompts('1\u20E3 one\n2\u20E3 two')).toEqual(['one', 'two']);
	});

	it('does not split at numbers inside a prompt', () => {
		expect(parseDescribePrompts('1️⃣ 3 cats on 2. floor, 4) dogs --ar 16:9\n\n2️⃣ second')).toEqual([
			'3 cats on 2. floor, 4) dogs --ar 16:9',
			'second',
		]);
	});

	it('reads finalPrompt first, then promptEn, then prompt', () => {
		const describe = (task: MjTask) => mapTask({ id: '5', action: 'DESCRIBE', ...task }).prompts;
		expect(describe({ properties: { finalPrompt: '1. from final' }, promptEn: '1. from en', prompt: '1. from prompt' })).toEqual([
			'from final',
		]);
		expect(describe({ promptEn: '1. from en', prompt: '1. from prompt' })).toEqual(['from en']);
		expect(describe({ prompt: '1. from prompt' })).toEqual(['from prompt']);
	});

	it('gives empty prompts for a Describe without text yet', () => {
		const item = mapTask({ id: '5', action: 'DESCRIBE', status: 'IN_PROGRESS' });
		expect(item.prompts).toEqual([]);
		expect(item.promptsText).toBe('');
	});
});

describe('isGridTask', () => {
	it('is true for a task with U1..U4', () => {
		expect(isGridTask(finishedGrid())).toBe(true);
		const shuffled = [...gridButtons(HASH)].reverse();
		expect(isGridTask({ buttons: shuffled })).toBe(true);
	});

	it('is false for an upscale, a Describe, a video batch, a partial grid and no buttons', () => {
		expect(isGridTask({ buttons: upscaleButtons(HASH) })).toBe(false);
		expect(isGridTask({ buttons: describeButtons() })).toBe(false);
		expect(isGridTask({ buttons: videoButtons(HASH) })).toBe(false);
		expect(isGridTask({ buttons: gridButtons(HASH).filter((entry) => !entry.customId.includes('upsample::4')) })).toBe(false);
		expect(isGridTask({ buttons: [] })).toBe(false);
		expect(isGridTask({})).toBe(false);
	});
});

describe('gridPictureItems', () => {
	const pictureUrls = [0, 1, 2, 3].map((index) => `https://cdn.example.com/grid_${index}.png`);

	it('makes four items, index 1-4, each with its own U and V', () => {
		const items = gridPictureItems(finishedGrid());
		expect(items.map((item) => item.index)).toEqual([1, 2, 3, 4]);
		items.forEach((item, position) => {
			const n = position + 1;
			expect(item.U).toBe(`MJ::JOB::upsample::${n}::${HASH}`);
			expect(item.V).toBe(`MJ::JOB::variation::${n}::${HASH}`);
			expect(item.taskId).toBe('1712345678901234');
			expect(item.gridImageUrl).toBe('https://cdn.example.com/grid.png');
			// The task's fields are all there too.
			expect(item.U1).toBe(`MJ::JOB::upsample::1::${HASH}`);
			expect(item.status).toBe('SUCCESS');
		});
	});

	it("gives imageUrl only when the server gave per-picture URLs (never the grid's)", () => {
		const without = gridPictureItems(finishedGrid());
		for (const item of without) expect('imageUrl' in item).toBe(false);

		const withUrls = gridPictureItems(finishedGrid({ imageUrls: pictureUrls.map((url) => ({ url })) }));
		expect(withUrls.map((item) => item.imageUrl)).toEqual(pictureUrls);
		expect(withUrls.map((item) => item.gridImageUrl)).toEqual(Array(4).fill('https://cdn.example.com/grid.png'));

		const asStrings = gridPictureItems(finishedGrid({ imageUrls: pictureUrls }));
		expect(asStrings.map((item) => item.imageUrl)).toEqual(pictureUrls);
	});

	it('leaves out imageUrl for pictures the server gave no URL for', () => {
		const items = gridPictureItems(finishedGrid({ imageUrls: pictureUrls.slice(0, 2) }));
		expect(items.map((item) => item.imageUrl)).toEqual([pictureUrls[0], pictureUrls[1], undefined, undefined]);
		expect('imageUrl' in items[3]).toBe(false);
	});

	it('leaves out gridImageUrl, U and V that do not exist', () => {
		const items = gridPictureItems({ id: '9', status: 'SUCCESS', buttons: upscaleButtons(HASH) });
		for (const item of items) {
			expect('gridImageUrl' in item).toBe(false);
			expect('U' in item).toBe(false);
			expect('V' in item).toBe(false);
			expect(Object.values(item)).not.toContain(undefined);
		}
	});
});

describe('model/task', () => {
	it('isFinalStatus: SUCCESS, FAILURE, MODAL and CANCEL only', () => {
		expect(FINAL_STATUSES).toEqual(['SUCCESS', 'FAILURE', 'MODAL', 'CANCEL']);
		for (const status of ['SUCCESS', 'FAILURE', 'MODAL', 'CANCEL']) expect(isFinalStatus(status)).toBe(true);
		for (const status of ['NOT_START', 'SUBMITTED', 'IN_PROGRESS', 'success', '', undefined, null, 1, {}]) {
			expect([status, isFinalStatus(status)]).toEqual([status, false]);
		}
	});

	it('parseProgress: the number of a percentage, 100 for SUCCESS, 0 when unreadable', () => {
		expect(parseProgress('45%')).toBe(45);
		expect(parseProgress('7.5%')).toBe(7.5);
		expect(parseProgress('100%')).toBe(100);
		expect(parseProgress('60')).toBe(60);
		expect(parseProgress(30)).toBe(30);
		expect(parseProgress('0%', 'SUCCESS')).toBe(100);
		expect(parseProgress(undefined, 'SUCCESS')).toBe(100);
		expect(parseProgress('12%', 'FAILURE')).toBe(12);
		expect(parseProgress(undefined)).toBe(0);
		expect(parseProgress(null)).toBe(0);
		expect(parseProgress('')).toBe(0);
		expect(parseProgress('waiting')).toBe(0);
	});

	it('submittedTaskSnapshot: SUBMITTED for code 1, MODAL for 21, NOT_START for 22', () => {
		expect(SUBMIT_CODE).toMatchObject({ accepted: 1, modal: 21, queued: 22 });
		const snapshot = (code: number) =>
			submittedTaskSnapshot({ taskId: '1712345678901234', code, description: `code ${code}`, queuePosition: 3 });
		expect(snapshot(SUBMIT_CODE.accepted)).toEqual({
			id: '1712345678901234',
			status: 'SUBMITTED',
			progress: '0%',
			description: 'code 1',
		});
		expect(snapshot(SUBMIT_CODE.modal)).toEqual({
			id: '1712345678901234',
			status: 'MODAL',
			progress: '0%',
			description: 'code 21',
		});
		expect(snapshot(SUBMIT_CODE.queued)).toEqual({
			id: '1712345678901234',
			status: 'NOT_START',
			progress: '0%',
			description: 'code 22',
		});
	});

	it('a snapshot maps to an item with the id as text and 0 %', () => {
		const item = mapTask(submittedTaskSnapshot({ taskId: '1712345678901234', code: SUBMIT_CODE.queued }));
		expect(item).toEqual({
			taskId: '1712345678901234',
			status: 'NOT_START',
			progress: '0%',
			progressPercent: 0,
			actions: [],
			buttons: [],
		});
		expect(isFinalStatus(submittedTaskSnapshot({ taskId: '1', code: SUBMIT_CODE.modal }).status)).toBe(true);
	});
});
