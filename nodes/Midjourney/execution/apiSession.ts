import { createRedactor, type Redactor } from '../model/redaction';
import { normaliseBaseUrl } from '../transport/baseUrl';
import { MidjourneyClient, type RequestSender } from '../transport/client';
import {
	CREDENTIAL_TYPE,
	cancelSignalOf,
	createN8nSender,
	type RequestContext,
} from '../transport/n8nHttp';
import { sleepUnlessCancelled } from '../waiting/cancellableSleep';

/** The credential's API, ready to use: for a run of the node and for a server's callback alike. */
export interface ApiSession {
	baseUrl: string;
	/** hides every form of the key in all the node shows */
	redactor: Redactor;
	client: MidjourneyClient;
	sleep: (ms: number) => Promise<void>;
}

export async function openApiSession(ctx: RequestContext): Promise<ApiSession> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	const secret = String(credentials.apiKey ?? '');
	const redactor = createRedactor(secret);
	const signal = cancelSignalOf(ctx);
	const sleep = async (ms: number) => await sleepUnlessCancelled(ms, signal);
	const send = createN8nSender(ctx, baseUrl);
	// Answers are redacted before anything reads them, so no task, error or button made from one holds the key.
	const sender: RequestSender = async (request) => {
		const response = await send(request);
		return { ...response, body: redactor.json(response.body) };
	};
	return {
		baseUrl,
		redactor,
		client: new MidjourneyClient(sender, { sleep, secret, baseUrl }),
		sleep,
	};
}
