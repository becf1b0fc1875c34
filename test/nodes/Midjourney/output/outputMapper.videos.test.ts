import { shortenButtons, upscaleButtons, videoButtons, videoUpscaleButtons } from '../../../emulator/buttons';
import { shortenDescription, shortenSuggestions } from '../../../emulator/tasks';
import { buttonKey, findButton } from '../../../../nodes/Midjourney/model/buttons';
import { isGridTask, isVideoTask, mapTask, parseShortenPrompts, videoEntries, videoItems } from '../../../../nodes/Midjourney/output/outputMapper';
import type { MjTask } from '../../../../nodes/Midjourney/model/task';

const HASH = 'b7c1e3a0-9f0e-4c1f-9d4e-2b1a0c9d8e7f';
const video = (i: number) => ({ url: `https://cdn.example/video/j/0_${i}.mp4`, thumbnail: `https://cdn.example/video/j/0_${i}.png` });

function videoTask(overrides: Partial<MjTask> = {}): MjTask {
	return {
		id: '1750000000000001',
		action: 'VIDEO',
		status: 'SUCCESS',
		progress: '100%',
		imageUrl: video(0).url,
		videoUrl: video(0).url,
		videoUrls: [0, 1, 2, 3].map(video),
		videoDuration: 5.2,
		frameCount: 125,
		buttons: videoButtons(HASH),
		...overrides,
	};
}

describe('video buttons: stable keys', () => {
	it.each([
		[`MJ::JOB::video_virtual_upscale::1::${HASH}`, 'U1'],
		[`MJ::JOB::video_virtual_upscale::4::${HASH}`, 'U4'],
		[`MJ::JOB::animate_high::1::${HASH}::SOLO`, 'animateHigh'],
		[`MJ::JOB::animate_low::1::${HASH}::SOLO`, 'animateLow'],
		[`MJ::JOB::animate_high_extend::1::${HASH}`, 'extendHigh'],
		[`MJ::JOB::animate_low_extend::1::${HASH}`, 'extendLow'],
		['MJ::Job::PromptAnalyzer::5', 'shortened5'],
	])('%s → %s (whatever the label)', (customId, key) => {
		expect(buttonKey({ customId, label: 'Etwas anderes' })).toBe(key);
	});

	it('finds Animate and Extend by label or key', () => {
		expect(findButton(upscaleButtons(HASH), 'Animate (Low motion)')?.customId).toContain('animate_low::');
		expect(findButton(upscaleButtons(HASH), 'animateHigh')?.customId).toContain('animate_high::');
		expect(findButton(videoUpscaleButtons(HASH), 'extend (high motion)')?.customId).toContain('animate_high_extend');
		expect(findButton(videoUpscaleButtons(HASH), 'extendLow')?.customId).toContain('animate_low_extend');
		expect(findButton(videoButtons(HASH), 'u3')?.customId).toContain('video_virtual_upscale::3');
	});
});

describe('the output mapper on video tasks', () => {
	it('maps videoUrl, every video with its thumbnail, duration, frame count and the video buttons', () => {
		const item = mapTask(videoTask());
		expect(item).toMatchObject({ videoUrl: video(0).url, videoDuration: 5.2, frameCount: 125 });
		expect(item.videoUrls).toEqual([0, 1, 2, 3].map(video));
		expect(item.U2).toBe(`MJ::JOB::video_virtual_upscale::2::${HASH}`);
		expect((item.actions as Array<{ key: string }>).map((action) => action.key)).toEqual(['U1', 'U2', 'U3', 'U4', 'reroll']);
	});

	it('accepts videoUrls as plain strings, and a lone videoUrl', () => {
		expect(mapTask(videoTask({ videoUrls: [video(0).url, video(1).url] })).videoUrls).toEqual([{ url: video(0).url }, { url: video(1).url }]);
		const lone = videoTask({ videoUrls: undefined, action: 'UPSCALE', buttons: videoUpscaleButtons(HASH) });
		expect(mapTask(lone)).toMatchObject({ videoUrl: video(0).url, videoUrls: [{ url: video(0).url }] });
		expect(mapTask(lone).extendHigh).toBe(`MJ::JOB::animate_high_extend::1::${HASH}`);
	});

	it('leaves the video fields out of an image task', () => {
		const item = mapTask({ id: '1', action: 'IMAGINE', status: 'SUCCESS', imageUrl: 'https://cdn.example/a.png' });
		for (const key of ['videoUrl', 'videoUrls', 'videoDuration', 'frameCount']) expect(item[key]).toBeUndefined();
	});

	it('a video batch is a video task, never a grid (its U1-U4 upscale videos)', () => {
		expect(isVideoTask(videoTask())).toBe(true);
		expect(isGridTask(videoTask())).toBe(false);
		expect(isVideoTask({ action: 'IMAGINE' })).toBe(false);
	});

	it('videoItems: one per video with index, its URL, thumbnail and its own U', () => {
		const items = videoItems(videoTask({ videoUrls: [video(0), video(1)] }));
		expect(items.map((item) => [item.index, item.videoUrl, item.thumbnailUrl, item.U])).toEqual([
			[1, video(0).url, video(0).thumbnail, `MJ::JOB::video_virtual_upscale::1::${HASH}`],
			[2, video(1).url, video(1).thumbnail, `MJ::JOB::video_virtual_upscale::2::${HASH}`],
		]);
		expect(videoEntries({ videoUrls: [{ url: '' }, 'x.mp4'] })).toEqual([{ url: 'x.mp4' }]);
	});
});

describe('Shorten prompts', () => {
	it('are the five suggestions, clean, without the important tokens', () => {
		const prompt = 'an old red lighthouse on the rocky coast at dawn --ar 16:9';
		const suggestions = shortenSuggestions(prompt);
		const text = shortenDescription(prompt, suggestions);
		expect(parseShortenPrompts(text)).toEqual(suggestions);
		const item = mapTask({ id: '1', action: 'SHORTEN', status: 'SUCCESS', properties: { finalPrompt: text }, buttons: shortenButtons() });
		expect(item.prompts).toEqual(suggestions);
		expect(item.shortened1).toBe('MJ::Job::PromptAnalyzer::1');
	});
});
