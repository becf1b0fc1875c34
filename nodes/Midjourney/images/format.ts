/** Image types by their first bytes, and data URIs. */

export interface ImageType {
	mimeType: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
	extension: 'png' | 'jpg' | 'webp' | 'gif';
}

export function detectImageType(data: Uint8Array): ImageType | undefined {
	const starts = (...bytes: number[]) => bytes.every((byte, index) => data[index] === byte);
	if (data.length >= 8 && starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) {
		return { mimeType: 'image/png', extension: 'png' };
	}
	if (data.length >= 3 && starts(0xff, 0xd8, 0xff))
		return { mimeType: 'image/jpeg', extension: 'jpg' };
	if (
		data.length >= 6 &&
		(starts(0x47, 0x49, 0x46, 0x38, 0x37, 0x61) || starts(0x47, 0x49, 0x46, 0x38, 0x39, 0x61))
	) {
		return { mimeType: 'image/gif', extension: 'gif' };
	}
	const ascii = (from: number, to: number) => String.fromCharCode(...data.subarray(from, to));
	if (data.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') {
		return { mimeType: 'image/webp', extension: 'webp' };
	}
	return undefined;
}

/** Strict base64 data URIs (white space in the payload tolerated). */
export function parseDataUri(uri: string): { mimeType: string; data: Buffer } | undefined {
	const match = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*);base64,([\s\S]*)$/i.exec(
		uri.trim(),
	);
	if (!match) return undefined;
	const payload = match[3].replace(/\s+/g, '');
	if (payload === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1)
		return undefined;
	return {
		mimeType: (match[1] ?? 'application/octet-stream').toLowerCase(),
		data: Buffer.from(payload, 'base64'),
	};
}

export function toDataUri(data: Uint8Array, mimeType: string): string {
	return `data:${mimeType};base64,${Buffer.from(data).toString('base64')}`;
}
