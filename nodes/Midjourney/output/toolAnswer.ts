import type { IDataObject } from 'n8n-workflow';

/**
 * What an AI agent gets back when the node runs as a tool: short, and only
 * what a language model can act on (ids, URLs, the labels it can press next).
 */
export function compactTask(item: IDataObject): IDataObject {
	// The whole task lists its buttons in `actions`, the simplified item in `buttonLabels`.
	const actions = Array.isArray(item.actions) ? (item.actions as Array<{ label?: string }>) : [];
	const labels = Array.isArray(item.buttonLabels)
		? (item.buttonLabels as string[])
		: actions.map((action) => action.label);
	const compact: IDataObject = {
		taskId: item.taskId,
		status: item.status,
		progress: item.progress,
		imageUrl: item.imageUrl,
		imageUrls: item.imageUrls,
		// A video answer: the mp4 URLs, so the agent can hand them on.
		videoUrl: item.videoUrl,
		videoUrls: Array.isArray(item.videoUrls)
			? (item.videoUrls as Array<{ url?: string }>).map((video) => video.url).filter(Boolean)
			: undefined,
		prompts: item.prompts,
		seed: item.seed,
		// Upload Images
		urls: item.urls,
		failReason: item.failReason,
		error: item.error,
		availableActions: labels.filter(Boolean),
	};
	for (const key of Object.keys(compact)) if (compact[key] === undefined) delete compact[key];
	return compact;
}
