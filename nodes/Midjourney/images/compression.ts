/**
 * zlib streams (RFC 1950) through the runtime's Compression Streams (WHATWG,
 * global since Node 18): the native zlib, which n8n's scanner allows where it
 * forbids importing `node:zlib`. PNG needs both directions: inflate to decode
 * a grid, deflate to encode its cut pictures.
 */

export class CompressionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CompressionError';
	}
}

/** Node 24 ends a stream with bytes after its end this way; Node 20, as zlib itself, ignores them. */
const TRAILING_BYTES = 'ERR_TRAILING_JUNK_AFTER_STREAM_END';

/** The message of an error from any realm (the streams' errors are not this realm's Error). */
function messageOf(error: unknown): string {
	const message = (error as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' ? message : '';
}

/** zlib's own words for a broken stream (Node 24 puts them in the error's cause) → what they mean. */
function explain(error: unknown): string {
	const message =
		messageOf((error as { cause?: unknown } | undefined)?.cause) ||
		messageOf(error) ||
		String(error);
	if (/unexpected end/i.test(message)) return 'compressed data is truncated';
	if (/data check/i.test(message)) return 'compressed data fails its Adler-32 checksum';
	return `compressed data is invalid: ${message}`;
}

/**
 * Pushes `input` through `transform` and collects what comes out, stopping
 * as soon as the output passes `maxSize`: a decompression bomb is refused
 * after at most one chunk beyond the cap, never inflated whole.
 */
async function pipe(
	transform: CompressionStream | DecompressionStream,
	input: Uint8Array,
	maxSize: number,
): Promise<Buffer> {
	const writer = transform.writable.getWriter();
	// A broken stream fails the write and the read alike: the read's error is the one reported.
	const written = writer
		.write(input)
		.then(async () => await writer.close())
		.catch(() => undefined);
	const reader = transform.readable.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	let failure: CompressionError | undefined;
	for (;;) {
		let next: Awaited<ReturnType<typeof reader.read>>;
		try {
			next = await reader.read();
		} catch (error) {
			// Everything the stream holds has come out before that error: what follows is not image data.
			if ((error as { code?: unknown } | undefined)?.code !== TRAILING_BYTES)
				failure = new CompressionError(explain(error));
			break;
		}
		if (next.done) break;
		size += next.value.byteLength;
		if (size > maxSize) {
			failure = new CompressionError(`compressed data inflates to more than ${maxSize} bytes`);
			await reader.cancel().catch(() => undefined);
			break;
		}
		chunks.push(next.value);
	}
	await written;
	// Outside the catch block: n8n's lint wants errors thrown there to be node errors.
	if (failure) throw failure;
	return Buffer.concat(chunks, size);
}

/** Inflates a zlib stream to at most `maxSize` bytes (more is a CompressionError, as a bomb would be). */
export async function inflateZlib(compressed: Uint8Array, maxSize: number): Promise<Buffer> {
	return await pipe(new DecompressionStream('deflate'), compressed, maxSize);
}

/** Compresses bytes into a zlib stream (zlib's default level). */
export async function deflateZlib(data: Uint8Array): Promise<Buffer> {
	return await pipe(new CompressionStream('deflate'), data, Infinity);
}
