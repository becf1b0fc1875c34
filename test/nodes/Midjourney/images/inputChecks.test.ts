import { detectImageType, parseDataUri, toDataUri } from '../../../../nodes/Midjourney/images/format';
import {
	MAX_IMAGE_BYTES,
	MAX_TOTAL_BASE64_BYTES,
	checkImageSize,
	checkTotalSize,
	imageBytesToDataUri,
	splitImageList,
	splitPropertyNames,
	toImageReference,
} from '../../../../nodes/Midjourney/images/inputChecks';
import { rgbaPng } from '../../../emulator/pngWriter';
import { MidjourneyError } from '../../../../nodes/Midjourney/model/errors';

const MB = 1024 * 1024;

/** The MidjourneyError `run` throws (fails the test when it throws nothing or something else). */
function caught(run: () => unknown): MidjourneyError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(MidjourneyError);
		return error as MidjourneyError;
	}
	throw new Error('expected a MidjourneyError, nothing was thrown');
}

const PNG = rgbaPng({ width: 2, height: 2, data: Buffer.alloc(16, 200) });
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(8)]);
const GIF89 = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0])]);
const GIF87 = Buffer.concat([Buffer.from('GIF87a'), Buffer.from([1, 0, 1, 0, 0, 0, 0])]);

describe('splitImageList', () => {
	it('splits text by lines, trimming and dropping blank lines', () => {
		expect(splitImageList('  https://a.example/1.png \n\n https://a.example/2.jpg\r\nhttps://a.example/3.webp\r\n')).toEqual([
			'https://a.example/1.png',
			'https://a.example/2.jpg',
			'https://a.example/3.webp',
		]);
	});

	it('splits at commas only where a URL or data URI follows', () => {
		expect(splitImageList('https://a.example/1.png, https://a.example/2.png,HTTP://a.example/3.png')).toEqual([
			'https://a.example/1.png',
			'https://a.example/2.png',
			'HTTP://a.example/3.png',
		]);
		// A data URI's own comma and a comma inside a URL do not split.
		expect(splitImageList('data:image/png;base64,iVBORw0KGgo=')).toEqual(['data:image/png;base64,iVBORw0KGgo=']);
		expect(splitImageList('https://a.example/img?size=1,2')).toEqual(['https://a.example/img?size=1,2']);
		expect(splitImageList('data:image/png;base64,AAAA, data:image/gif;base64,BBBB,https://a.example/x.png')).toEqual([
			'data:image/png;base64,AAAA',
			'data:image/gif;base64,BBBB',
			'https://a.example/x.png',
		]);
	});

	it('takes an array (from an expression), splitting each entry and dropping empty ones', () => {
		expect(
			splitImageList(['https://a.example/1.png', '', null, ' https://a.example/2.png\nhttps://a.example/3.png ', undefined]),
		).toEqual(['https://a.example/1.png', 'https://a.example/2.png', 'https://a.example/3.png']);
	});

	it('gives nothing for empty input', () => {
		expect(splitImageList('')).toEqual([]);
		expect(splitImageList('  \n \r\n ')).toEqual([]);
		expect(splitImageList(undefined)).toEqual([]);
		expect(splitImageList(null)).toEqual([]);
		expect(splitImageList([])).toEqual([]);
	});
});

describe('toImageReference', () => {
	it('tells data URIs from URLs', () => {
		expect(toImageReference('data:image/png;base64,AAAA', 'Image 1')).toEqual({
			kind: 'dataUri',
			value: 'data:image/png;base64,AAAA',
		});
		expect(toImageReference('DATA:image/png;base64,AAAA', 'Image 1').kind).toBe('dataUri');
		expect(toImageReference('https://a.example/1.png', 'Image 1')).toEqual({ kind: 'url', url: 'https://a.example/1.png' });
		expect(toImageReference('http://a.example/1.png', 'Image 1')).toEqual({ kind: 'url', url: 'http://a.example/1.png' });
		expect(toImageReference('HTTPS://A.EXAMPLE/1.PNG', 'Image 1').kind).toBe('url');
	});

	it('refuses anything else as an input error naming the label and the start of the entry', () => {
		for (const entry of ['ftp://a.example/1.png', 'www.example.com/1.png', '/tmp/1.png', 'https:/a.example', 'iVBORw0KGgo=']) {
			const error = caught(() => toImageReference(entry, 'Reference image 2'));
			expect(error.kind).toBe('input');
			expect(error.message).toBe(`Reference image 2 is not an image URL or data URI: "${entry}"`);
			expect(error.details.description).toMatch(/data URI/);
		}
		const long = `file:${'x'.repeat(200)}`;
		expect(caught(() => toImageReference(long, 'Image')).message).toBe(
			`Image is not an image URL or data URI: "${long.slice(0, 60)}"`,
		);
	});
});

