import { isTransientError, type MidjourneyClient } from '../transport/client';
import { TaskPoller } from './poller';

/**
 * One poller per Poll Interval in use: each item is checked as often as it
 * asks, and the items that ask alike are read together in one request.
 */
export function pollerPool(
	client: MidjourneyClient,
	sleep: (ms: number) => Promise<void>,
): (intervalMs: number) => TaskPoller {
	const pollers = new Map<number, TaskPoller>();
	return (intervalMs) => {
		let poller = pollers.get(intervalMs);
		if (!poller) {
			poller = new TaskPoller(
				{
					fetchTasks: async (ids, deadline) => await client.fetchTasksOnce(ids, deadline),
					sleep,
					isTransient: isTransientError,
				},
				{ intervalMs },
			);
			pollers.set(intervalMs, poller);
		}
		return poller;
	};
}
