import type { MjTask } from '../../../../../nodes/Midjourney/model/task';
import { resumingTaskId } from '../../../../../nodes/Midjourney/execution/callback/resume';

const tasks = (entries: Array<[string, number | undefined]>) =>
	new Map<string, MjTask>(entries.map(([id, finishTime]) => [id, { id, status: 'SUCCESS', finishTime }]));

describe('resumingTaskId: the one task whose final callback may resume the batch', () => {
	it('is the task that finished last, whatever order the ids come in', () => {
		const read = tasks([['1700000000000003', 1000], ['1700000000000001', 3000], ['1700000000000002', 2000]]);
		expect(resumingTaskId(['1700000000000003', '1700000000000001', '1700000000000002'], read)).toBe('1700000000000001');
		expect(resumingTaskId(['1700000000000002', '1700000000000001', '1700000000000003'], read)).toBe('1700000000000001');
	});

	it('on a tie, the greatest id (as a number of any length, not as text)', () => {
		expect(resumingTaskId(['999', '1000'], tasks([['999', 5], ['1000', 5]]))).toBe('1000');
		expect(resumingTaskId(['12345678901234567890', '9'], tasks([['12345678901234567890', 5], ['9', 5]]))).toBe('12345678901234567890');
	});

	it('none when a task has no finish time (then any final callback may resume)', () => {
		expect(resumingTaskId(['1', '2'], tasks([['1', 5], ['2', undefined]]))).toBeUndefined();
		expect(resumingTaskId(['1', '2'], tasks([['1', 5], ['2', 0]]))).toBeUndefined();
	});
});
