/*
 * Sets up one n8n instance for the e2e run and for `npm start`: the CometAPI emulator,
 * the CMS stub, the packed package installed as a community package, a credential
 * pointing at the emulator, and the example workflows imported.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

import { startEmulator, type Emulator } from '../emulator';
import { startCms, type Cms } from './cms';
import {
	activateWorkflows,
	EXAMPLES_DIR,
	importCredential,
	importWorkflows,
	installPackage,
	makeUserFolder,
	n8nEnv,
	packPackage,
	patchWorkflow,
	readWorkflow,
	type N8nInstall,
	type WorkflowJson,
} from './n8n';

export const EMULATOR_KEY = 'sk-local-emulator-key';
/** The credential id the example workflows reference. */
export const CREDENTIAL = { id: 'cometApiExample1', name: 'CometAPI account' };

export interface StagedWorkflow {
	file: string;
	id: string;
	workflow: WorkflowJson;
}

export interface Stage {
	install: N8nInstall;
	userFolder: string;
	env: NodeJS.ProcessEnv;
	emulator: Emulator;
	cms: Cms;
	packageDir: string;
	workflows: StagedWorkflow[];
	close(): Promise<void>;
}

export interface StageOptions {
	install: N8nInstall;
	userFolder?: string;
	emulatorPort?: number;
	cmsPort?: number;
	taskDurationMs: number;
	/** Options merged into every Midjourney node (e.g. a 1 s poll interval). */
	midjourneyOptions?: Record<string, unknown>;
	/** Extra workflows to import beside the examples. */
	extraWorkflows?: WorkflowJson[];
	/** Whether grid tasks carry imageUrls (the four pictures), as some servers send. */
	emulatorImageUrls?: boolean;
	env?: Record<string, string>;
	/** false: skip packing/installing the package (checks the n8n install alone). Default true. */
	withPackage?: boolean;
	/** false: import only extraWorkflows. Default true. */
	withExamples?: boolean;
	/** Ids of imported workflows to activate (their triggers listen once n8n starts). */
	activate?: string[];
	log?: (line: string) => void;
	/** Gets one line per emulator request. */
	emulatorLog?: (line: string) => void;
	cmsLog?: (line: string) => void;
}

/** A workflow id (n8n allows at most 16 characters) made from an example's file name. */
export function exampleWorkflowId(file: string): string {
	const words = basename(file, '.json').split(/[^a-zA-Z0-9]+/).filter(Boolean);
	return `ex${words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`.slice(0, 16);
}

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => join(EXAMPLES_DIR, name));
}

export async function stageN8n(options: StageOptions): Promise<Stage> {
	const log = options.log ?? (() => {});
	const userFolder = options.userFolder ?? makeUserFolder();
	const env = n8nEnv(userFolder, options.env);
	const emulator = await startEmulator({
		port: options.emulatorPort ?? 0,
		taskDurationMs: options.taskDurationMs,
		imageUrls: options.emulatorImageUrls ?? false,
		auth: { key: EMULATOR_KEY, styles: ['bearer'] },
		logger: options.emulatorLog,
	});
	const cms = await startCms({ port: options.cmsPort ?? 0, log: options.cmsLog });
	const close = async () => {
		await Promise.allSettled([emulator.close(), cms.close()]);
	};
	try {
		log(`emulator ${emulator.url}, CMS stub ${cms.url}, user folder ${userFolder}`);
		let packageDir = '';
		if (options.withPackage !== false) {
			packageDir = installPackage(userFolder, packPackage(join(userFolder, 'pack')));
			log(`package installed in ${packageDir}`);
		}
		await importCredential(
			options.install,
			env,
			{ ...CREDENTIAL, baseUrl: emulator.url, apiKey: EMULATOR_KEY, authStyle: 'bearer' },
			userFolder,
		);
		const patch = { credential: CREDENTIAL, cmsUrl: cms.url, midjourneyOptions: options.midjourneyOptions };
		const files = options.withExamples === false ? [] : exampleFiles();
		const workflows: StagedWorkflow[] = files.map((file) => {
			const id = exampleWorkflowId(file);
			return { file, id, workflow: patchWorkflow(readWorkflow(file), { ...patch, id }) };
		});
		for (const extra of options.extraWorkflows ?? []) {
			const id = extra.id ?? exampleWorkflowId(extra.name);
			workflows.push({ file: '', id, workflow: patchWorkflow(extra, { ...patch, id }) });
		}
		await importWorkflows(
			options.install,
			env,
			workflows.map((w) => w.workflow),
			userFolder,
		);
		log(`imported the credential and ${workflows.length} workflows`);
		if (options.activate?.length) {
			await activateWorkflows(options.install, env, options.activate);
			log(`activated ${options.activate.join(', ')}`);
		}
		return { install: options.install, userFolder, env, emulator, cms, packageDir, workflows, close };
	} catch (error) {
		await close();
		throw error;
	}
}
