/**
 * The prompt check, table-driven: prompts from Midjourney's documentation (and
 * the reference server's parser tests) pass untouched; prompts Midjourney
 * refuses are refused with the reason and the fix.
 */
import { checkPrompt, nearestName, readPrompt } from '../../../../nodes/Midjourney/prompt/checkPrompt';

const IMG = 'https://cdn.example.com/a.png';
const IMG2 = 'https://cdn.example.com/b.jpg';

/** Valid prompts: Midjourney's docs examples and their parameters in every form they take. */
const VALID: string[] = [
	'vibrant california poppies --ar 5:4',
	'vibrant california poppies --aspect 2:3',
	'woodcut birch forest --q .25',
	'woodcut birch forest --quality 0.5',
	'woodcut birch forest --seed 123',
	'woodcut birch forest --seed 4294967295',
	`${IMG} birthday cake --iw .5`,
	`${IMG} ${IMG2} birthday cake --iw 2`,
	'cute cat --v 7 --ar 16:9 --no dogs, text',
	'still life gouache painting --no fruit',
	'a red and green apple --no red, green --no blue',
	`cat ninja ${IMG} --sref ${IMG2}`,
	`cat ninja --sref ${IMG}::2 ${IMG2}::3`,
	'cat ninja --sref random',
	'cat ninja --sref 1234567890 --sw 250',
	'cat ninja --sref 1234567890 --sv 4 --v 7',
	`portrait of a knight --cref ${IMG} --cw 0 --v 6`,
	`portrait of a knight --cref ${IMG} ${IMG2} --cw 100 --v 6.1`,
	`portrait of a knight --niji 6 --cref ${IMG}`,
	`a knight on a horse --oref ${IMG} --ow 400 --v 7`,
	`a knight on a horse --oref ${IMG} --v 8.1`,
	'a cat in a garden --niji 6 --style cute',
	'a cat in a garden --niji',
	'a cat in a garden --niji 7',
	'a cat in a garden --p',
	'a cat in a garden --p abc123 def456',
	'a cat in a garden --profile abc123',
	'a cat in a garden --personalize',
	'seamless floral wallpaper --tile',
	'a lighthouse at dawn --draft --v 7',
	'a lighthouse at dawn --exp 25 --v 7',
	'a lighthouse at dawn --hd --v 8.1',
	'a lighthouse at dawn --q 4 --v 7',
	'a lighthouse at dawn --stylize 1000',
	'a lighthouse at dawn --s 0',
	'a lighthouse at dawn --chaos 0',
	'a lighthouse at dawn --c 100',
	'a lighthouse at dawn --weird 3000 --v 6.1',
	'a lighthouse at dawn --w 250',
	'a lighthouse at dawn --stop 50',
	'a lighthouse at dawn --repeat 4',
	'a lighthouse at dawn --r 40',
	'a lighthouse at dawn --raw',
	'a lighthouse at dawn --style raw --v 6.1',
	'a lighthouse at dawn --version 5.2',
	'a lighthouse at dawn --v 5',
	'a lighthouse at dawn --turbo',
	'a lighthouse at dawn --relax',
	'a lighthouse at dawn --fast --stealth',
	'a lighthouse at dawn --public',
	'waves crashing --motion high --loop --bs 2',
	`waves crashing --motion low --end ${IMG}`,
	'a {red, blue, green} bird --ar {16:9, 1:1}',
	'a lighthouse \u2014ar 16:9 \u2014v 7',
	'a lighthouse --AR 16:9 --V 7',
	'mid-century living room, well-lit, -ish tones --ar 3:2',
	'plan A -v- plan B, a -c shaped hook --ar 3:2',
	'a poster that reads "SALE -50%" --ar 4:5',
	'hot dog::1.5 bun::-0.5 --ar 1:1',
	'a lighthouse at dawn',
	'a lighthouse at dawn --ar 21:9 --s 250 --c 10 --seed 42 --no text, watermark --raw --v 7',
];

