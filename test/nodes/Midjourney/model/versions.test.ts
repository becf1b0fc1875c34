import { promptVersion, versionLacksButton } from '../../../../nodes/Midjourney/model/versions';

describe('promptVersion', () => {
	it.each([
		['a boat --v 7', 'V7'],
		['a boat --ar 3:2 --version 6.1 --stylize 50', 'V6.1'],
		['a boat --niji 6', 'Niji 6'],
		['a boat --niji', 'Niji 7'],
		['a boat --V 8.1', 'V8.1'],
	])('%s is %s', (prompt, name) => {
		expect(promptVersion({ prompt })?.name).toBe(name);
	});

	it('reads promptEn first, then prompt, then finalPrompt; none without a version flag', () => {
		expect(promptVersion({ promptEn: 'boat --v 7', prompt: '船 --v 6' })?.name).toBe('V7');
		expect(promptVersion({ promptEn: '', prompt: '', properties: { finalPrompt: 'boat --v 5.2' } })?.name).toBe('V5.2');
		expect(promptVersion({ prompt: 'a well-lit boat --ar 1:1' })).toBeUndefined();
		expect(promptVersion({ prompt: 'boat --v7' })).toBeUndefined();
		expect(promptVersion({})).toBeUndefined();
	});
});

describe('versionLacksButton', () => {
	it('names the version, the button as Midjourney labels it, and the versions that have it', () => {
		expect(versionLacksButton({ prompt: 'boat --v 8.1' }, 'upscale (subtle)')).toEqual({
			lacks: 'V8.1 tasks offer no Upscale (Subtle)',
			remedy: 'Only V6, V6.1, V7 and Niji 6 to 7 offer it: add --v 7 to the Imagine prompt, or V8.1 renders 2K itself with --hd.',
		});
		expect(versionLacksButton({ prompt: 'boat --v 8' }, 'Custom Zoom')?.remedy).toContain('the Edit operation');
		expect(versionLacksButton({ prompt: 'boat --v 7' }, 'Upscale (4x)')?.lacks).toBe('V7 tasks offer no Upscale (4x)');
		expect(versionLacksButton({ prompt: 'boat' }, '⬆️')?.lacks).toMatch(/^This task's Midjourney version \(its prompt has no --v.*offers no ⬆️$/);
	});

	it('stays out of it for buttons every version has, and for versions that do offer the button', () => {
		expect(versionLacksButton({ prompt: 'boat --v 8.1' }, 'Vary (Strong)')).toBeUndefined();
		expect(versionLacksButton({ prompt: 'boat --v 7' }, 'Upscale (Subtle)')).toBeUndefined();
		expect(versionLacksButton({ prompt: 'boat --niji 6' }, 'Zoom Out 2x')).toBeUndefined();
	});
});
