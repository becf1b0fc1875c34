/**
 * Runs workflow JSON through n8n-core's WorkflowExecute, the engine n8n itself
 * runs: real parameter resolution and expressions, real credential
 * authentication (the credential type's `authenticate`), real HTTP helpers,
 * real binary data service, real cancellation. Only the database and the
 * n8n-nodes-base package are replaced (see credentialsHelper.ts, baseNodes.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	CredentialTestContext,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import {
	NodeConnectionTypes,
	Workflow,
	createRunExecutionData,
	type IBinaryData,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type ExecutionError,
	type IConnections,
} from 'n8n-workflow';

import { CometApi } from '../../credentials/CometApi.credentials';
import { Midjourney } from '../../nodes/Midjourney/Midjourney.node';
import { MidjourneyTaskTrigger } from '../../nodes/Midjourney/MidjourneyTaskTrigger.node';
import { registeredOperations } from '../../nodes/Midjourney/operations';
import { BASE_NODE_STAND_INS } from './baseNodes';

export { optionParameters } from './nodeParameters';
import { TestCredentialsHelper } from './credentialsHelper';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

// n8n-core keeps its instance settings (and filesystem binary data) under the user folder:
// a fresh one per test process, with its settings file in place so n8n-core stays quiet.
if (!process.env.N8N_USER_FOLDER) {
	const folder = mkdtempSync(join(tmpdir(), 'n8n-mj-test-'));
	mkdirSync(join(folder, '.n8n'));
	writeFileSync(join(folder, '.n8n', 'config'), JSON.stringify({ encryptionKey: 'test-only-key' }), { mode: 0o600 });
	process.env.N8N_USER_FOLDER = folder;
}

export const PACKAGE_NODE_TYPE = 'n8n-nodes-cometapi-midjourney.midjourney';
export const PACKAGE_TRIGGER_TYPE = 'n8n-nodes-cometapi-midjourney.midjourneyTaskTrigger';
/** The type n8n generates for nodes with `usableAsTool` when an AI agent uses them. */
export const PACKAGE_TOOL_TYPE = `${PACKAGE_NODE_TYPE}Tool`;

const CREDENTIAL_TYPES: Record<string, ICredentialType> = { cometApi: new CometApi() };

class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType>;

	constructor(extra: Record<string, INodeType> = {}) {
		const midjourney = new Midjourney();
		this.types = {
			...BASE_NODE_STAND_INS,
			[PACKAGE_NODE_TYPE]: midjourney,
			[PACKAGE_TOOL_TYPE]: midjourney,
			[PACKAGE_TRIGGER_TYPE]: new MidjourneyTaskTrigger(),
			...extra,
		};
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		const nodeType = this.types[type];
		if (!nodeType) throw new Error(`Unknown node type in test workflow: ${type}`);
		return nodeType;
	}

	getByNameAndVersion(type: string): INodeType {
		return this.getByName(type) as INodeType;
	}

	getKnownTypes() {
		return {};
	}
}

export type BinaryMode = 'default' | 'filesystem';

export interface RunOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Items the trigger hands on (default: one empty item), e.g. with binary images. */
	triggerItems?: INodeExecutionData[];
	/** n8n's binary data mode: in memory (base64 in the item) or files on disk. */
	binaryMode?: BinaryMode;
	/** Extra node types (test probes). */
	nodeTypes?: Record<string, INodeType>;
	/** The node the run starts at, e.g. a trigger whose webhook gave the items (default: n8n's start node). */
	startNodeName?: string;
}

export interface WorkflowResult {
	run: IRun;
	executionId: string;
	/** The workflow's error, when a node failed without Continue On Fail. */
	error?: ExecutionError;
	/** Items a node sent out of one of its outputs, in its first (or given) run. */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error a node ended with, if any. */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** Names of the nodes that ran, in order. */
	executed: string[];
}

export interface RunningWorkflow {
	result: Promise<WorkflowResult>;
	/** what a resume of this execution runs with */
	setup: ExecutionSetup;
	/** Cancels the execution, as the editor's stop button does. */
	cancel(): void;
}

let binaryModeInUse: BinaryMode | undefined;

async function useBinaryMode(mode: BinaryMode): Promise<void> {
	if (binaryModeInUse === mode) return;
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.availableModes = ['default', 'filesystem'];
	config.localStoragePath = join(process.env.N8N_USER_FOLDER!, 'binaryData');
	await Container.get(BinaryDataService).init();
	binaryModeInUse = mode;
}

