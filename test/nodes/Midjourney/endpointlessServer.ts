import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A server that knows none of the newer endpoints (an old midjourney-proxy):
 * every request gets a plain 404 page, as a router without the route answers.
 */
export function useEndpointlessServer() {
	const handle = { url: '', paths: [] as string[] };
	let server: Server;
	beforeAll(async () => {
		server = createServer((request, response) => {
			handle.paths.push(`${request.method} ${request.url}`);
			request.resume();
			response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		handle.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterEach(() => {
		handle.paths.length = 0;
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
	});
	return handle;
}
