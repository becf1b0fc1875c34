import { isMp4 } from '../../../../nodes/Midjourney/output/mp4';
import { videoFixture } from '../../../emulator';

describe('output/mp4', () => {
	it('knows an mp4 by its first box, from the bytes a stream peek gives', () => {
		expect(isMp4(videoFixture(0).subarray(0, 12))).toBe(true);
		expect(isMp4(Buffer.from('\0\0\0\x20ftypisom'))).toBe(true);
	});

	it('refuses error pages, images and too few bytes', () => {
		expect(isMp4(Buffer.from('<html><body>expired</body></html>'))).toBe(false);
		expect(isMp4(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe(false);
		expect(isMp4(Buffer.from('\0\0\0ft'))).toBe(false);
	});
});
