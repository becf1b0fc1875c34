import {
	buttonKey,
	buttonList,
	displayLabel,
	findButton,
	formatAvailableButtons,
	needsModal,
	splitButtons,
	type MjButton,
} from '../../../../nodes/Midjourney/model/buttons';
import { describeButtons, gridButtons, upscaleButtons } from '../../../emulator';

const HASH = '3f9c2a1b-7d4e-4c61-9a8b-0123456789ab';

function button(customId: string, label = '', emoji = ''): MjButton {
	return { customId, label, emoji, type: 2, style: 2 };
}

describe('buttonKey: every documented customId pattern', () => {
	it.each<[string, string, string, string]>([
		// [customId, label, emoji, key]
		[`MJ::JOB::upsample::1::${HASH}`, 'U1', '', 'U1'],
		[`MJ::JOB::upsample::2::${HASH}`, 'U2', '', 'U2'],
		[`MJ::JOB::upsample::3::${HASH}`, 'U3', '', 'U3'],
		[`MJ::JOB::upsample::4::${HASH}`, 'U4', '', 'U4'],
		[`MJ::JOB::variation::1::${HASH}`, 'V1', '', 'V1'],
		[`MJ::JOB::variation::2::${HASH}`, 'V2', '', 'V2'],
		[`MJ::JOB::variation::3::${HASH}`, 'V3', '', 'V3'],
		[`MJ::JOB::variation::4::${HASH}`, 'V4', '', 'V4'],
		[`MJ::JOB::reroll::0::${HASH}::SOLO`, '', '🔄', 'reroll'],
		[`MJ::JOB::upsample_v6r1_2x_subtle::1::${HASH}::SOLO`, 'Upscale (Subtle)', 'upscale_1', 'upscaleSubtle'],
		[`MJ::JOB::upsample_v6_2x_subtle::1::${HASH}::SOLO`, 'Upscale (Subtle)', 'upscale_1', 'upscaleSubtle'],
		[`MJ::JOB::upsample_v7_2x_subtle::1::${HASH}::SOLO`, 'Upscale (Subtle)', 'upscale_1', 'upscaleSubtle'],
		[`MJ::JOB::upsample_v6r1_2x_creative::1::${HASH}::SOLO`, 'Upscale (Creative)', 'upscale_1', 'upscaleCreative'],
		[`MJ::JOB::upsample_v6_2x_creative::1::${HASH}::SOLO`, 'Upscale (Creative)', 'upscale_1', 'upscaleCreative'],
		[`MJ::JOB::upsample_v5_2x::1::${HASH}::SOLO`, 'Upscale (2x)', '', 'upscale2x'],
		[`MJ::JOB::upsample_v5_4x::1::${HASH}::SOLO`, 'Upscale (4x)', '', 'upscale4x'],
		[`MJ::JOB::low_variation::1::${HASH}::SOLO`, 'Vary (Subtle)', '🪄', 'varySubtle'],
		[`MJ::JOB::high_variation::1::${HASH}::SOLO`, 'Vary (Strong)', '🪄', 'varyStrong'],
		[`MJ::Inpaint::1::${HASH}::SOLO`, 'Vary (Region)', '🖌️', 'varyRegion'],
		[`MJ::Outpaint::50::1::${HASH}::SOLO`, 'Zoom Out 2x', '🔍', 'zoomOut2x'],
		[`MJ::Outpaint::75::1::${HASH}::SOLO`, 'Zoom Out 1.5x', '🔍', 'zoomOut1_5x'],
		[`MJ::CustomZoom::${HASH}`, 'Custom Zoom', '🔍', 'customZoom'],
		[`MJ::JOB::pan_left::1::${HASH}::SOLO`, '', '⬅️', 'panLeft'],
		[`MJ::JOB::pan_right::1::${HASH}::SOLO`, '', '➡️', 'panRight'],
		[`MJ::JOB::pan_up::1::${HASH}::SOLO`, '', '⬆️', 'panUp'],
		[`MJ::JOB::pan_down::1::${HASH}::SOLO`, '', '⬇️', 'panDown'],
		[`MJ::JOB::animate_high::1::${HASH}::SOLO`, 'Animate (High motion)', '🎞️', 'animateHigh'],
		[`MJ::JOB::animate_low::1::${HASH}::SOLO`, 'Animate (Low motion)', '🎞️', 'animateLow'],
		['MJ::Job::PicReader::1', '', '1️⃣', 'imagine1'],
		['MJ::Job::PicReader::2', '', '2️⃣', 'imagine2'],
		['MJ::Job::PicReader::3', '', '3️⃣', 'imagine3'],
		['MJ::Job::PicReader::4', '', '4️⃣', 'imagine4'],
		['MJ::Picread::Retry', '', '🔄', 'describeRetry'],
	])('%s (label "%s", emoji "%s") → %s', (customId, label, emoji, key) => {
		expect(buttonKey(button(customId, label, emoji))).toBe(key);
	});

	it('takes the key from the customId, not from a localised or changed label', () => {
		expect(buttonKey(button(`MJ::JOB::upsample::3::${HASH}`, 'Hochskalieren 3'))).toBe('U3');
		expect(buttonKey(button(`MJ::JOB::high_variation::1::${HASH}::SOLO`, 'Variation (Forte)'))).toBe('varyStrong');
		expect(buttonKey(button(`MJ::Outpaint::75::1::${HASH}::SOLO`, 'Dézoomer 1,5x'))).toBe('zoomOut1_5x');
	});

	it('matches the customId patterns case-insensitively', () => {
		expect(buttonKey(button(`mj::job::upsample::2::${HASH}`))).toBe('U2');
		expect(buttonKey(button(`MJ::JOB::PAN_LEFT::1::${HASH}::SOLO`))).toBe('panLeft');
		expect(buttonKey(button(`MJ::JOB::Animate_High::1::${HASH}::SOLO`))).toBe('animateHigh');
		expect(buttonKey(button('MJ::JOB::PICREADER::4'))).toBe('imagine4');
	});

	it('does not take U5 / V0 for a grid position (only 1-4)', () => {
		expect(buttonKey(button(`MJ::JOB::upsample::5::${HASH}`, 'Up 5'))).toBe('up5');
		expect(buttonKey(button(`MJ::JOB::variation::0::${HASH}`, 'Var 0'))).toBe('var0');
	});

	it('gives every button of the emulator pages the documented key', () => {
		expect(gridButtons(HASH).map(buttonKey)).toEqual(['U1', 'U2', 'U3', 'U4', 'reroll', 'V1', 'V2', 'V3', 'V4']);
		expect(upscaleButtons(HASH).map(buttonKey)).toEqual([
			'upscaleSubtle',
			'upscaleCreative',
			'varySubtle',
			'varyStrong',
			'varyRegion',
			'zoomOut2x',
			'zoomOut1_5x',
			'customZoom',
			'panLeft',
			'panRight',
			'panUp',
			'panDown',
			'animateHigh',
			'animateLow',
			'reroll',
		]);
		expect(describeButtons().map(buttonKey)).toEqual(['imagine1', 'imagine2', 'imagine3', 'imagine4', 'describeRetry']);
	});
});

