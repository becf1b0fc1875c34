import { compactTask } from '../../../../nodes/Midjourney/output/toolAnswer';

describe('compactTask (the AI tool answer)', () => {
	it('carries the video URLs of a video answer', () => {
		const answer = compactTask({
			taskId: '1',
			status: 'SUCCESS',
			videoUrl: 'https://cdn.example/0_0.mp4',
			videoUrls: [{ url: 'https://cdn.example/0_0.mp4', thumbnail: 't0.png' }, { url: 'https://cdn.example/0_1.mp4' }],
			actions: [{ label: 'U1' }],
			buttons: [{ customId: 'x' }],
		});
		expect(answer).toEqual({
			taskId: '1',
			status: 'SUCCESS',
			videoUrl: 'https://cdn.example/0_0.mp4',
			videoUrls: ['https://cdn.example/0_0.mp4', 'https://cdn.example/0_1.mp4'],
			availableActions: ['U1'],
		});
	});

	it('carries the answers of Upload Images and Get Seed', () => {
		expect(compactTask({ urls: ['https://a/1.png'] })).toEqual({ urls: ['https://a/1.png'], availableActions: [] });
		expect(compactTask({ taskId: '2', seed: '123' })).toEqual({ taskId: '2', seed: '123', availableActions: [] });
	});
});
