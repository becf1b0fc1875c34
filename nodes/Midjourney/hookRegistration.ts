import type { IHookFunctions } from 'n8n-workflow';

/**
 * Webhook lifecycle of the nodes that servers call back: Midjourney servers
 * have no hook registration (the URL travels with each submit as its
 * notifyHook), so there is nothing to check, create or delete.
 */
export const NO_HOOK_REGISTRATION = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