describe('buttonKey: fallback for unknown customIds', () => {
	it.each<[string, string]>([
		['Make Square', 'makeSquare'],
		['Zoom Out 1.5x', 'zoomOut1_5x'],
		['Zoom Out 2x', 'zoomOut2x'],
		['Vary (Strong)', 'varyStrong'],
		['Extend (High motion)', 'extendHighMotion'],
		['  Remix   Strong  ', 'remixStrong'],
		['Upscale', 'upscale'],
	])('label "%s" → %s', (label, key) => {
		expect(buttonKey(button(`MJ::SomethingNew::7::${HASH}`, label, '✨'))).toBe(key);
	});

	it('animate_*_extend is not Animate: it is Extend, whatever the label', () => {
		expect(buttonKey(button(`MJ::JOB::animate_high_extend::1::${HASH}`, 'Extend (High motion)', '🎞️'))).toBe('extendHigh');
		expect(buttonKey(button(`MJ::JOB::animate_low_extend::1::${HASH}`, 'Verlängern', '🎞️'))).toBe('extendLow');
	});

	it('an emoji-only unknown button is named after the action in its customId', () => {
		expect(buttonKey(button(`MJ::JOB::bookmark::1::${HASH}`, '', '❤️'))).toBe('bookmark');
		expect(buttonKey(button(`MJ::JOB::prompt_analyzer::1::${HASH}`, '', '🔎'))).toBe('promptAnalyzer');
		// A label made only of punctuation / emoji counts as no label.
		expect(buttonKey(button(`MJ::JOB::bookmark::1::${HASH}`, '❤️', '❤️'))).toBe('bookmark');
	});

	it('falls back to "button" when neither customId, label nor emoji gives a word', () => {
		expect(buttonKey(button('opaque-id-42', '', '🎉'))).toBe('button');
		expect(buttonKey({ customId: 'opaque-id-42' })).toBe('button');
	});
});

