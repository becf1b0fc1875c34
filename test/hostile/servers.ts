/**
 * Hostile stand-ins for the transport tests: servers that misbehave in the
 * ways a real network or a compromised host can. All on loopback: 127.0.0.1
 * plays the API host, 127.0.0.2 "another host" (a different origin that the
 * key must never reach).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { request } from 'undici';

import { rgbaPng } from '../emulator/pngWriter';

export interface ReceivedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface HostileServer {
	/** http://HOST:PORT */
	url: string;
	/** every request received, headers and body as they arrived */
	received: ReceivedRequest[];
	close(): Promise<void>;
}

type Handler = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A server on `host` that records every request, then lets `handle` answer it. */
export async function startServer(host: string, handle: Handler): Promise<HostileServer> {
	const received: ReceivedRequest[] = [];
	const sockets = new Set<Socket>();
	const server: Server = createServer((req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const entry = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
			received.push(entry);
			void Promise.resolve(handle(entry, res)).catch(() => res.destroy());
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${host}:${port}`,
		received,
		async close() {
			// Drip and silent servers hold connections open: end them, or close() never returns.
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A small PNG, what an image host answers. */
export const PNG_BYTES = rgbaPng({ width: 4, height: 4, data: Buffer.alloc(64, 200) });

/**
 * The "thief" on another host: records every header and body it is sent and
 * answers like an API would (a task id for a POST, a PNG for a GET), so that
 * whatever follows a redirect there would look successful.
 */
export async function startThief(host = '127.0.0.2'): Promise<HostileServer> {
	return await startServer(host, (req, res) => {
		if (req.method === 'POST') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 1, description: 'stolen', result: '6666666666666666' }));
			return;
		}
		res.writeHead(200, { 'content-type': 'image/png' });
		res.end(PNG_BYTES);
	});
}

/** True when `text` (headers and body of a request) carries `key` in any form. */
export function carriesKey(req: ReceivedRequest, key: string): boolean {
	return JSON.stringify(req.headers).includes(key) || req.body.includes(key);
}

/** Forwards a request to `target` (the emulator) and copies its answer back. */
export async function forward(target: string, req: ReceivedRequest, res: ServerResponse): Promise<void> {
	const headers = Object.fromEntries(
		Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)),
	) as Record<string, string>;
	const answer = await request(`${target}${req.url}`, {
		method: req.method as 'GET' | 'POST',
		headers,
		body: req.method === 'GET' ? undefined : req.body,
	});
	const body = Buffer.from(await answer.body.arrayBuffer());
	const copied = Object.fromEntries(
		Object.entries(answer.headers).filter(([name]) => !['connection', 'transfer-encoding', 'content-length'].includes(name)),
	);
	res.writeHead(answer.statusCode, copied);
	res.end(body);
}

/** Which requests a redirector sends elsewhere. */
export type RequestMatcher = (req: ReceivedRequest) => boolean;

export const isSubmit: RequestMatcher = (req) => req.url.includes('/mj/submit/');
export const isPoll: RequestMatcher = (req) => req.url.includes('/mj/task/');
export const isImage: RequestMatcher = (req) => req.url.startsWith('/images/');

/**
 * The API host (127.0.0.1) in front of the emulator: forwards everything,
 * except that requests `redirected` picks get `status` with a Location on
 * `elsewhere` (the thief), keeping the path.
 */
export async function startRedirector(
	target: string,
	elsewhere: string,
	status: 301 | 302 | 303 | 307 | 308,
	redirected: RequestMatcher,
): Promise<HostileServer> {
	return await startServer('127.0.0.1', async (req, res) => {
		if (!redirected(req)) return await forward(target, req, res);
		res.writeHead(status, { location: `${elsewhere}${req.url}` });
		res.end();
	});
}

/**
 * In front of the emulator, answers what `stall` picks like a dying server:
 * headers at once, then one byte every `intervalMs`, never ending. An idle
 * timeout never fires on it.
 */
export async function startDripper(target: string, stall: RequestMatcher, intervalMs = 500): Promise<HostileServer> {
	return await startServer('127.0.0.1', async (req, res) => {
		if (!stall(req)) return await forward(target, req, res);
		res.writeHead(200, { 'content-type': 'application/json' });
		res.write('[');
		const drip = setInterval(() => res.write(' '), intervalMs);
		res.on('close', () => clearInterval(drip));
	});
}

/** Accepts connections and reads requests, never answers. */
export async function startSilent(): Promise<HostileServer> {
	return await startServer('127.0.0.1', () => {});
}

/** A server that answers every request with a fixed raw body (text, so JSON numbers stay as sent). */
export async function startRawAnswers(answer: (req: ReceivedRequest) => { status?: number; body: string; type?: string }): Promise<HostileServer> {
	return await startServer('127.0.0.1', (req, res) => {
		const { status = 200, body, type = 'application/json' } = answer(req);
		res.writeHead(status, { 'content-type': type });
		res.end(body);
	});
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
