import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The mp4s the emulator serves: test/emulator/fixtures/video-{0..3}.mp4, made by
 * fixtures/make-videos.sh (1 s, 64x64, 24 fps, H.264). Video n is filled with the
 * colour of grid quarter n+1 (QUARTER_COLOURS[n]) and a white square moves across it.
 */
export const VIDEO_FIXTURE_COUNT = 4;
export const VIDEO_DURATION_SEC = 1;
export const VIDEO_FRAME_COUNT = 24;
export const VIDEO_SIZE = { width: 64, height: 64 } as const;

const fixtures = new Map<number, Buffer>();

export function videoFixture(n: number): Buffer {
	let bytes = fixtures.get(n);
	if (!bytes) {
		bytes = readFileSync(join(__dirname, 'fixtures', `video-${n}.mp4`));
		fixtures.set(n, bytes);
	}
	return bytes;
}

/** A file of `total` bytes: `head`, then zeros (never held in memory). */
export interface MediaBody {
	head: Buffer;
	total: number;
}

/** Largest size a 32-bit `free` box can pad to. */
const MAX_PADDED = 0xffff_fff0;

/**
 * The mp4 as served: as is, or grown to `size` bytes by a trailing top-level `free`
 * box (players skip it, so the file stays playable). Sizes below the mp4's own are ignored.
 */
export function paddedMp4(mp4: Buffer, size?: number): MediaBody {
	if (!size || size <= mp4.length + 8) return { head: mp4, total: mp4.length };
	const total = Math.min(Math.floor(size), MAX_PADDED);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(total - mp4.length, 0);
	header.write('free', 4, 'latin1');
	return { head: Buffer.concat([mp4, header]), total };
}

/**
 * A `Range: bytes=...` header against a file of `total` bytes: the one range asked
 * for (inclusive ends), 'unsatisfiable' (416), or undefined to answer the whole file
 * (no header, a unit other than bytes, several ranges, or a malformed one: RFC 9110 lets
 * a server ignore those).
 */
export function parseRange(header: string | undefined, total: number): { start: number; end: number } | 'unsatisfiable' | undefined {
	if (!header) return undefined;
	const match = header.trim().match(/^bytes=(\d*)-(\d*)$/i);
	if (!match || (match[1] === '' && match[2] === '')) return undefined;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) return 'unsatisfiable';
		return { start: Math.max(0, total - suffix), end: total - 1 };
	}
	const start = Number(match[1]);
	const end = match[2] === '' ? total - 1 : Math.min(Number(match[2]), total - 1);
	if (match[2] !== '' && Number(match[2]) < start) return undefined;
	if (start >= total) return 'unsatisfiable';
	return { start, end };
}

/** Bytes [start, end) of a MediaBody, for writing in chunks. */
export function mediaSlice(body: MediaBody, start: number, end: number): Buffer {
	if (start >= body.head.length) return Buffer.alloc(end - start);
	if (end <= body.head.length) return body.head.subarray(start, end);
	return Buffer.concat([body.head.subarray(start), Buffer.alloc(end - body.head.length)]);
}
