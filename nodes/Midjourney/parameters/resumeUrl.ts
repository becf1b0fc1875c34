import type { IExecuteFunctions } from 'n8n-workflow';

import { MidjourneyError } from '../model/errors';

/**
 * This execution's resume URL, as n8n builds it (its form changed across
 * versions and in 2.x carries a token): never put together here.
 */
export function executionResumeUrl(ctx: IExecuteFunctions): string {
	const url = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
		throw new MidjourneyError('input', 'n8n gave no resume URL for this execution', {
			description:
				'Wait Mode "Callback" needs n8n to run with its webhook URL set. Use Wait Mode "Poll".',
		});
	}
	return url;
}
