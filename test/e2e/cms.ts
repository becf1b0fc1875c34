/*
 * A stand-in for a CMS media endpoint, used by the example workflows:
 *   POST /upload        multipart/form-data (first file part) or a raw body; the
 *                       file must be a real PNG (signature + IHDR) or an mp4 (an ISO
 *                       media file: its first box is `ftyp`), else HTTP 415
 *   GET  /product.png   a small "product photo" for the Describe example
 *   GET  /media/<id>    an uploaded file, served back
 *   GET  /              a page listing the uploads (for `npm start`)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { QUARTER_COLOURS } from '../emulator';
import { renderFlat } from '../emulator/images';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
	width: number;
	height: number;
}

/** Width and height when `bytes` starts like a PNG (signature, then an IHDR chunk), else undefined. */
export function pngInfo(bytes: Buffer): PngInfo | undefined {
	if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
	if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
	const width = bytes.readUInt32BE(16);
	const height = bytes.readUInt32BE(20);
	return width > 0 && height > 0 ? { width, height } : undefined;
}

/** An mp4 (ISO base media file): its first box is `ftyp` and names the brand, e.g. isom. */
export interface Mp4Info {
	brand: string;
}

export function mp4Info(bytes: Buffer): Mp4Info | undefined {
	if (bytes.length < 12 || bytes.toString('latin1', 4, 8) !== 'ftyp') return undefined;
	const size = bytes.readUInt32BE(0);
	return size >= 16 && size <= bytes.length ? { brand: bytes.toString('latin1', 8, 12) } : undefined;
}

export interface CmsUpload {
	id: number;
	/** 'multipart' or 'raw' */
	via: 'multipart' | 'raw';
	fileName: string;
	contentType: string;
	bytes: number;
	/** Set for a PNG upload; `mp4` for a video. */
	png?: PngInfo;
	mp4?: Mp4Info;
	/** Plain (non-file) multipart fields, e.g. alt text. */
	fields: Record<string, string>;
	body: Buffer;
}

export interface CmsRejection {
	reason: string;
	contentType: string;
	bytes: number;
}

export interface Cms {
	/** http://127.0.0.1:PORT */
	url: string;
	uploadUrl: string;
	productImageUrl: string;
	uploads: CmsUpload[];
	rejections: CmsRejection[];
	close(): Promise<void>;
}

interface FilePart {
	name: string;
	fileName?: string;
	contentType: string;
	body: Buffer;
}

/** Splits a multipart/form-data body into its parts (enough for n8n's HTTP Request node). */
export function parseMultipart(body: Buffer, contentType: string): FilePart[] {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!boundary) return [];
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	const parts: FilePart[] = [];
	let start = body.indexOf(delimiter);
	while (start !== -1) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		// Each part: CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
		const part = body.subarray(start + delimiter.length + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
			parts.push({
				name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
				fileName: /filename="([^"]*)"/i.exec(disposition)?.[1],
				contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? 'text/plain',
				body: part.subarray(headerEnd + 4),
			});
		}
		start = next;
	}
	return parts;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req: IncomingMessage, limit = 50 * 1024 * 1024): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) throw new Error('body too large');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

/** Starts the CMS stub on 127.0.0.1 (a free port unless `port` is given). */
function describeMedia(upload: CmsUpload): string {
	return upload.png ? `${upload.png.width}x${upload.png.height}` : `mp4 (${upload.mp4?.brand ?? '?'})`;
}

export async function startCms(options: { port?: number; log?: (line: string) => void } = {}): Promise<Cms> {
	const uploads: CmsUpload[] = [];
	const rejections: CmsRejection[] = [];
	const productPng = renderFlat(96, 128, QUARTER_COLOURS[1]);
	let url = '';

	const handleUpload = async (req: IncomingMessage, res: ServerResponse) => {
		const contentType = req.headers['content-type'] ?? '';
		const body = await readBody(req);
		let file: FilePart | undefined;
		const fields: Record<string, string> = {};
		let via: CmsUpload['via'] = 'raw';
		if (/^multipart\/form-data/i.test(contentType)) {
			via = 'multipart';
			for (const part of parseMultipart(body, contentType)) {
				if (part.fileName !== undefined && !file) file = part;
				else if (part.fileName === undefined) fields[part.name] = part.body.toString('utf8');
			}
		} else {
			const name = req.headers['x-filename'];
			file = {
				name: 'file',
				fileName: typeof name === 'string' ? name : undefined,
				contentType,
				body,
			};
		}
		const png = file ? pngInfo(file.body) : undefined;
		const mp4 = file && !png ? mp4Info(file.body) : undefined;
		if (!file || (!png && !mp4)) {
			const reason = file ? 'the uploaded file is neither a PNG nor an mp4' : 'no file part in the multipart body';
			rejections.push({ reason, contentType, bytes: body.length });
			options.log?.(`CMS rejected an upload: ${reason}`);
			sendJson(res, 415, { ok: false, error: reason });
			return;
		}
		const upload: CmsUpload = {
			id: uploads.length + 1,
			via,
			fileName: file.fileName || `upload-${uploads.length + 1}.${png ? 'png' : 'mp4'}`,
			contentType: file.contentType,
			bytes: file.body.length,
			png,
			mp4,
			fields,
			body: file.body,
		};
		uploads.push(upload);
		options.log?.(`CMS stored ${upload.fileName} (${describeMedia(upload)}, ${upload.bytes} bytes)`);
		sendJson(res, 201, {
			ok: true,
			id: upload.id,
			url: `${url}/media/${upload.id}`,
			fileName: upload.fileName,
			bytes: upload.bytes,
			...(png ? { width: png.width, height: png.height } : { video: 'mp4', brand: mp4?.brand }),
			fields,
		});
	};

	const server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (req.method === 'POST' && path === '/upload') {
			handleUpload(req, res).catch((error: Error) => sendJson(res, 400, { ok: false, error: error.message }));
			return;
		}
		if (req.method === 'GET' && path === '/product.png') {
			res.writeHead(200, { 'content-type': 'image/png', 'content-length': productPng.length });
			res.end(productPng);
			return;
		}
		if (req.method === 'GET' && path === '/') {
			const rows = uploads
				.map((u) => {
					const media = u.png ? `<img src="/media/${u.id}" width="256">` : `<video src="/media/${u.id}" width="256" controls loop></video>`;
					return `<li><a href="/media/${u.id}">${escapeHtml(u.fileName)}</a> ${describeMedia(u)}, ${u.bytes} bytes ${escapeHtml(JSON.stringify(u.fields))}<br>${media}</li>`;
				})
				.join('');
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			res.end(`<!doctype html><title>CMS stub</title><h1>CMS stub: ${uploads.length} upload(s)</h1><ul>${rows}</ul>`);
			return;
		}
		const media = /^\/media\/(\d+)$/.exec(path);
		const stored = media ? uploads[Number(media[1]) - 1] : undefined;
		if (req.method === 'GET' && stored) {
			res.writeHead(200, { 'content-type': stored.png ? 'image/png' : 'video/mp4', 'content-length': stored.body.length });
			res.end(stored.body);
			return;
		}
		sendJson(res, 404, { ok: false, error: `no route for ${req.method} ${path}` });
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		uploadUrl: `${url}/upload`,
		productImageUrl: `${url}/product.png`,
		uploads,
		rejections,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
