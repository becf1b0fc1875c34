/**
 * How a test layer's script ends (e2e, queue mode, editor UI): its exit code,
 * or, when it crashed, the error and the one line test/results.js counts.
 */
export function runLayer(main: () => Promise<number>): void {
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(error instanceof Error ? error.message : error);
			console.log('0 passed, 1 failed');
			process.exit(1);
		},
	);
}
