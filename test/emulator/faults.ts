import type { FaultKind, FaultRule, FaultTarget, RequestKind } from './types';

export const FAULT_KINDS: readonly FaultKind[] = [
	'429',
	'500',
	'502',
	'503',
	'drop-before',
	'drop-after',
	'malformed',
	'empty',
	'slow',
];
const FAULT_TARGETS: readonly FaultTarget[] = ['submit', 'fetch', 'list', 'image', 'any'];

/** Faults that answer instead of the emulator; nothing is created. */
export function isAnswerFault(kind: FaultKind): boolean {
	return kind === '429' || kind === '500' || kind === '502' || kind === '503' || kind === 'drop-before';
}

/** Faults that spoil the answer after the request was carried out (a submit did create its task). */
export function isAfterFault(kind: FaultKind): boolean {
	return kind === 'drop-after' || kind === 'malformed' || kind === 'empty';
}

function targetOf(kind: RequestKind): FaultTarget | undefined {
	if (kind.startsWith('submit-')) return 'submit';
	if (kind === 'fetch' || kind === 'list' || kind === 'image') return kind;
	// Media downloads are one target: mp4s are hit by `image` faults too.
	if (kind === 'video') return 'image';
	return undefined;
}

/** Counts, per rule, the requests it matched and hit, and picks the fault for a request. */
export class FaultCounter {
	private counts = new WeakMap<FaultRule, { seen: number; hits: number }>();

	pick(rules: readonly FaultRule[], kind: RequestKind): FaultRule | undefined {
		const target = targetOf(kind);
		let chosen: FaultRule | undefined;
		for (const rule of rules) {
			if (rule.target !== 'any' && rule.target !== target) continue;
			const count = this.counts.get(rule) ?? { seen: 0, hits: 0 };
			this.counts.set(rule, count);
			count.seen++;
			if (chosen) continue;
			if (count.hits >= (rule.times ?? Infinity)) continue;
			if (rule.everyNth && count.seen % rule.everyNth !== 0) continue;
			count.hits++;
			chosen = rule;
		}
		return chosen;
	}

	reset(): void {
		this.counts = new WeakMap();
	}
}

/**
 * Parses a CLI fault spec `target:kind[:times][:key=value...]`,
 * keys `every`, `retry` (seconds) and `delay` (ms), e.g. `submit:429:3:retry=2`.
 */
export function parseFaultSpec(spec: string): FaultRule {
	const [target, kind, ...rest] = spec.split(':');
	if (!FAULT_TARGETS.includes(target as FaultTarget)) {
		throw new Error(`fault "${spec}": target must be one of ${FAULT_TARGETS.join(', ')}`);
	}
	if (!FAULT_KINDS.includes(kind as FaultKind)) {
		throw new Error(`fault "${spec}": kind must be one of ${FAULT_KINDS.join(', ')}`);
	}
	const rule: FaultRule = { target: target as FaultTarget, kind: kind as FaultKind };
	for (const part of rest) {
		if (part === '') continue;
		const [key, value] = part.includes('=') ? part.split('=') : ['times', part];
		const n = Number(value);
		if (!Number.isFinite(n) || n < 0) throw new Error(`fault "${spec}": bad number "${value}"`);
		if (key === 'times') rule.times = n;
		else if (key === 'every') rule.everyNth = n;
		else if (key === 'retry') rule.retryAfterSec = n;
		else if (key === 'delay') rule.delayMs = n;
		else throw new Error(`fault "${spec}": unknown key "${key}"`);
	}
	return rule;
}
