/*
 * The proof the scenarios rest on: from the emulator's request log, which tasks each execution's
 * prompts created (a prompt with two created tasks was submitted twice: a double); from the
 * execution as n8n stored it, whether each created task id reached the workflow (in an output
 * item or in the error). A created id that did not is lost: paid for, unknown to the workflow.
 */
import type { Emulator, RequestLogEntry } from '../emulator';
import { nodeOutput, type Item } from '../e2e/n8n';
import type { StoredExecution } from './executions';
import { IMAGINE_NODE, promptOwner } from './workflows';

export interface ExecutionAudit {
	executionId: string;
	status: string;
	/** prompt → ids of the tasks its accepted submits created */
	created: Map<string, string[]>;
	doubles: number;
	/** created ids found nowhere in the stored execution */
	lost: string[];
	items: Item[];
}

/** Imagine submits the emulator accepted (a task was created: codes 1 and 22). */
export function acceptedSubmits(requests: RequestLogEntry[]): RequestLogEntry[] {
	return requests.filter((r) => r.kind === 'submit-imagine' && r.createdTaskId);
}

export function auditExecution(emulator: Emulator, stored: StoredExecution): ExecutionAudit {
	const created = new Map<string, string[]>();
	for (const submit of acceptedSubmits(emulator.requests)) {
		const prompt = String((submit.body as { prompt?: unknown })?.prompt ?? '');
		if (promptOwner(prompt) !== stored.id) continue;
		created.set(prompt, [...(created.get(prompt) ?? []), submit.createdTaskId!]);
	}
	const text = stored.execution ? JSON.stringify(stored.execution.data) : '';
	const lost = [...created.values()].flat().filter((id) => !text.includes(id));
	const doubles = [...created.values()].reduce((sum, ids) => sum + ids.length - 1, 0);
	const items = stored.execution?.data.resultData?.runData ? nodeOutput(stored.execution, IMAGINE_NODE) : [];
	return { executionId: stored.id, status: stored.status, created, doubles, lost, items };
}

/**
 * Items that are neither SUCCESS nor an error item carrying its task id, except errors of prompts
 * for which no task was created at all (a submit the server refused: nothing to lose).
 */
export function unaccountedItems(audit: ExecutionAudit): Item[] {
	return audit.items.filter(
		(item) =>
			item.json.status !== 'SUCCESS' &&
			!(item.json.error && typeof item.json.taskId === 'string') &&
			!(item.json.error && !audit.created.has(String(item.json.prompt ?? ''))),
	);
}

export function summary(audit: ExecutionAudit): string {
	const tasks = [...audit.created.values()].flat().length;
	return `execution ${audit.executionId} ${audit.status}: ${audit.created.size} prompts, ${tasks} tasks created, ${audit.doubles} doubles, ${audit.lost.length} ids lost, ${audit.items.length} items`;
}
