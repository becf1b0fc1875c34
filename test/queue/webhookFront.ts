/*
 * The one address in front of n8n's webhook processes, as n8n's scale-out docs set it up (a load
 * balancer that spreads /webhook* calls over `n8n webhook` processes): a small loopback proxy that
 * hands each request to the next target in turn. The cluster's WEBHOOK_URL names it, so the
 * resume URLs the workers build lead here. Its targets are switched per scenario: the main alone
 * (the other scenarios, as before) or the webhook processes.
 *
 * Beside it, the "publish" endpoint the workflows' last node posts to: it counts the posts per
 * execution, the side effect (a CMS post, a social publish) that must happen once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { request } from 'undici';

import { freePort } from '../e2e/start';

export interface WebhookFront {
	/** http://127.0.0.1:<port> */
	url: string;
	/** where requests go, in turn */
	setTargets(bases: string[]): void;
	/** requests forwarded, per target */
	forwarded: Map<string, number>;
	/** POST /publish?execution=<id>: posts counted per execution id */
	publishUrl: string;
	publishes(executionId: string): number;
	close(): Promise<void>;
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startWebhookFront(): Promise<WebhookFront> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let targets: string[] = [];
	let next = 0;
	const forwarded = new Map<string, number>();
	const published = new Map<string, number>();

	const forward = async (req: IncomingMessage, res: ServerResponse) => {
		const body = await readBody(req);
		const path = req.url ?? '/';
		if (req.method === 'POST' && path.startsWith('/publish')) {
			const execution = new URL(path, url).searchParams.get('execution') ?? '';
			published.set(execution, (published.get(execution) ?? 0) + 1);
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"published":true}');
			return;
		}
		if (targets.length === 0) {
			res.writeHead(503).end('no target');
			return;
		}
		const target = targets[next++ % targets.length];
		forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
		const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_HEADERS.has(name))) as Record<string, string>;
		try {
			const answer = await request(`${target}${path}`, {
				method: req.method as 'POST',
				headers,
				body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : body,
			});
			const answerBody = Buffer.from(await answer.body.arrayBuffer());
			const copied = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_HEADERS.has(name)));
			res.writeHead(answer.statusCode, copied).end(answerBody);
		} catch {
			// The target is down (a restarting process): as a load balancer with no healthy backend.
			res.writeHead(502).end('bad gateway');
		}
	};
	const server: Server = createServer((req, res) => void forward(req, res).catch(() => res.destroy()));
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url,
		setTargets(bases) {
			targets = [...bases];
			next = 0;
		},
		forwarded,
		publishUrl: `${url}/publish`,
		publishes: (executionId) => published.get(executionId) ?? 0,
		async close() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