function toWorkflow(workflowJson: IDataObject, nodeTypes: INodeTypes): Workflow {
	return new Workflow({
		id: String(workflowJson.id ?? 'test'),
		name: String(workflowJson.name ?? 'test'),
		nodes: workflowJson.nodes as INode[],
		connections: (workflowJson.connections ?? {}) as IConnections,
		active: false,
		nodeTypes,
		staticData: {},
		settings: (workflowJson.settings ?? {}) as IDataObject,
	});
}

function additionalDataFor(
	hooks: ExecutionLifecycleHooks,
	credentialsHelper: TestCredentialsHelper,
): IWorkflowExecuteAdditionalData {
	const unsupported = async () => {
		throw new Error('Not available in the test harness');
	};
	return {
		credentialsHelper,
		hooks,
		executionId: hooks.executionId,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		currentNodeParameters: undefined,
		userId: 'test-user',
		executeWorkflow: unsupported,
		getRunExecutionData: unsupported,
		setExecutionStatus: () => {},
		logAiEvent: () => {},
		sendDataToUI: () => {},
		startRunnerTask: unsupported,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * n8n-core's SSH client manager (created with every execute context) keeps a
 * one-minute cleanup interval that the n8n server clears at shutdown. A test
 * process has no shutdown: unref it, so that jest and the demo can exit.
 */
function releaseEngineTimers(): void {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal module, not in n8n-core's index
		const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');
		(Container.get(SSHClientsManager) as { cleanupTimer?: NodeJS.Timeout }).cleanupTimer?.unref();
	} catch {
		// Another n8n-core layout: nothing to release.
	}
}

let executionCounter = 0;

/** Where a run's workflow, credentials and n8n URLs come from (a resumed run reuses them). */
export interface ExecutionSetup {
	workflowJson: IDataObject;
	options: RunOptions;
	executionId: string;
}

/** The n8n URLs a run sees; a waiting execution's resume URL points at the harness's waiting webhook server. */
const urls = { webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting' };

/** Points $execution.resumeUrl at a server that resumes waiting executions (see waiting.ts). */
export function setWebhookWaitingBaseUrl(url: string): void {
	urls.webhookWaitingBaseUrl = url;
}

export function nodeTypesFor(options: RunOptions): INodeTypes {
	return new TestNodeTypes(options.nodeTypes);
}

export function workflowFor(setup: ExecutionSetup): Workflow {
	return toWorkflow(setup.workflowJson, nodeTypesFor(setup.options));
}

/** The additional data of a run, or of a webhook call to a waiting execution (without hooks). */
export function additionalDataForSetup(
	setup: ExecutionSetup,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const credentialsHelper = new TestCredentialsHelper(CREDENTIAL_TYPES, setup.options.credentials ?? {});
	const data = additionalDataFor(
		hooks ?? new ExecutionLifecycleHooks('manual', setup.executionId, setup.workflowJson as unknown as IWorkflowBase),
		credentialsHelper,
	);
	return { ...data, webhookWaitingBaseUrl: urls.webhookWaitingBaseUrl };
}

/**
 * Runs execution data through WorkflowExecute: a new run from its start
 * items, or a waiting execution resumed (n8n-core itself then handles the
 * node that waited, as the n8n server does).
 */
export function executeRun(
	setup: ExecutionSetup,
	runExecutionData: ReturnType<typeof createRunExecutionData>,
): RunningWorkflow {
	const workflow = workflowFor(setup);
	const hooks = new ExecutionLifecycleHooks('manual', setup.executionId, setup.workflowJson as unknown as IWorkflowBase);
	const executed: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executed.push(nodeName);
	});
	// Not n8n-workflow's createDeferredPromise: n8n 2.x no longer exports it.
	let resolveFinished!: (run: IRun) => void;
	const finished = { promise: new Promise<IRun>((resolve) => (resolveFinished = resolve)) };
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));
	let execution: ReturnType<WorkflowExecute['processRunExecutionData']> | undefined;
	let cancelled = false;
	const result = (async () => {
		await useBinaryMode(setup.options.binaryMode ?? 'default');
		const workflowExecute = new WorkflowExecute(additionalDataForSetup(setup, hooks), 'manual', runExecutionData);
		execution = workflowExecute.processRunExecutionData(workflow);
		if (cancelled) execution.cancel();
		const run = await Promise.race([execution.then(() => finished.promise), finished.promise]);
		releaseEngineTimers();
		return toResult(run, executed, setup.executionId);
	})();
	return {
		result,
		setup,
		cancel: () => {
			cancelled = true;
			execution?.cancel();
		},
	};
}

