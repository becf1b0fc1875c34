/** The submit envelope's `code`, by name (see MIDJOURNEY_API.md, "Submit response envelope"). */
export const SUBMIT_CODE = {
	accepted: 1,
	/** the action opened a dialog: continue with /mj/submit/modal */
	modal: 21,
	/** accepted and queued; properties.numberOfQueues = tasks ahead */
	queued: 22,
	/** the queue is full: nothing was created, try later */
	queueFull: 23,
	bannedWord: 24,
	notFound: 3,
	validation: 4,
} as const;

/** Codes that come with a new task id. */
export function createsTask(code: number): boolean {
	return code === SUBMIT_CODE.accepted || code === SUBMIT_CODE.modal || code === SUBMIT_CODE.queued;
}
