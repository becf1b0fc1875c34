import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PARAMETER_RULES, SOURCES, findRule } from '../../../../nodes/Midjourney/prompt/parameterRules';

const README = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');

describe('parameterRules', () => {
	it.each(PARAMETER_RULES.map((rule) => [rule.fullName, rule]))('--%s has a source and a line in the README', (name, rule) => {
		expect(Object.values(SOURCES).some((source) => rule.source.includes(source))).toBe(true);
		expect(README).toContain(`| ${[name, ...(rule.aliases ?? [])].map((alias) => `\`--${alias}\``).join(' / ')} | ${rule.summary} | ${rule.source} |`);
	});

	it('finds rules by full name and alias, in any case, as MjPromptParser.GetFullName', () => {
		expect(findRule('AR')?.fullName).toBe('aspect');
		expect(findRule('v')?.fullName).toBe('version');
		expect(findRule('p')?.fullName).toBe('profile');
		expect(findRule('stylise')).toBeUndefined();
	});
});
