import { MidjourneyError } from '../../model/errors';
import { preparePrompt, promptFields, withPromptWarnings } from '../../prompt/preparePrompt';
import { imageSourceFields, readImageUrlOrDataUri } from '../shared/imageSource';
import { readRequiredText, readText } from '../../parameters/readers';
import { commonSubmitFields } from '../../parameters/settings';
import type { SubmitOperation } from '../types';

/** Mode → submit endpoint: the editor, or trueai's retexture beside it (same body). */
const ENDPOINTS: Record<string, string> = { edit: 'edits', retexture: 'retexture' };

export const edit: SubmitOperation = {
	kind: 'submit',
	displayName: 'Edit',
	action: 'Edit an image with a prompt',
	description:
		"Repaint an existing image (a product photo, a picture from an earlier step) with Midjourney's editor into a 2x2 grid",
	endpoint: ENDPOINTS.edit,
	takesBot: false,
	results: ['images'],
	fields: [
		...imageSourceFields({ optional: false, multiple: false, what: 'image to edit' }),
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder: 'the same bottle on a marble table, soft morning light',
			description: 'What the edited image should show',
		},
		...promptFields({ references: false }),
		{
			displayName: 'Mode',
			name: 'editMode',
			type: 'options',
			default: 'edit',
			options: [
				{
					name: 'Edit',
					value: 'edit',
					description: 'Keep the picture and change what the prompt says (/mj/submit/edits)',
				},
				{
					name: 'Retexture',
					value: 'retexture',
					description:
						'Keep the shapes and repaint surfaces, light and style (/mj/submit/retexture, trueai servers)',
				},
			],
			description: 'How the image is changed',
		},
	],
	async prepare({ ctx, itemIndex, client, settings, baseUrl }) {
		const text = readRequiredText(ctx, 'prompt', itemIndex, {
			label: 'Prompt',
			hint: 'Say what the edited image should show, or map a field that holds it.',
		});
		const mode = readText(ctx, 'editMode', itemIndex, { label: 'Mode', fallback: 'edit' });
		const endpoint = ENDPOINTS[mode];
		if (!endpoint) {
			throw new MidjourneyError(
				'input',
				`Mode must be Edit or Retexture; item ${itemIndex} has "${mode}"`,
				{
					description: 'Choose Edit or Retexture.',
				},
			);
		}
		const prepared = await preparePrompt({ ctx, itemIndex, client, text });
		const image = await readImageUrlOrDataUri(ctx, itemIndex, baseUrl, 'image to edit');
		const body = { image, prompt: prepared.prompt, ...commonSubmitFields(settings) };
		return withPromptWarnings({ endpoint, body }, prepared);
	},
};
