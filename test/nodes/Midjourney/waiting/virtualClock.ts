/** A clock whose sleep advances time at once, so waiting logic is tested without waiting. */
export class VirtualClock {
	time = 0;
	sleeps: number[] = [];
	cancelled = false;

	now = (): number => this.time;

	sleep = async (ms: number): Promise<void> => {
		if (this.cancelled) throw new Error('cancelled');
		this.sleeps.push(ms);
		// let other promise chains run first, as they would while a real timer runs
		await new Promise((resolve) => setImmediate(resolve));
		this.time += ms;
		if (this.cancelled) throw new Error('cancelled');
	};
}
