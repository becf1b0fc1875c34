import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { cleanApiKey } from '../nodes/Midjourney/model/apiKey';

export type CometApiAuthStyle = 'bearer' | 'raw' | 'mjApiSecret';

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
			displayName:
				'Get an API key in your <a href="https://www.cometapi.com" target="_blank">CometAPI dashboard</a> (sign in, then API Keys). For a self-hosted midjourney-proxy server, enter its secret and its URL.',
			name: 'keyNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your CometAPI key (sk-…), or the mj-api-secret of your midjourney-proxy server',
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
			displayName: 'Authentication',
			name: 'authStyle',
			type: 'options',
			default: 'bearer',
			description:
				'How the key is sent: CometAPI takes a Bearer token; midjourney-proxy servers usually the mj-api-secret header',
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

	// No `test` here: the nodes test it (testedBy, nodes/Midjourney/transport/connectionTest.ts),
	// because n8n shows a node test's own message in the dialog and a declarative test's
	// rules give way to its generic "Authorization failed" text.
}