/** Wrong prompts: [prompt, words the message must hold, words the fix must hold]. */
const WRONG: Array<[string, string, string]> = [
	['a cat --ar16:9', '`--ar16:9` is not a Midjourney parameter', 'Did you mean `--ar 16:9`?'],
	['a cat --v6.1', '`--v6.1` is not a Midjourney parameter', 'Did you mean `--v 6.1`?'],
	['a cat --s250', '`--s250` is not', 'Did you mean `--s 250`?'],
	['a cat --ar:16:9', '`--ar:16:9` is not', 'Did you mean `--ar 16:9`?'],
	['a cat -ar 16:9', '`-ar` has one dash', 'Did you mean `--ar`?'],
	['a cat -stylize 250', '`-stylize` has one dash', 'Did you mean `--stylize`?'],
	['a cat -v 6.1', '`-v` has one dash', 'Did you mean `--v`?'],
	['a cat --stylise 250', '`--stylise` is not a Midjourney parameter', 'Did you mean `--stylize`?'],
	['a cat \u2014stylise 250', '`--stylise` is not', 'Did you mean `--stylize`?'],
	['a cat --chaoss 10', '`--chaoss` is not', 'Did you mean `--chaos`?'],
	['a cat --aspet 16:9', '`--aspet` is not', 'Did you mean `--aspect`?'],
	['a cat --verison 7', '`--verison` is not', 'Did you mean `--version`?'],
	['a cat --foobar', '`--foobar` is not a Midjourney parameter', 'parameter list'],
	['a cat --chaos 101', '`--chaos 101` is out of range', '--chaos takes 0–100'],
	['a cat --c -5', '--c takes a whole number', '0–100'],
	['a cat --s 1001', '`--s 1001` is out of range', '0–1000'],
	['a cat --stylize high', '--stylize takes a whole number', '0–1000'],
	['a cat --weird 3001', 'out of range', '0–3000'],
	['a cat --seed -1', '--seed takes a whole number', '0–4294967295'],
	['a cat --seed 1.5', '--seed takes a whole number', ''],
	['a cat --seed 4294967296', 'out of range', '0–4294967295'],
	['a cat --stop 5', 'out of range', '10–100'],
	['a cat --repeat 41', 'out of range', '1–40'],
	['a cat --sw 1001 --sref random', 'out of range', '0–1000'],
	[`a cat --cref ${IMG} --cw 101 --v 6`, 'out of range', '0–100'],
	[`a cat --oref ${IMG} --ow 1001 --v 7`, 'out of range', '0–1000'],
	[`${IMG} a cat --iw 4`, 'out of range', '0–3'],
	['a cat --bs 5', 'out of range', '1–4'],
	['a cat --exp 101 --v 7', 'out of range', '0–100'],
	['a cat --sv 8', 'out of range', '1–7'],
	['a cat --ar 1.39:1', '`--ar 1.39:1` is not an aspect ratio', 'whole numbers, e.g. --ar 139:100'],
	['a cat --ar 16x9', 'is not an aspect ratio', 'width:height'],
	['a cat --ar 0:1', 'is not an aspect ratio', ''],
	['a cat --ar', '--ar has no value', 'Give --ar a value'],
	['a cat --no', '--no has no value', ''],
	['a cat --sref', '--sref has no value', ''],
	['a cat --q 3', '`--q 3` is not a value --q takes', '.25, .5, 1, 2 or 4'],
	['a cat --v 9', 'is not a value --v takes', ''],
	['a cat --v 6.2', 'is not a value --v takes', ''],
	['a cat --niji 3', 'is not a value --niji takes', ''],
	['a cat --motion medium', 'is not a value --motion takes', 'low or high'],
	['a cat --style fancy', 'is not a value --style takes', ''],
	['a cat --tile pattern', '`--tile pattern` is followed by "pattern"', 'move the text before them'],
	['a cat --ar 16:9 wide shot', 'is followed by "wide shot"', 'Parameters go at the end'],
	[`a cat --oref ${IMG} ${IMG2} --v 7`, 'is followed by', 'one value'],
	['a cat --oref cat.png --v 7', '"cat.png" is not an image URL', 'http(s) image URLs'],
	['a cat --cref my-character --v 6', 'is not an image URL', ''],
	[`a cat --cref ${IMG}`, 'works on V6 only, and the account default is V7 or later', '--oref'],
	[`a cat --cref ${IMG} --v 7`, 'works on V6 and Niji 6 only, not V7', 'Omni Reference (--oref'],
	[`a cat --cref ${IMG} --v 8.1`, 'not V8.1', '--oref'],
	[`a cat --cref ${IMG} --v 5.2`, 'not V5.2', ''],
	[`a cat --cref ${IMG} --niji 7`, 'not Niji 7', ''],
	['a cat --cw 50 --v 7', '--cw (Character Reference) works on V6', '--ow'],
	[`a cat --oref ${IMG} --v 6.1`, '--oref needs V7 or later, not V6.1', 'Add --v 7'],
	[`a cat --oref ${IMG} --niji 6`, '--oref needs Midjourney V7 or later, not Niji', ''],
	['a cat --draft --v 6.1', '--draft needs V7 or later, not V6.1', ''],
	['a cat --exp 10 --v 6', '--exp needs V7 or later, not V6', ''],
	['a cat --hd --v 7', '--hd needs V8 or later, not V7', ''],
	['a cat --q 4 --v 6.1', '--q 4 needs V7 or later, not V6.1', '.25, .5, 1 or 2'],
	['a cat --raw --v 5', '--raw needs V5.1 or later, not V5', ''],
	['a cat --sref random --v 5.2', '--sref needs V6 or later, not V5.2', ''],
	['a cat --weird 10 --v 5.1', '--weird needs V5.2 or later', ''],
	['a cat --v 7 --niji 6', 'both choose the model', 'Keep one'],
	['a cat --fast --relax', '--fast and --relax are different speeds', 'Keep one speed'],
	['a cat --stealth --public', 'contradict each other', ''],
	['a cat --iw 1.5', '--iw weighs image prompts, but the prompt has none', 'start of the prompt'],
	[`a cat --oref ${IMG} --q 4 --v 7`, '--q 4 does not work with --oref', ''],
	['a cat --ar 16:9 --ar 1:1', '--aspect is given twice (`--ar 16:9` and `--ar 1:1`)', 'Keep one'],
	['a cat --s 100 --stylize 200', '--stylize is given twice', ''],
];

