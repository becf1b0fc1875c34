/**
 * zlib streams (RFC 1950) around DEFLATE (RFC 1951), in plain TypeScript.
 *
 * Why not `node:zlib`: n8n's community-node rules (`@n8n/community-nodes/no-restricted-imports`,
 * also run by the n8n Cloud verification scan on the built package) forbid importing it.
 * PNG needs both directions: inflate to decode, deflate to encode the cut pictures.
 */

export class ZlibError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ZlibError';
	}
}

export function adler32(bytes: Uint8Array): number {
	let a = 1;
	let b = 0;
	const n = bytes.length;
	let i = 0;
	while (i < n) {
		// 5552 is the longest run before b can overflow 2^32 (zlib's NMAX).
		const end = Math.min(i + 5552, n);
		for (; i < end; i++) {
			a += bytes[i];
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return ((b << 16) | a) >>> 0;
}

// ---------------------------------------------------------------- shared tables

const LENGTH_BASE = new Uint16Array([
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
]);
const LENGTH_EXTRA = new Uint8Array([
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
const DIST_BASE = new Uint16Array([
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577,
]);
const DIST_EXTRA = new Uint8Array([
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
/** The order in which code-length code lengths are stored in a dynamic block header. */
const CODE_LENGTH_ORDER = new Uint8Array([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

function reverseBits(code: number, length: number): number {
	let reversed = 0;
	for (let i = 0; i < length; i++) {
		reversed = (reversed << 1) | (code & 1);
		code >>>= 1;
	}
	return reversed;
}

/** Canonical Huffman codes (RFC 1951 3.2.2), bit-reversed because DEFLATE sends them LSB first. */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
	const count = new Uint16Array(16);
	for (let i = 0; i < lengths.length; i++) count[lengths[i]]++;
	count[0] = 0;
	const next = new Uint16Array(16);
	let code = 0;
	for (let bits = 1; bits < 16; bits++) {
		code = (code + count[bits - 1]) << 1;
		next[bits] = code;
	}
	const codes = new Uint16Array(lengths.length);
	for (let i = 0; i < lengths.length; i++) {
		const len = lengths[i];
		if (len) codes[i] = reverseBits(next[len]++, len);
	}
	return codes;
}

// ---------------------------------------------------------------- inflate

/**
 * A single-level lookup table indexed by the next `bits` input bits:
 * entry = symbol << 4 | code length (0 = no such code).
 */
interface DecodeTable {
	table: Int32Array;
	bits: number;
}

function buildDecodeTable(lengths: Uint8Array, what: string): DecodeTable {
	let maxLen = 0;
	const count = new Uint16Array(16);
	for (let i = 0; i < lengths.length; i++) {
		count[lengths[i]]++;
		if (lengths[i] > maxLen) maxLen = lengths[i];
	}
	// Over-subscribed sets are invalid; incomplete ones are tolerated (unused entries stay 0 and fail on use).
	let left = 1;
	for (let bits = 1; bits < 16; bits++) {
		left = (left << 1) - count[bits];
		if (left < 0) throw new ZlibError(`invalid ${what} code lengths`);
	}
	const bits = Math.max(maxLen, 1);
	const table = new Int32Array(1 << bits);
	const codes = canonicalCodes(lengths);
	for (let symbol = 0; symbol < lengths.length; symbol++) {
		const len = lengths[symbol];
		if (!len) continue;
		const entry = (symbol << 4) | len;
		for (let j = codes[symbol]; j < table.length; j += 1 << len) table[j] = entry;
	}
	return { table, bits };
}

let fixedTables: { litLen: DecodeTable; dist: DecodeTable } | undefined;

function fixedDecodeTables(): { litLen: DecodeTable; dist: DecodeTable } {
	if (!fixedTables) {
		const lengths = new Uint8Array(288);
		lengths.fill(8, 0, 144);
		lengths.fill(9, 144, 256);
		lengths.fill(7, 256, 280);
		lengths.fill(8, 280, 288);
		fixedTables = {
			litLen: buildDecodeTable(lengths, 'literal/length'),
			dist: buildDecodeTable(new Uint8Array(30).fill(5), 'distance'),
		};
	}
	return fixedTables;
}

/**
 * Inflates a zlib stream. `expectedSize` is how many bytes the caller needs; more output than
 * `maxSize` (default: expectedSize) is an error, which also stops decompression bombs.
 */
export function inflateZlib(input: Uint8Array, expectedSize: number, maxSize = expectedSize): Uint8Array {
	if (input.length < 2) throw new ZlibError('compressed data is truncated');
	const cmf = input[0];
	const flg = input[1];
	if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) {
		throw new ZlibError('compressed data has an invalid zlib header');
	}
	if (flg & 0x20) throw new ZlibError('compressed data needs a preset dictionary');

	const out = new Uint8Array(maxSize);
	let outPos = 0;
	const n = input.length;
	let inPos = 2;
	let bitBuf = 0;
	let bitCount = 0;
	/** Input bytes read past the end (as zeros); more than the 4 lookahead bytes means truncation. */
	let overrun = 0;

	const need = (count: number): void => {
		while (bitCount < count) {
			if (inPos < n) bitBuf |= input[inPos++] << bitCount;
			// A valid stream never reads more than 2 bytes past its end (a Huffman table's lookahead).
			else if (++overrun > 2) throw new ZlibError('compressed data is truncated');
			bitCount += 8;
		}
	};
	/** Gives back whole buffered bytes and drops the partial one: the next read starts on a byte boundary. */
	const alignToByte = (): void => {
		const unread = (bitCount >> 3) - overrun;
		if (unread < 0) throw new ZlibError('compressed data is truncated');
		inPos -= unread;
		overrun = 0;
		bitBuf = 0;
		bitCount = 0;
	};
	/** The zero bytes read past the end are lookahead only: consuming any of their bits means truncation. */
	const truncated = (): ZlibError => new ZlibError('compressed data is truncated');
	const take = (count: number): number => {
		need(count);
		const value = bitBuf & ((1 << count) - 1);
		bitBuf >>>= count;
		bitCount -= count;
		if (overrun !== 0 && bitCount < overrun * 8) throw truncated();
		return value;
	};
	const decodeSymbol = (decoder: DecodeTable): number => {
		need(decoder.bits);
		const entry = decoder.table[bitBuf & ((1 << decoder.bits) - 1)];
		const len = entry & 15;
		if (len === 0) throw new ZlibError('compressed data holds an invalid Huffman code');
		bitBuf >>>= len;
		bitCount -= len;
		if (overrun !== 0 && bitCount < overrun * 8) throw truncated();
		return entry >> 4;
	};
	const tooLong = (): ZlibError => new ZlibError(`compressed data inflates to more than ${maxSize} bytes`);

	let last = 0;
	while (!last) {
		last = take(1);
		const type = take(2);
		if (type === 0) {
			alignToByte();
			if (inPos + 4 > n) throw new ZlibError('compressed data is truncated');
			const len = input[inPos] | (input[inPos + 1] << 8);
			const nlen = input[inPos + 2] | (input[inPos + 3] << 8);
			if ((len ^ 0xffff) !== nlen) throw new ZlibError('compressed data has a corrupt stored block');
			inPos += 4;
			if (inPos + len > n) throw new ZlibError('compressed data is truncated');
			if (outPos + len > maxSize) throw tooLong();
			out.set(input.subarray(inPos, inPos + len), outPos);
			inPos += len;
			outPos += len;
			continue;
		}
		let litLen: DecodeTable;
		let dist: DecodeTable;
		if (type === 1) {
			({ litLen, dist } = fixedDecodeTables());
		} else if (type === 2) {
			const hlit = take(5) + 257;
			const hdist = take(5) + 1;
			const hclen = take(4) + 4;
			if (hlit > 286 || hdist > 30) throw new ZlibError('compressed data declares too many Huffman codes');
			const codeLengthLengths = new Uint8Array(19);
			for (let i = 0; i < hclen; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = take(3);
			const codeLengthDecoder = buildDecodeTable(codeLengthLengths, 'code length');
			const lengths = new Uint8Array(hlit + hdist);
			let i = 0;
			while (i < lengths.length) {
				const symbol = decodeSymbol(codeLengthDecoder);
				if (symbol < 16) {
					lengths[i++] = symbol;
					continue;
				}
				let repeat: number;
				let value = 0;
				if (symbol === 16) {
					if (i === 0) throw new ZlibError('compressed data repeats a code length before the first');
					value = lengths[i - 1];
					repeat = 3 + take(2);
				} else if (symbol === 17) {
					repeat = 3 + take(3);
				} else {
					repeat = 11 + take(7);
				}
				if (i + repeat > lengths.length) throw new ZlibError('compressed data has too many code lengths');
				lengths.fill(value, i, i + repeat);
				i += repeat;
			}
			if (lengths[256] === 0) throw new ZlibError('compressed data has no end-of-block code');
			litLen = buildDecodeTable(lengths.subarray(0, hlit), 'literal/length');
			dist = buildDecodeTable(lengths.subarray(hlit), 'distance');
		} else {
			throw new ZlibError('compressed data uses the reserved block type 3');
		}

		for (;;) {
			const symbol = decodeSymbol(litLen);
			if (symbol < 256) {
				if (outPos >= maxSize) throw tooLong();
				out[outPos++] = symbol;
				continue;
			}
			if (symbol === 256) break;
			const lengthIndex = symbol - 257;
			if (lengthIndex >= 29) throw new ZlibError('compressed data holds an invalid length code');
			const length = LENGTH_BASE[lengthIndex] + take(LENGTH_EXTRA[lengthIndex]);
			const distIndex = decodeSymbol(dist);
			if (distIndex >= 30) throw new ZlibError('compressed data holds an invalid distance code');
			const distance = DIST_BASE[distIndex] + take(DIST_EXTRA[distIndex]);
			if (distance > outPos) throw new ZlibError('compressed data refers to bytes before its start');
			if (outPos + length > maxSize) throw tooLong();
			let from = outPos - distance;
			if (distance >= length) {
				out.copyWithin(outPos, from, from + length);
				outPos += length;
			} else {
				// Overlapping copy repeats the last `distance` bytes.
				const end = outPos + length;
				while (outPos < end) out[outPos++] = out[from++];
			}
		}
	}
	// The Adler-32 trailer starts at the next byte boundary.
	alignToByte();
	if (inPos + 4 > n) throw new ZlibError('compressed data is truncated (no checksum)');
	const expectedAdler = ((input[inPos] << 24) | (input[inPos + 1] << 16) | (input[inPos + 2] << 8) | input[inPos + 3]) >>> 0;
	const result = out.subarray(0, outPos);
	if (adler32(result) !== expectedAdler) throw new ZlibError('compressed data fails its Adler-32 checksum');
	if (outPos < expectedSize) {
		throw new ZlibError(`compressed data is truncated: ${outPos} of ${expectedSize} bytes`);
	}
	return result;
}

// ---------------------------------------------------------------- deflate

const WINDOW_SIZE = 32768;
const WINDOW_MASK = WINDOW_SIZE - 1;
const HASH_BITS = 15;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** Candidates tried per position: a speed/ratio trade-off close to zlib's fast levels. */
const MAX_CHAIN = 8;
/** Stop searching once a match is this long. */
const GOOD_ENOUGH = 64;
/** Positions inside longer matches are not hashed (zlib's max_insert_length idea). */
const MAX_INSERT = 16;
/** LZ77 symbols per block before Huffman codes are rebuilt. */
const BLOCK_SYMBOLS = 1 << 15;

/** Length 3..258 → literal/length symbol 257..285. */
const LENGTH_SYMBOL = (() => {
	const table = new Uint16Array(MAX_MATCH + 1);
	for (let code = 0; code < 29; code++) {
		const end = code === 28 ? MAX_MATCH + 1 : LENGTH_BASE[code + 1];
		for (let len = LENGTH_BASE[code]; len < end; len++) table[len] = 257 + code;
	}
	table[MAX_MATCH] = 285;
	return table;
})();

/** Distance 1..32768 → distance symbol 0..29. */
const DIST_SYMBOL = (() => {
	const table = new Uint8Array(WINDOW_SIZE + 1);
	for (let code = 0; code < 30; code++) {
		const end = code === 29 ? WINDOW_SIZE + 1 : DIST_BASE[code + 1];
		for (let d = DIST_BASE[code]; d < end; d++) table[d] = code;
	}
	return table;
})();

/**
 * Length-limited Huffman code lengths for the given frequencies: minimum-redundancy lengths
 * (Moffat–Katajainen, in place), then the limit enforced as miniz does. Always yields a complete
 * code, which strict inflaters (zlib) require, by giving a second symbol a count when only one is used.
 */
function huffmanLengths(freqs: Uint32Array, maxLen: number): Uint8Array {
	const lengths = new Uint8Array(freqs.length);
	const used: number[] = [];
	for (let i = 0; i < freqs.length; i++) if (freqs[i]) used.push(i);
	if (used.length === 0) used.push(0);
	if (used.length === 1) used.push(used[0] === 0 ? 1 : 0);
	used.sort((a, b) => freqs[a] - freqs[b] || a - b);
	const n = used.length;
	const a = used.map((symbol) => Math.max(freqs[symbol], 1));

	// Phase 1: build the tree (parents replace weights).
	a[0] += a[1];
	let root = 0;
	let leaf = 2;
	for (let next = 1; next < n - 1; next++) {
		if (leaf >= n || a[root] < a[leaf]) {
			a[next] = a[root];
			a[root++] = next;
		} else a[next] = a[leaf++];
		if (leaf >= n || (root < next && a[root] < a[leaf])) {
			a[next] += a[root];
			a[root++] = next;
		} else a[next] += a[leaf++];
	}
	// Phase 2: internal node depths.
	a[n - 2] = 0;
	for (let next = n - 3; next >= 0; next--) a[next] = a[a[next]] + 1;
	// Phase 3: leaf depths.
	let available = 1;
	let usedNodes = 0;
	let depth = 0;
	root = n - 2;
	let next = n - 1;
	while (available > 0) {
		while (root >= 0 && a[root] === depth) {
			usedNodes++;
			root--;
		}
		while (available > usedNodes) {
			a[next--] = depth;
			available--;
		}
		available = 2 * usedNodes;
		depth++;
		usedNodes = 0;
	}

	// Enforce maxLen on the count of codes per length, keeping the code complete.
	const perLength = new Array<number>(Math.max(depth, maxLen) + 2).fill(0);
	for (let i = 0; i < n; i++) perLength[a[i]]++;
	for (let len = maxLen + 1; len < perLength.length; len++) {
		perLength[maxLen] += perLength[len];
		perLength[len] = 0;
	}
	let total = 0;
	for (let len = maxLen; len > 0; len--) total += perLength[len] * 2 ** (maxLen - len);
	while (total !== 2 ** maxLen) {
		perLength[maxLen]--;
		for (let len = maxLen - 1; len > 0; len--) {
			if (perLength[len]) {
				perLength[len]--;
				perLength[len + 1] += 2;
				break;
			}
		}
		total--;
	}
	// Shortest codes to the most frequent symbols (the end of the ascending list).
	let j = n;
	for (let len = 1; len <= maxLen; len++) {
		for (let k = perLength[len]; k > 0; k--) lengths[used[--j]] = len;
	}
	return lengths;
}

class BitWriter {
	buf: Uint8Array;
	pos = 0;
	private bitBuf = 0;
	private bitCount = 0;

	constructor(capacity: number) {
		this.buf = new Uint8Array(capacity);
	}

	ensure(bytes: number): void {
		if (this.pos + bytes <= this.buf.length) return;
		const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
		grown.set(this.buf.subarray(0, this.pos));
		this.buf = grown;
	}

	/** Writes up to 16 bits, LSB first. */
	bits(value: number, count: number): void {
		this.bitBuf |= value << this.bitCount;
		this.bitCount += count;
		while (this.bitCount >= 8) {
			this.buf[this.pos++] = this.bitBuf & 0xff;
			this.bitBuf >>>= 8;
			this.bitCount -= 8;
		}
	}

	alignToByte(): void {
		if (this.bitCount > 0) this.bits(0, 8 - this.bitCount);
	}

	bytes(data: Uint8Array): void {
		this.buf.set(data, this.pos);
		this.pos += data.length;
	}
}

/** A dynamic block's header: the code lengths, run-length coded with symbols 16/17/18. */
function encodeCodeLengths(lengths: Uint8Array): { symbols: number[]; extras: number[] } {
	const symbols: number[] = [];
	const extras: number[] = [];
	let i = 0;
	while (i < lengths.length) {
		const value = lengths[i];
		let run = 1;
		while (i + run < lengths.length && lengths[i + run] === value) run++;
		if (value === 0 && run >= 3) {
			const take = Math.min(run, 138);
			if (take >= 11) {
				symbols.push(18);
				extras.push(take - 11);
			} else {
				symbols.push(17);
				extras.push(take - 3);
			}
			i += take;
		} else if (value !== 0 && run >= 4) {
			symbols.push(value);
			extras.push(0);
			const take = Math.min(run - 1, 6);
			symbols.push(16);
			extras.push(take - 3);
			i += 1 + take;
		} else {
			symbols.push(value);
			extras.push(0);
			i++;
		}
	}
	return { symbols, extras };
}

const CODE_LENGTH_EXTRA_BITS: Record<number, number> = { 16: 2, 17: 3, 18: 7 };

/**
 * Writes one block of LZ77 symbols: a dynamic Huffman block, or stored blocks when those are
 * smaller (incompressible data).
 */
function writeBlock(
	writer: BitWriter,
	src: Uint8Array,
	start: number,
	end: number,
	values: Uint16Array,
	dists: Uint16Array,
	count: number,
	final: boolean,
): void {
	const litFreq = new Uint32Array(286);
	const distFreq = new Uint32Array(30);
	for (let i = 0; i < count; i++) {
		if (dists[i] === 0) litFreq[values[i]]++;
		else {
			litFreq[LENGTH_SYMBOL[values[i]]]++;
			distFreq[DIST_SYMBOL[dists[i]]]++;
		}
	}
	litFreq[256] = 1;
	const litLengths = huffmanLengths(litFreq, 15);
	const distLengths = huffmanLengths(distFreq, 15);
	let hlit = 286;
	while (hlit > 257 && litLengths[hlit - 1] === 0) hlit--;
	let hdist = 30;
	while (hdist > 1 && distLengths[hdist - 1] === 0) hdist--;
	const allLengths = new Uint8Array(hlit + hdist);
	allLengths.set(litLengths.subarray(0, hlit));
	allLengths.set(distLengths.subarray(0, hdist), hlit);
	const header = encodeCodeLengths(allLengths);
	const clFreq = new Uint32Array(19);
	for (const symbol of header.symbols) clFreq[symbol]++;
	const clLengths = huffmanLengths(clFreq, 7);
	let hclen = 19;
	while (hclen > 4 && clLengths[CODE_LENGTH_ORDER[hclen - 1]] === 0) hclen--;

	let dynamicBits = 3 + 14 + hclen * 3;
	for (const symbol of header.symbols) dynamicBits += clLengths[symbol] + (CODE_LENGTH_EXTRA_BITS[symbol] ?? 0);
	for (let s = 0; s < 286; s++) {
		dynamicBits += litFreq[s] * (litLengths[s] + (s > 256 ? LENGTH_EXTRA[s - 257] : 0));
	}
	for (let s = 0; s < 30; s++) dynamicBits += distFreq[s] * (distLengths[s] + DIST_EXTRA[s]);
	const storedBytes = end - start + 5 * Math.max(1, Math.ceil((end - start) / 65535)) + 1;

	if (storedBytes * 8 <= dynamicBits) {
		writer.ensure(storedBytes + 8);
		let pos = start;
		do {
			const len = Math.min(65535, end - pos);
			writer.bits(final && pos + len === end ? 1 : 0, 1);
			writer.bits(0, 2);
			writer.alignToByte();
			writer.bits(len & 0xff, 8);
			writer.bits(len >>> 8, 8);
			writer.bits(~len & 0xff, 8);
			writer.bits((~len >>> 8) & 0xff, 8);
			writer.bytes(src.subarray(pos, pos + len));
			pos += len;
		} while (pos < end);
		return;
	}

	writer.ensure((dynamicBits >> 3) + 8);
	writer.bits(final ? 1 : 0, 1);
	writer.bits(2, 2);
	writer.bits(hlit - 257, 5);
	writer.bits(hdist - 1, 5);
	writer.bits(hclen - 4, 4);
	for (let i = 0; i < hclen; i++) writer.bits(clLengths[CODE_LENGTH_ORDER[i]], 3);
	const clCodes = canonicalCodes(clLengths);
	for (let i = 0; i < header.symbols.length; i++) {
		const symbol = header.symbols[i];
		writer.bits(clCodes[symbol], clLengths[symbol]);
		const extra = CODE_LENGTH_EXTRA_BITS[symbol];
		if (extra) writer.bits(header.extras[i], extra);
	}
	const litCodes = canonicalCodes(litLengths);
	const distCodes = canonicalCodes(distLengths);
	for (let i = 0; i < count; i++) {
		const distance = dists[i];
		const value = values[i];
		if (distance === 0) {
			writer.bits(litCodes[value], litLengths[value]);
			continue;
		}
		const lengthSymbol = LENGTH_SYMBOL[value];
		writer.bits(litCodes[lengthSymbol], litLengths[lengthSymbol]);
		const lengthExtra = LENGTH_EXTRA[lengthSymbol - 257];
		if (lengthExtra) writer.bits(value - LENGTH_BASE[lengthSymbol - 257], lengthExtra);
		const distSymbol = DIST_SYMBOL[distance];
		writer.bits(distCodes[distSymbol], distLengths[distSymbol]);
		const distExtra = DIST_EXTRA[distSymbol];
		if (distExtra) writer.bits(distance - DIST_BASE[distSymbol], distExtra);
	}
	writer.bits(litCodes[256], litLengths[256]);
}

/** Compresses bytes into a zlib stream (greedy LZ77 with short hash chains + dynamic Huffman blocks). */
export function deflateZlib(src: Uint8Array): Buffer {
	const n = src.length;
	const writer = new BitWriter(Math.max(64, (n >> 1) + 1024));
	writer.bits(0x78, 8);
	writer.bits(0x9c, 8);

	const head = new Int32Array(1 << HASH_BITS).fill(-1);
	const prev = new Int32Array(WINDOW_SIZE);
	const values = new Uint16Array(BLOCK_SYMBOLS);
	const dists = new Uint16Array(BLOCK_SYMBOLS);
	let count = 0;
	let blockStart = 0;
	const hashAt = (p: number): number =>
		Math.imul((src[p] << 16) | (src[p + 1] << 8) | src[p + 2], 0x9e3779b1) >>> (32 - HASH_BITS);

	let i = 0;
	while (i < n) {
		let bestLen = 0;
		let bestDist = 0;
		if (i + MIN_MATCH <= n) {
			const h = hashAt(i);
			let candidate = head[h];
			prev[i & WINDOW_MASK] = candidate;
			head[h] = i;
			const maxLen = Math.min(MAX_MATCH, n - i);
			const limit = i - WINDOW_SIZE;
			for (let chain = MAX_CHAIN; chain > 0 && candidate > limit && candidate >= 0; chain--) {
				if (src[candidate + bestLen] === src[i + bestLen] && src[candidate] === src[i]) {
					let len = 1;
					while (len < maxLen && src[candidate + len] === src[i + len]) len++;
					if (len > bestLen) {
						bestLen = len;
						bestDist = i - candidate;
						if (len >= GOOD_ENOUGH || len === maxLen) break;
					}
				}
				const older = prev[candidate & WINDOW_MASK];
				if (older >= candidate) break;
				candidate = older;
			}
		}
		if (bestLen >= MIN_MATCH) {
			values[count] = bestLen;
			dists[count] = bestDist;
			if (bestLen <= MAX_INSERT) {
				for (let p = i + 1, end = Math.min(i + bestLen, n - MIN_MATCH + 1); p < end; p++) {
					const h = hashAt(p);
					prev[p & WINDOW_MASK] = head[h];
					head[h] = p;
				}
			}
			i += bestLen;
		} else {
			values[count] = src[i];
			dists[count] = 0;
			i++;
		}
		if (++count === BLOCK_SYMBOLS) {
			writeBlock(writer, src, blockStart, i, values, dists, count, i === n);
			blockStart = i;
			count = 0;
		}
	}
	if (count > 0 || n === 0 || blockStart !== n) {
		writeBlock(writer, src, blockStart, n, values, dists, count, true);
	}
	writer.alignToByte();
	writer.ensure(4);
	const adler = adler32(src);
	writer.bits(adler >>> 24, 8);
	writer.bits((adler >>> 16) & 0xff, 8);
	writer.bits((adler >>> 8) & 0xff, 8);
	writer.bits(adler & 0xff, 8);
	// A copy, so the oversized working buffer can be freed.
	return Buffer.from(writer.buf.subarray(0, writer.pos));
}