describe('splitPropertyNames', () => {
	it('splits by commas, trimming and dropping empty names', () => {
		expect(splitPropertyNames(' data , data2,,  photo ', ['other'])).toEqual(['data', 'data2', 'photo']);
		expect(splitPropertyNames('', ['data'])).toEqual([]);
		expect(splitPropertyNames(undefined, ['data'])).toEqual([]);
	});

	it('"*" means every binary property of the item', () => {
		expect(splitPropertyNames('*', ['data', 'mask'])).toEqual(['data', 'mask']);
		expect(splitPropertyNames('data, *', ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
		expect(splitPropertyNames(' * ', [])).toEqual([]);
	});
});

describe('checkImageSize', () => {
	it('accepts up to the limit, exactly', () => {
		expect(MAX_IMAGE_BYTES).toBe(10 * MB);
		expect(() => checkImageSize(0, 'Image')).not.toThrow();
		expect(() => checkImageSize(MAX_IMAGE_BYTES, 'Image')).not.toThrow();
	});

	it('refuses one byte more, as an input error', () => {
		const error = caught(() => checkImageSize(MAX_IMAGE_BYTES + 1, 'Image 3'));
		expect(error.kind).toBe('input');
		expect(error.message).toMatch(/^Image 3 is too large \(\d+\.\d\d MB, the limit is 10 MB\)$/);
		expect(error.details.description).toBe('Images may be at most 10 MB. Resize or compress it first.');
	});

	it('gives the size with two decimals', () => {
		expect(caught(() => checkImageSize(10.25 * MB, 'Mask')).message).toBe(
			'Mask is too large (10.25 MB, the limit is 10 MB)',
		);
		expect(caught(() => checkImageSize(10 * MB + 20 * 1024, 'Mask')).message).toBe(
			'Mask is too large (10.02 MB, the limit is 10 MB)',
		);
		expect(caught(() => checkImageSize(12 * MB, 'Mask')).message).toBe('Mask is too large (12.00 MB, the limit is 10 MB)');
	});
});

describe('imageBytesToDataUri', () => {
	it.each<[string, Buffer, string]>([
		['PNG', PNG, 'image/png'],
		['JPEG', JPEG, 'image/jpeg'],
		['WebP', WEBP, 'image/webp'],
		['GIF89a', GIF89, 'image/gif'],
		['GIF87a', GIF87, 'image/gif'],
	])('turns a %s into a data URI of its type and bytes', (_name, bytes, mimeType) => {
		const uri = imageBytesToDataUri(bytes, 'Image');
		expect(uri).toBe(`data:${mimeType};base64,${bytes.toString('base64')}`);
		expect(parseDataUri(uri)).toEqual({ mimeType, data: bytes });
	});

	it('refuses an empty file', () => {
		const error = caught(() => imageBytesToDataUri(Buffer.alloc(0), 'Binary property "data"'));
		expect(error.kind).toBe('input');
		expect(error.message).toBe('Binary property "data" is empty');
	});

	it('refuses a file over the limit, before looking at its type', () => {
		const big = Buffer.alloc(MAX_IMAGE_BYTES + 1);
		PNG.copy(big);
		expect(caught(() => imageBytesToDataUri(big, 'Big')).message).toMatch(/^Big is too large/);
		// A too-large non-image is reported as too large.
		expect(caught(() => imageBytesToDataUri(Buffer.alloc(MAX_IMAGE_BYTES + 1, 0x41), 'Text')).message).toMatch(
			/^Text is too large/,
		);
		// Exactly at the limit passes.
		const atLimit = Buffer.alloc(MAX_IMAGE_BYTES);
		PNG.copy(atLimit);
		expect(imageBytesToDataUri(atLimit, 'Ok').startsWith('data:image/png;base64,')).toBe(true);
	});

	it('refuses what is not a PNG, JPEG, WebP or GIF', () => {
		for (const bytes of [
			Buffer.from('hello, world'),
			Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
			Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
			Buffer.from([0x42, 0x4d, 0, 0, 0, 0]), // BMP
			PNG.subarray(0, 7),
		]) {
			const error = caught(() => imageBytesToDataUri(bytes, 'Upload'));
			expect(error.kind).toBe('input');
			expect(error.message).toBe('Upload is not a PNG, JPEG, WebP or GIF image');
		}
	});
});

describe('checkTotalSize', () => {
	it('accepts a total up to the limit', () => {
		expect(MAX_TOTAL_BASE64_BYTES).toBe(28 * MB);
		expect(() => checkTotalSize([])).not.toThrow();
		const half = 'a'.repeat(MAX_TOTAL_BASE64_BYTES / 2);
		expect(() => checkTotalSize([half, half])).not.toThrow();
	});

	it('refuses one character more, summed over all images', () => {
		const half = 'a'.repeat(MAX_TOTAL_BASE64_BYTES / 2);
		const error = caught(() => checkTotalSize([half, half, 'b']));
		expect(error.kind).toBe('input');
		expect(error.message).toBe('The images are too large together (28.0 MB encoded)');
		expect(error.details.description).toContain('at most 28 MB');
		expect(caught(() => checkTotalSize(['a'.repeat(30 * MB)])).message).toBe(
			'The images are too large together (30.0 MB encoded)',
		);
	});
});

describe('images/format', () => {
	describe('detectImageType', () => {
		it('knows PNG, JPEG, WebP and GIF by their first bytes', () => {
			expect(detectImageType(PNG)).toEqual({ mimeType: 'image/png', extension: 'png' });
			expect(detectImageType(JPEG)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
			expect(detectImageType(WEBP)).toEqual({ mimeType: 'image/webp', extension: 'webp' });
			expect(detectImageType(GIF89)).toEqual({ mimeType: 'image/gif', extension: 'gif' });
			expect(detectImageType(GIF87)).toEqual({ mimeType: 'image/gif', extension: 'gif' });
			expect(detectImageType(new Uint8Array(PNG))).toEqual({ mimeType: 'image/png', extension: 'png' });
		});

		it('needs the whole signature', () => {
			expect(detectImageType(new Uint8Array(0))).toBeUndefined();
			expect(detectImageType(PNG.subarray(0, 7))).toBeUndefined();
			expect(detectImageType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
			expect(detectImageType(Buffer.from([0xff, 0xd8, 0x00]))).toBeUndefined();
			expect(detectImageType(Buffer.from('GIF88a'))).toBeUndefined();
			expect(detectImageType(Buffer.from('GIF8'))).toBeUndefined();
			expect(detectImageType(WEBP.subarray(0, 11))).toBeUndefined();
			expect(detectImageType(Buffer.from('RIFF\x24\x00\x00\x00AVI LIST', 'latin1'))).toBeUndefined();
			const brokenPng = Buffer.from(PNG);
			brokenPng[4] = 0x0a; // a CRLF-mangled PNG
			expect(detectImageType(brokenPng)).toBeUndefined();
		});
	});

	describe('parseDataUri', () => {
		const payload = PNG.toString('base64');

		it('reads a base64 data URI', () => {
			expect(parseDataUri(`data:image/png;base64,${payload}`)).toEqual({ mimeType: 'image/png', data: PNG });
			expect(parseDataUri('data:image/gif;base64,R0lGODlh')).toEqual({
				mimeType: 'image/gif',
				data: Buffer.from('GIF89a'),
			});
		});

		it('lowercases the type, tolerates white space, parameters and no type', () => {
			expect(parseDataUri(`  DATA:IMAGE/PNG;BASE64,${payload}  `)?.mimeType).toBe('image/png');
			const wrapped = payload.replace(/(.{16})/g, '$1\n ');
			expect(parseDataUri(`data:image/png;base64,${wrapped}`)?.data).toEqual(PNG);
			expect(parseDataUri(`data:image/png;name=photo.png;charset=x;base64,${payload}`)?.data).toEqual(PNG);
			expect(parseDataUri(`data:;base64,${payload}`)).toEqual({ mimeType: 'application/octet-stream', data: PNG });
			expect(parseDataUri('data:image/svg+xml;base64,PHN2Zy8+')?.mimeType).toBe('image/svg+xml');
		});

		it('accepts padded and unpadded payloads', () => {
			expect(parseDataUri('data:text/plain;base64,YQ==')?.data.toString()).toBe('a');
			expect(parseDataUri('data:text/plain;base64,YWI=')?.data.toString()).toBe('ab');
			expect(parseDataUri('data:text/plain;base64,YWI')?.data.toString()).toBe('ab');
		});

		it.each([
			['not base64 encoded', 'data:image/png,iVBORw0KGgo'],
			['an empty payload', 'data:image/png;base64,'],
			['only white space as payload', 'data:image/png;base64,  \n '],
			['characters outside base64', 'data:image/png;base64,iVBOR*0KGgo='],
			['URL-safe base64', 'data:image/png;base64,iVBO-_0KGgo='],
			['a length that cannot be base64', 'data:image/png;base64,AAAAA'],
			['too much padding', 'data:image/png;base64,AA==='],
			['padding in the middle', 'data:image/png;base64,AA==AAAA'],
			['no data: scheme', `image/png;base64,${'AAAA'}`],
			['a URL', 'https://a.example/x.png'],
			['a malformed type', 'data:image;base64,AAAA'],
			['a parameter without value', 'data:image/png;charset;base64,AAAA'],
		])('refuses %s', (_what, uri) => {
			expect(parseDataUri(uri)).toBeUndefined();
		});
	});

	describe('toDataUri', () => {
		it('encodes bytes with the given type, and parseDataUri reads them back', () => {
			expect(toDataUri(Buffer.from('ab'), 'text/plain')).toBe('data:text/plain;base64,YWI=');
			expect(toDataUri(new Uint8Array(0), 'image/png')).toBe('data:image/png;base64,');
			const uri = toDataUri(new Uint8Array(JPEG), 'image/jpeg');
			expect(parseDataUri(uri)).toEqual({ mimeType: 'image/jpeg', data: JPEG });
		});
	});
});