/** Starts a workflow; `result` settles when it ends (also when cancelled, or parked to wait). */
export function startWorkflow(workflowJson: IDataObject, options: RunOptions = {}): RunningWorkflow {
	const setup: ExecutionSetup = { workflowJson, options, executionId: String(++executionCounter) };
	const workflow = workflowFor(setup);
	const startNode = options.startNodeName ? workflow.getNode(options.startNodeName) : workflow.getStartNode();
	if (!startNode) throw new Error('The test workflow has no start node');
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { main: [options.triggerItems ?? [{ json: {} }]] },
					source: null,
				},
			],
		},
	});
	return executeRun(setup, runExecutionData);
}

export async function runWorkflow(workflowJson: IDataObject, options: RunOptions = {}): Promise<WorkflowResult> {
	return await startWorkflow(workflowJson, options).result;
}

function toResult(run: IRun, executed: string[], executionId: string): WorkflowResult {
	const runData = run.data.resultData.runData;
	return {
		run,
		executionId,
		error: run.data.resultData.error,
		executed,
		output: (nodeName, outputIndex = 0, runIndex = 0) =>
			runData[nodeName]?.[runIndex]?.data?.[NodeConnectionTypes.Main]?.[outputIndex] ?? [],
		nodeError: (nodeName) => runData[nodeName]?.[0]?.error,
	};
}

/** The bytes behind an item's binary property, whatever the binary data mode. */
export async function binaryBuffer(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** An item carrying files as n8n binary data (in memory mode), as a form upload would. */
export function itemWithFiles(
	files: Record<string, { data: Buffer; mimeType: string; fileName?: string }>,
	json: IDataObject = {},
): INodeExecutionData {
	const binary: Record<string, IBinaryData> = {};
	for (const [name, file] of Object.entries(files)) {
		binary[name] = {
			data: file.data.toString('base64'),
			mimeType: file.mimeType,
			fileName: file.fileName ?? name,
			fileSize: String(file.data.length),
		};
	}
	return { json, binary };
}

/** A workflow: manual trigger → the given nodes in a chain. */
export function chain(...nodes: Array<Omit<INode, 'id' | 'position' | 'typeVersion'> & Partial<INode>>): IDataObject {
	const trigger: INode = {
		id: 'trigger',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const all: INode[] = [
		trigger,
		...nodes.map((node, index) => ({
			id: `node-${index}`,
			position: [200 * (index + 1), 0] as [number, number],
			typeVersion: 1,
			...node,
		})),
	];
	const connections: IConnections = {};
	for (let i = 0; i + 1 < all.length; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: NodeConnectionTypes.Main, index: 0 }]] };
	}
	return { name: 'test', nodes: all, connections, settings: {} };
}

/** A Midjourney node for `chain`, with the test credential attached. */
/**
 * A Midjourney node. Tests name the operation; its resource is looked up in
 * the registry unless given (an unregistered operation keeps none, and fails).
 */
export function midjourneyNode(name: string, parameters: IDataObject, extra: Partial<INode> = {}): INode {
	const registered = registeredOperations().find((entry) => entry.operation === parameters.operation);
	if (registered && parameters.resource === undefined) parameters = { resource: registered.resource, ...parameters };
	return {
		id: name,
		name,
		type: PACKAGE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: { cometApi: { id: '1', name: 'CometAPI account' } },
		...extra,
	};
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * The credential dialog's Test: the function the nodes name in `testedBy`, called with the
 * credential's data (unset fields at their defaults) in n8n-core's own CredentialTestContext,
 * as n8n's credentials tester calls it. The real dialog is driven in test/ui/editor.ui.ts.
 */
export async function testCredential(
	typeName: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const node = new Midjourney();
	const testedBy = node.description.credentials?.find((credential) => credential.name === typeName)?.testedBy;
	if (typeof testedBy !== 'string') throw new Error(`The Midjourney node names no test for ${typeName}`);
	const test = node.methods.credentialTest[testedBy as keyof typeof node.methods.credentialTest];
	const withDefaults = new TestCredentialsHelper(CREDENTIAL_TYPES, {}).withDefaults(typeName, data);
	const result = await test.call(new CredentialTestContext(), { id: '1', name: 'test', type: typeName, data: withDefaults });
	// The context's SSH helpers start n8n-core's SSHClientsManager, whose cleanup interval n8n
	// stops at shutdown (1.x does not unref it): stop it, or jest never exits.
	Container.get(SSHClientsManager).onShutdown();
	return { status: result.status, message: result.message };
}
