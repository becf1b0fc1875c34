import { nodeProperties } from '../../nodes/Midjourney/operations/description';

/** Parameter values as n8n hands them over (IDataObject, Record<string, unknown> in the e2e JSON). */
type Values = Record<string, any>;

/** The names of the Waiting Options collection's entries, read from the node's own description. */
const WAITING_OPTION_NAMES = new Set(
	(nodeProperties().find((property) => property.name === 'waitingOptions')?.options ?? []).map((option) => option.name),
);

/**
 * A flat set of option values (as test helpers and the e2e patches take them) as the node's two
 * collections: the waiting settings in Waiting Options, the rest in Options, where the panel puts them.
 */
export function optionParameters(values: Values): { options: Values; waitingOptions: Values } {
	const entries = Object.entries(values);
	return {
		options: Object.fromEntries(entries.filter(([name]) => !WAITING_OPTION_NAMES.has(name))),
		waitingOptions: Object.fromEntries(entries.filter(([name]) => WAITING_OPTION_NAMES.has(name))),
	};
}

/** `parameters` with `values` added to the collections they belong in (what was set stays unless overridden). */
export function withOptionValues(parameters: Values, values: Values): Values {
	const { options, waitingOptions } = optionParameters(values);
	return {
		...parameters,
		options: { ...((parameters.options as Values | undefined) ?? {}), ...options },
		waitingOptions: { ...((parameters.waitingOptions as Values | undefined) ?? {}), ...waitingOptions },
	};
}
