import { normaliseStatus, normaliseTask, type MjTask } from '../../../../nodes/Midjourney/model/task';

describe('normaliseStatus', () => {
	it.each([
		['success', 'SUCCESS'],
		['Succeeded', 'SUCCESS'],
		['failure', 'FAILURE'],
		['FAILED', 'FAILURE'],
		['fail', 'FAILURE'],
		['cancelled', 'CANCEL'],
		['canceled', 'CANCEL'],
		['in_progress', 'IN_PROGRESS'],
		['in-progress', 'IN_PROGRESS'],
		['In Progress', 'IN_PROGRESS'],
		['not_start', 'NOT_START'],
		['submitted', 'SUBMITTED'],
		['modal', 'MODAL'],
		['SUCCESS', 'SUCCESS'],
	])('%s → %s', (spelled, status) => {
		expect(normaliseStatus(spelled)).toBe(status);
	});

	it('leaves unknown statuses as they are', () => {
		expect(normaliseStatus('RENDERING')).toBe('RENDERING');
		expect(normaliseStatus('')).toBe('');
	});
});

describe('normaliseTask', () => {
	it('returns the same task when nothing changes, a copy otherwise', () => {
		const task = { id: '1', status: 'SUCCESS' };
		expect(normaliseTask(task)).toBe(task);
		expect(normaliseTask({ id: '1', status: 'failed', failReason: 'x' })).toEqual({ id: '1', status: 'FAILURE', failReason: 'x' });
		// A number is not the task's text: it is made text (issue 20), never passed on as it came.
		const numeric = { id: '1', status: 3 as unknown as string };
		expect(normaliseTask(numeric)).toEqual({ id: '1', status: '3' });
	});
});

describe('normaliseTask: server values made what the node reads', () => {
	it('numbers where text is expected become text; a number progress gets its percent sign', () => {
		const task = normaliseTask({ id: 1, status: 3, progress: 45, failReason: 500, prompt: { nested: true } } as unknown as MjTask);
		expect(task).toEqual({ id: 1, status: '3', progress: '45%', failReason: '500' });
	});

	it('a text task is returned as it is; a status spelling is made the contract’s', () => {
		const task: MjTask = { id: '1', status: 'SUCCESS', progress: '100%' };
		expect(normaliseTask(task)).toBe(task);
		expect(normaliseTask({ id: '1', status: 'succeeded' }).status).toBe('SUCCESS');
	});
});