describe('checkPrompt', () => {
	it('holds at least 60 prompts', () => {
		expect(VALID.length + WRONG.length).toBeGreaterThanOrEqual(60);
		expect(VALID.length).toBeGreaterThanOrEqual(30);
		expect(WRONG.length).toBeGreaterThanOrEqual(30);
	});

	it.each(VALID)('passes %s', (prompt) => {
		expect(checkPrompt(prompt)).toEqual([]);
	});

	it.each(WRONG)('refuses %s', (prompt, message, fix) => {
		const problems = checkPrompt(prompt);
		expect(problems.length).toBeGreaterThan(0);
		const first = problems.find((problem) => problem.message.includes(message));
		if (!first) throw new Error(`no problem says "${message}": ${JSON.stringify(problems)}`);
		expect(first.fix).toContain(fix);
	});

	it('counts images sent beside the prompt as image prompts for --iw', () => {
		expect(checkPrompt('a cat --iw 1.5', { extraImagePrompts: 1 })).toEqual([]);
	});

	it('reads the Niji bot as the model: --oref refused, --cref on Niji 6 taken', () => {
		expect(checkPrompt(`a cat --oref ${IMG}`, { niji: true })[0].message).toContain('not Niji');
		expect(checkPrompt(`a cat --cref ${IMG} --niji 6`, { niji: true })).toEqual([]);
	});
});

describe('readPrompt', () => {
	it('splits image prompts, text and parameters as MjPromptParser.Parse does', () => {
		const read = readPrompt(`${IMG} cute cat --v 7 --ar 16:9 --no dogs, text`);
		expect(read.imagePrompts).toEqual([IMG]);
		expect(read.text).toBe('cute cat');
		expect(read.parameters.map((parameter) => [parameter.name, parameter.words.join(' ')])).toEqual([
			['v', '7'],
			['ar', '16:9'],
			['no', 'dogs, text'],
		]);
	});
});

describe('nearestName', () => {
	it.each([
		['stylise', 'stylize'],
		['aspekt', 'aspect'],
		['qaulity', 'quality'],
		['zzzzzz', undefined],
	])('%s → %s', (typed, expected) => {
		expect(nearestName(typed)).toBe(expected);
	});
});
