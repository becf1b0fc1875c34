/**
 * A hostile stand-in for CometAPI: it accepts any key and echoes the header
 * that carried it (Authorization or mj-api-secret) back in every form and in
 * every text field it answers with (submit envelopes, tasks: description,
 * failReason, prompt, state, properties, button labels, property names…).
 * Knobs shape the task it serves (status spelling, buttons), and it records
 * every request. Loopback only.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { rgbaPng } from '../emulator/pngWriter';

export interface KeyEchoOptions {
	/** the status every fetch answers with (default SUCCESS) */
	status: string;
	/** the task's `buttons` as served; default: a grid's U1..U4 with the key in the labels */
	buttons?: unknown;
	/** whether task texts echo the key (default true) */
	echo: boolean;
}

export interface KeyEchoRequest {
	method: string;
	path: string;
	body: string;
	/** the header value that carried the key */
	credential: string;
}

export interface KeyEcho {
	url: string;
	requests: KeyEchoRequest[];
	options: KeyEchoOptions;
	close(): Promise<void>;
}

/** The header value that carried the key, whatever the authentication style. */
function credentialOf(headers: IncomingHttpHeaders): string {
	const value = headers.authorization ?? headers['mj-api-secret'] ?? '';
	return Array.isArray(value) ? value.join(',') : value;
}

/** Every form of the header value (and the key inside it) a careless server could show. */
export function echoForms(credential: string): string[] {
	const key = credential.replace(/^bearer\s+/i, '');
	const base64 = (text: string) => Buffer.from(text).toString('base64');
	const base64Url = (text: string) => Buffer.from(text).toString('base64url');
	return [
		credential,
		key,
		`Bearer ${key}`,
		base64(credential),
		base64(key),
		base64(`Bearer ${key}`),
		base64Url(key),
		base64Url(`Bearer ${key}`),
		encodeURIComponent(credential),
		encodeURIComponent(`Bearer ${key}`).replace(/%20/g, '+'),
		JSON.stringify({ authorization: credential }),
		// The key inside a longer base64 text, at each byte alignment.
		base64(`{"headers":{"authorization":"${credential}"}}`),
		base64(`x${key}`),
		base64(`xy${key}`),
	];
}

const TASK_ID = '1730000000000001';

function echoText(credential: string): string {
	return `upstream saw ${echoForms(credential).join(' | ')}`;
}

function gridButtons(key: string): unknown[] {
	return [1, 2, 3, 4].map((index) => ({
		customId: `MJ::JOB::upsample::${index}::${index}abc`,
		label: `U${index}`,
		type: 2,
		style: 2,
	})).concat([{ customId: `MJ::JOB::custom::${key}`, label: `Bearer ${key}`, type: 2, style: 2 }]);
}

function task(id: string, options: KeyEchoOptions, credential: string, url: string): Record<string, unknown> {
	const key = credential.replace(/^bearer\s+/i, '');
	const text = options.echo ? echoText(credential) : 'ok';
	return {
		id,
		action: 'IMAGINE',
		status: options.status,
		progress: '100%',
		prompt: options.echo ? `a cat, key ${key}` : 'a cat',
		promptEn: text,
		description: text,
		state: text,
		failReason: options.status.toUpperCase().startsWith('FAIL') ? text : '',
		imageUrl: `${url}/image.png`,
		submitTime: 1730000000000,
		finishTime: 1730000001000,
		properties: options.echo ? { finalPrompt: text, [key]: credential, nested: { deep: [text, { [`k ${key}`]: key }] } } : {},
		buttons: options.buttons === undefined ? gridButtons(options.echo ? key : 'plain') : options.buttons,
	};
}

export async function startKeyEcho(initial: Partial<KeyEchoOptions> = {}): Promise<KeyEcho> {
	const options: KeyEchoOptions = { status: 'SUCCESS', echo: true, ...initial };
	const requests: KeyEchoRequest[] = [];
	const png = rgbaPng({ width: 4, height: 4, data: Buffer.alloc(64, 200) });
	let url = '';
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const credential = credentialOf(req.headers);
			const path = (req.url ?? '/').replace(/^\/mj-(fast|turbo|relax)/, '');
			const body = Buffer.concat(chunks).toString('utf8');
			requests.push({ method: req.method ?? 'GET', path, body, credential });
			const json = (status: number, value: unknown) => {
				const bytes = Buffer.from(JSON.stringify(value));
				res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
				res.end(bytes);
			};
			if (path === '/image.png') {
				res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
				res.end(png);
			} else if (path.startsWith('/mj/submit/')) {
				json(200, {
					code: 1,
					description: options.echo ? echoText(credential) : 'Submit success',
					result: TASK_ID,
					properties: options.echo ? { echoed: echoText(credential) } : {},
				});
			} else if (path === '/mj/task/list-by-condition') {
				const ids = (JSON.parse(body || '{}') as { ids?: string[] }).ids ?? [];
				json(200, ids.map((id) => task(id, options, credential, url)));
			} else {
				const fetched = /^\/mj\/task\/([^/]+)\/fetch$/.exec(path);
				if (fetched) json(200, task(decodeURIComponent(fetched[1]), options, credential, url));
				else json(404, { code: 3, description: `no route ${path} for ${echoText(credential)}` });
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		requests,
		options,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
