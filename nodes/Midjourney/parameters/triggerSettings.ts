import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { OutputSettings } from './settings';

/** Which finished tasks start the Trigger's workflow. */
export interface TriggerFilters {
	/** final statuses that start the workflow */
	statuses: string[];
	/** only tasks submitted with this state; empty: any */
	state: string;
}

/** The Midjourney Trigger's parameters: its filters, and what its item carries (the image at most). */
export function readTriggerSettings(ctx: IWebhookFunctions): {
	filters: TriggerFilters;
	output: OutputSettings;
} {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const binaryPropertyName =
		typeof options.binaryPropertyName === 'string' ? options.binaryPropertyName.trim() : '';
	return {
		filters: {
			statuses: ctx.getNodeParameter('statuses', []) as string[],
			state: typeof options.state === 'string' ? options.state.trim() : '',
		},
		output: {
			downloadImage: options.downloadImage === true,
			downloadVideo: false,
			binaryPropertyName: binaryPropertyName || 'data',
			output: 'task',
			// The trigger hands over the whole task: what it is for (the next nodes decide).
			simplify: false,
		},
	};
}
