/* What a queue-mode scenario gets and gives back. */
import type { Cluster } from './cluster';

export interface ScenarioContext {
	cluster: Cluster;
	version: string;
	log: (line: string) => void;
}

export interface Outcome {
	/** Failed expectations; none: the scenario passed. */
	failures: string[];
	/** Measurements, printed under the scenario and copied into BENCHMARKS.md / the README. */
	measured: string[];
}

export interface Scenario {
	name: string;
	run(context: ScenarioContext): Promise<Outcome>;
}

/** Collects failed expectations instead of stopping at the first one. */
export class Expectations {
	readonly failures: string[] = [];
	readonly measured: string[] = [];
	that(condition: unknown, message: string): boolean {
		if (!condition) this.failures.push(message);
		return Boolean(condition);
	}
	measure(line: string): void {
		this.measured.push(line);
	}
	outcome(): Outcome {
		return { failures: this.failures, measured: this.measured };
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