describe('needsModal', () => {
	it('is true for Vary (Region) and Custom Zoom only', () => {
		expect(needsModal(`MJ::Inpaint::1::${HASH}::SOLO`)).toBe(true);
		expect(needsModal(`MJ::CustomZoom::${HASH}`)).toBe(true);
		expect(needsModal(`mj::inpaint::1::${HASH}::SOLO`)).toBe(true);
		const others = [...gridButtons(HASH), ...upscaleButtons(HASH), ...describeButtons()]
			.map((entry) => entry.customId)
			.filter((customId) => !/Inpaint|CustomZoom/.test(customId));
		expect(others.length).toBeGreaterThan(20);
		for (const customId of others) expect([customId, needsModal(customId)]).toEqual([customId, false]);
	});

	it('needs the pattern at the start of the customId', () => {
		expect(needsModal(`MJ::JOB::reroll::0::MJ::Inpaint::${HASH}`)).toBe(false);
		expect(needsModal('')).toBe(false);
	});
});

describe('findButton', () => {
	const grid = gridButtons(HASH);
	const upscaled = upscaleButtons(HASH);
	const byKey = (buttons: MjButton[], key: string) => buttons.find((entry) => buttonKey(entry) === key)!;

	it('finds labels whatever their case and spacing', () => {
		expect(findButton(grid, 'U2')).toBe(grid[1]);
		expect(findButton(grid, 'u2')).toBe(grid[1]);
		expect(findButton(grid, ' v 3 ')).toBe(grid[7]);
		expect(findButton(upscaled, 'upscale (subtle)')).toBe(byKey(upscaled, 'upscaleSubtle'));
		expect(findButton(upscaled, 'UPSCALE(CREATIVE)')).toBe(byKey(upscaled, 'upscaleCreative'));
		expect(findButton(upscaled, 'Vary  (Region)')).toBe(byKey(upscaled, 'varyRegion'));
		expect(findButton(upscaled, 'zoom out 1.5x')).toBe(byKey(upscaled, 'zoomOut1_5x'));
		expect(findButton(upscaled, 'Custom Zoom')).toBe(byKey(upscaled, 'customZoom'));
	});

	it('finds keys', () => {
		expect(findButton(upscaled, 'upscaleSubtle')).toBe(byKey(upscaled, 'upscaleSubtle'));
		expect(findButton(upscaled, 'zoomOut1_5x')).toBe(byKey(upscaled, 'zoomOut1_5x'));
		expect(findButton(upscaled, 'ANIMATEHIGH')).toBe(byKey(upscaled, 'animateHigh'));
		expect(findButton(describeButtons(), 'imagine3')?.customId).toBe('MJ::Job::PicReader::3');
		expect(findButton(describeButtons(), 'describeRetry')?.customId).toBe('MJ::Picread::Retry');
	});

	it('finds emoji with and without the variation selector U+FE0F', () => {
		const withSelector = button(`MJ::JOB::pan_left::1::${HASH}::SOLO`, '', '⬅\uFE0F');
		const withoutSelector = button(`MJ::JOB::pan_right::1::${HASH}::SOLO`, '', '➡');
		const buttons = [withSelector, withoutSelector];
		expect(findButton(buttons, '⬅\uFE0F')).toBe(withSelector);
		expect(findButton(buttons, '⬅')).toBe(withSelector);
		expect(findButton(buttons, '➡\uFE0F')).toBe(withoutSelector);
		expect(findButton(buttons, '➡')).toBe(withoutSelector);
		expect(findButton(grid, '🔄')).toBe(grid[4]);
		expect(findButton(describeButtons(), '2️⃣')?.customId).toBe('MJ::Job::PicReader::2');
	});

	it('finds emoji-only buttons by their aliases', () => {
		expect(findButton(upscaled, 'left')).toBe(byKey(upscaled, 'panLeft'));
		expect(findButton(upscaled, 'Right')).toBe(byKey(upscaled, 'panRight'));
		expect(findButton(upscaled, 'UP')).toBe(byKey(upscaled, 'panUp'));
		expect(findButton(upscaled, 'down')).toBe(byKey(upscaled, 'panDown'));
		expect(findButton(upscaled, 'pan left')).toBe(byKey(upscaled, 'panLeft'));
		expect(findButton(grid, 'redo')).toBe(grid[4]);
		expect(findButton(grid, 'Reroll')).toBe(grid[4]);
		expect(findButton(upscaled, 'redo')).toBe(byKey(upscaled, 'reroll'));
	});

	it('an alias whose button is not on the task finds nothing', () => {
		expect(findButton(grid, 'left')).toBeUndefined();
		expect(findButton(describeButtons(), 'redo')).toBeUndefined();
	});

	it('matches a raw customId (containing ::) exactly, and nothing else', () => {
		const upscale3 = grid[2];
		expect(findButton(grid, upscale3.customId)).toBe(upscale3);
		expect(findButton(grid, `  ${upscale3.customId}  `)).toBe(upscale3);
		expect(findButton(grid, upscale3.customId.toLowerCase())).toBeUndefined();
		expect(findButton(grid, `MJ::JOB::upsample::3::other-hash`)).toBeUndefined();
		// A customId is not matched by label rules: "U3::" is not U3.
		expect(findButton(grid, 'U3::')).toBeUndefined();
	});

	it('returns undefined for unknown and empty input', () => {
		expect(findButton(grid, 'Upscale (Subtle)')).toBeUndefined();
		expect(findButton(grid, 'U5')).toBeUndefined();
		expect(findButton(grid, '')).toBeUndefined();
		expect(findButton(grid, '   ')).toBeUndefined();
		expect(findButton([], 'U1')).toBeUndefined();
	});
});

