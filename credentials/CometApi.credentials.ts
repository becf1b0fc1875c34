import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { cleanApiKey } from '../nodes/Midjourney/model/apiKey';

export type CometApiAuthStyle = 'bearer' | 'raw' | 'mjApiSecret';

const REJECTED_KEY_MESSAGE =
	'The API key was rejected by the server at the Base URL: check the API key and the Authentication style in the CometAPI credential';

/** The headers that carry the key, for each authentication style. */
export function authHeaders(credentials: ICredentialDataDecryptedObject): Record<string, string> {
	const key = cleanApiKey(credentials.apiKey);
	switch (credentials.authStyle as CometApiAuthStyle | undefined) {
		case 'raw':
			return { Authorization: key };
		case 'mjApiSecret':
			return { 'mj-api-secret': key };
		default:
			return { Authorization: `Bearer ${key}` };
	}
}

export class CometApi implements ICredentialType {
	name = 'cometApi';

	// n8n's verification wants credential display names to end in " API", even when the
	// product's name already does; `name` stays 'cometApi', which saved workflows reference.
	displayName = 'CometAPI API';

	documentationUrl = 'https://api.cometapi.com/doc';

	icon: Icon = { light: 'file:../icons/cometapi.svg', dark: 'file:../icons/cometapi.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your CometAPI key (sk-...), or the secret of your midjourney-proxy server',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.cometapi.com',
			description:
				'Change it only for a self-hosted midjourney-proxy server; no trailing slash needed',
		},
		{
			displayName: 'Authentication Style',
			name: 'authStyle',
			type: 'options',
			default: 'bearer',
			description: 'How the key is sent: CometAPI takes a Bearer token; proxies differ',
			options: [
				{
					name: 'Bearer Token (CometAPI)',
					value: 'bearer',
					description: 'Authorization: Bearer &lt;key&gt;',
				},
				{
					name: 'Raw Authorization Header',
					value: 'raw',
					description: 'Authorization: &lt;key&gt;',
				},
				{
					name: 'Mj-API-Secret Header (Midjourney-Proxy)',
					value: 'mjApiSecret',
					description: 'mj-api-secret: &lt;key&gt;',
				},
			],
		},
	];

	// The header depends on authStyle, which the declarative form cannot express without
	// sending an empty Authorization header in the other styles.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, ...authHeaders(credentials) },
		};
	}

	// Listing no task ids costs nothing and works on CometAPI and on midjourney-proxy servers.
	// No responseSuccessBody rule: n8n applies it to the first response item, and the
	// answer here is an empty array, which has none.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl || "https://api.cometapi.com").trim().replace(/\\/+$/, "") }}',
			url: '/mj/task/list-by-condition',
			method: 'POST',
			body: { ids: [] },
			json: true,
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: REJECTED_KEY_MESSAGE } },
			{ type: 'responseCode', properties: { value: 403, message: REJECTED_KEY_MESSAGE } },
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Midjourney task API at this Base URL: use the server root, e.g. https://api.cometapi.com (without /v1 or /mj)',
				},
			},
		],
	};
}
