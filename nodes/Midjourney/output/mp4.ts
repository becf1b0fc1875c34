/** mp4 files by their first bytes (a video download is checked before it is stored). */

/** An ISO media file (mp4): its first box is `ftyp` (size, then the type at bytes 4-8). */
export function isMp4(head: Uint8Array): boolean {
	return head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === 'ftyp';
}