describe('formatAvailableButtons', () => {
	it('lists labels, and the key beside an emoji-only button', () => {
		expect(formatAvailableButtons(gridButtons(HASH))).toBe('U1, U2, U3, U4, 🔄 (reroll), V1, V2, V3, V4');
		expect(formatAvailableButtons(describeButtons())).toBe(
			'1️⃣ (imagine1), 2️⃣ (imagine2), 3️⃣ (imagine3), 4️⃣ (imagine4), 🔄 (describeRetry)',
		);
	});

	it('keeps the server order and shows pan keys', () => {
		const text = formatAvailableButtons(upscaleButtons(HASH));
		expect(text.startsWith('Upscale (Subtle), Upscale (Creative), Vary (Subtle), Vary (Strong), Vary (Region)')).toBe(true);
		expect(text).toContain('⬅️ (panLeft), ➡️ (panRight), ⬆️ (panUp), ⬇️ (panDown)');
		expect(text.endsWith('Animate (High motion), Animate (Low motion), 🔄 (reroll)')).toBe(true);
	});

	it('is empty for no buttons', () => {
		expect(formatAvailableButtons([])).toBe('');
	});
});

describe('displayLabel', () => {
	it('is the trimmed label, else the emoji, else the key', () => {
		expect(displayLabel(button('x', '  Make Square ', '⬜'))).toBe('Make Square');
		expect(displayLabel(button(`MJ::JOB::reroll::0::${HASH}::SOLO`, '  ', '🔄'))).toBe('🔄');
		expect(displayLabel(button(`MJ::JOB::reroll::0::${HASH}::SOLO`))).toBe('reroll');
	});
});

