import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MidjourneyError } from '../../model/errors';
import { readText } from '../../parameters/readers';

/** The Motion field of Animate and Extend, and the optional prompt that guides a video. */

export type Motion = 'high' | 'low';

export const motionField: INodeProperties = {
	displayName: 'Motion',
	name: 'motion',
	type: 'options',
	default: 'low',
	options: [
		{
			name: 'Low Motion',
			value: 'low',
			description: 'A calm scene; the camera and subject move little',
		},
		{
			name: 'High Motion',
			value: 'high',
			description: 'Much movement of camera and subject (more often glitchy)',
		},
	],
	description: 'How much the video moves',
};

export function videoPromptField(description: string): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'the waves roll in, slow camera push',
		description,
	};
}

/** Motion as a checked value: an expression may give anything. */
export function readMotion(ctx: IExecuteFunctions, itemIndex: number): Motion {
	const value = readText(ctx, 'motion', itemIndex, {
		label: 'Motion',
		fallback: 'low',
	}).toLowerCase();
	if (value === 'high' || value === 'low') return value;
	throw new MidjourneyError(
		'input',
		`Motion must be High or Low; item ${itemIndex} has "${value.slice(0, 40)}"`,
		{
			description:
				'Choose Low Motion or High Motion (or map an expression that gives "low" or "high").',
		},
	);
}

export function readVideoPrompt(ctx: IExecuteFunctions, itemIndex: number): string {
	return readText(ctx, 'prompt', itemIndex, { label: 'Prompt' });
}
