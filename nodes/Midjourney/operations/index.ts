import { blend } from './image/blend.operation';
import { describe } from './image/describe.operation';
import { edit } from './image/edit.operation';
import { imagine } from './image/imagine.operation';
import { shorten } from './image/shorten.operation';
import { upload } from './image/upload.operation';
import { action } from './task/action.operation';
import { fetch } from './task/fetch.operation';
import { getSeed } from './task/getSeed.operation';
import { modal } from './task/modal.operation';
import type { OperationDefinition, ResourceDefinition } from './types';
import { animate } from './video/animate.operation';
import { extend } from './video/extend.operation';

/**
 * THE registry: every resource and its operations. The node's dropdowns and
 * fields, the shared options' display rules and the dispatch come from here
 * alone, so a new operation is its file plus one line below.
 */
export const RESOURCES = {
	image: {
		displayName: 'Image',
		description:
			'Create images from prompts or other images, edit, describe or upload one, shorten a prompt',
		operations: { imagine, blend, describe, edit, shorten, upload },
	},
	video: {
		displayName: 'Video',
		description: 'Animate an image into short videos, extend a video',
		operations: { animate, extend },
	},
	task: {
		displayName: 'Task',
		description:
			'Continue or read existing tasks: press a button, answer a dialog, fetch, get the seed',
		operations: { action, modal, fetch, getSeed },
	},
} satisfies Record<string, ResourceDefinition>;

export type ResourceName = keyof typeof RESOURCES;

export interface RegisteredOperation {
	resource: ResourceName;
	operation: string;
	definition: OperationDefinition;
}

/** Every registered operation, resource by resource. */
export function registeredOperations(): RegisteredOperation[] {
	return (Object.keys(RESOURCES) as ResourceName[]).flatMap((resource) =>
		Object.entries(RESOURCES[resource].operations as Record<string, OperationDefinition>).map(
			([operation, definition]) => ({ resource, operation, definition }),
		),
	);
}

export function findOperation(
	resource: string,
	operation: string,
): OperationDefinition | undefined {
	return registeredOperations().find(
		(entry) => entry.resource === resource && entry.operation === operation,
	)?.definition;
}
