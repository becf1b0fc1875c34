import { readRequiredText } from '../../parameters/readers';
import { commonSubmitFields } from '../../parameters/settings';
import type { SubmitOperation } from '../types';

export const shorten: SubmitOperation = {
	kind: 'submit',
	displayName: 'Shorten',
	action: 'Shorten a prompt',
	description:
		"Analyse a prompt: Midjourney's five shorter versions (in prompts) and the words that matter",
	endpoint: 'shorten',
	takesBot: false,
	results: [],
	fields: [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder:
				'a very detailed painting of an old lighthouse on a rocky cliff at dawn --ar 16:9',
			description: 'The prompt to shorten; --parameters are kept',
		},
	],
	async prepare({ ctx, itemIndex, settings }) {
		const prompt = readRequiredText(ctx, 'prompt', itemIndex, {
			label: 'Prompt',
			hint: 'Enter the prompt to shorten, or map a field that holds one.',
		});
		return { endpoint: shorten.endpoint, body: { prompt, ...commonSubmitFields(settings) } };
	},
};
