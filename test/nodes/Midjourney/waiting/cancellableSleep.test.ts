import { getEventListeners } from 'node:events';

import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';
import { sleepUnlessCancelled } from '../../../../nodes/Midjourney/waiting/cancellableSleep';

describe('sleepUnlessCancelled', () => {
	it('waits, leaving no listener on the signal', async () => {
		const controller = new AbortController();
		await sleepUnlessCancelled(30, controller.signal);
		await sleepUnlessCancelled(0, controller.signal);
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	it('rejects as cancelled when the execution is cancelled during a long wait', async () => {
		const controller = new AbortController();
		const waiting = sleepUnlessCancelled(60_000, controller.signal);
		controller.abort();
		const error = await waiting.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(MidjourneyError);
		expect((error as MidjourneyError).kind).toBe('cancelled');
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	it('rejects at once on a signal that is already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(sleepUnlessCancelled(10, controller.signal)).rejects.toMatchObject({ kind: 'cancelled' });
	});
});