describe('splitButtons', () => {
	it('makes one field per button (key → customId) and one action entry, in the server order', () => {
		const buttons = gridButtons(HASH);
		const { fields, actions } = splitButtons(buttons);
		expect(Object.keys(fields)).toEqual(['U1', 'U2', 'U3', 'U4', 'reroll', 'V1', 'V2', 'V3', 'V4']);
		expect(Object.values(fields)).toEqual(buttons.map((entry) => entry.customId));
		expect(actions.map((entry) => entry.key)).toEqual(Object.keys(fields));
		expect(actions[4]).toEqual({ label: '🔄', key: 'reroll', customId: buttons[4].customId, needsModal: false });
		expect(actions[0]).toEqual({ label: 'U1', key: 'U1', customId: buttons[0].customId, needsModal: false });
	});

	it('marks Vary (Region) and Custom Zoom as needing a dialog', () => {
		const { actions } = splitButtons(upscaleButtons(HASH));
		expect(actions.filter((entry) => entry.needsModal).map((entry) => entry.key)).toEqual(['varyRegion', 'customZoom']);
	});

	it('gives repeated keys a _2, _3 suffix, the first keeping the plain key', () => {
		const buttons = [
			button(`MJ::JOB::bookmark::1::${HASH}`, '', '1️⃣'),
			button(`MJ::JOB::reroll::0::${HASH}::SOLO`, '', '🔄'),
			button(`MJ::JOB::bookmark::2::${HASH}`, '', '2️⃣'),
			button(`MJ::JOB::bookmark::3::${HASH}`, '', '3️⃣'),
		];
		const { fields, actions } = splitButtons(buttons);
		expect(fields).toEqual({
			bookmark: buttons[0].customId,
			reroll: buttons[1].customId,
			bookmark_2: buttons[2].customId,
			bookmark_3: buttons[3].customId,
		});
		expect(actions.map((entry) => entry.key)).toEqual(['bookmark', 'reroll', 'bookmark_2', 'bookmark_3']);
		expect(actions.map((entry) => entry.label)).toEqual(['1️⃣', '🔄', '2️⃣', '3️⃣']);
	});

	it('does not overwrite a button whose own key looks like a suffixed one', () => {
		const buttons = [button('a::1', 'Make Square'), button('a::2', 'Make Square 2'), button('a::3', 'Make Square')];
		const { fields } = splitButtons(buttons);
		// "Make Square 2" is makeSquare2 (no underscore), so the repeat is makeSquare_2.
		expect(fields).toEqual({ makeSquare: 'a::1', makeSquare2: 'a::2', makeSquare_2: 'a::3' });
		// A later button whose own key is already taken by a suffixed repeat gets a suffix of its own.
		const later = splitButtons([...buttons, button('a::4', 'Make Square_2')]).fields;
		expect(later).toEqual({ makeSquare: 'a::1', makeSquare2: 'a::2', makeSquare_2: 'a::3', makeSquare_2_2: 'a::4' });
	});

	it('skips entries without a customId and keeps the order of the others', () => {
		const buttons = [
			button(`MJ::JOB::upsample::1::${HASH}`, 'U1'),
			{ label: 'Broken', emoji: '' } as unknown as MjButton,
			null as unknown as MjButton,
			{ customId: 42, label: 'Numeric' } as unknown as MjButton,
			button(`MJ::JOB::variation::1::${HASH}`, 'V1'),
		];
		const { fields, actions } = splitButtons(buttons);
		expect(Object.keys(fields)).toEqual(['U1', 'V1']);
		expect(actions.map((entry) => entry.label)).toEqual(['U1', 'V1']);
	});

	it('is empty for no buttons', () => {
		expect(splitButtons(undefined)).toEqual({ fields: {}, actions: [] });
		expect(splitButtons([])).toEqual({ fields: {}, actions: [] });
	});
});

describe('buttonList (issue 9: buttons that are not a list)', () => {
	it('treats anything but a list as no buttons', () => {
		for (const value of ['U1,U2', { U1: 'x' }, 4, null, undefined, true]) expect(buttonList(value)).toEqual([]);
		expect(splitButtons('U1,U2')).toEqual({ fields: {}, actions: [] });
	});

	it('leaves out malformed entries and keeps the good ones', () => {
		const good = { customId: 'MJ::JOB::upsample::1::h', label: 'U1' };
		const emojiOnly = { customId: 'MJ::JOB::reroll::0::h::SOLO', emoji: '🔄', label: null };
		expect(buttonList([null, 7, 'U1', { label: 'no id' }, { customId: 5 }, { customId: 'MJ::x', label: 5 }, good, emojiOnly])).toEqual([
			good,
			emojiOnly,
		]);
	});
});
