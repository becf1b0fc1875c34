#!/usr/bin/env bash
# `npm test`: the whole suite, in five layers, then one line "N passed, N failed".
#   1. jest on Node 20: unit, emulator contract, workflow tests in n8n-core 1.x, fault matrix;
#   2. n8n's verification scanner (`npm run verify`: build, then scan offline): the packed
#      build and the source, one test each, failing on any error or warning;
#   3. end to end in real n8n: 1.123.81 on Node 20, and 2.40.7 (the newest 2.x the registry
#      can serve whole) on Node 24, each installed once into .cache/;
#   4. queue mode (test/queue/run.ts): Redis, Postgres, an n8n main and two workers, for both
#      n8n versions: throughput, worker loss, Callback mode, main restart, load;
#   5. the workflow-level tests again on Node 24 with n8n-core 2.41.1 / n8n-workflow 2.41.0.
#   The editor UI layer (after 3): real n8n 1.123.81 and 2.40.7 in Debian's chromium driven by
#   puppeteer-core: sign-in, node creator, the panel of every operation, a run from the editor.
# Arguments go to jest. MJ_SKIP_E2E=1 / MJ_SKIP_QUEUE=1 / MJ_SKIP_N8N2=1 leave out layer 3 / 4 / 5;
# MJ_SKIP_UI=1 the editor UI layer.
set -uo pipefail
cd "$(dirname "$0")/.."
results=.cache/results
mkdir -p "$results"
rm -f "$results"/*

npx jest --json --outputFile="$results/jest.json" "$@"
status=$?

printf '\n=== n8n verification scan (npm run verify)\n'
npm run --silent verify -- --json "$results/verify.json"
[[ $? -eq 0 ]] || status=1

if [[ "${MJ_SKIP_E2E:-}" != 1 ]]; then
	for version in 1.123.81 2.40.7; do
		printf '\n=== end to end in real n8n %s\n' "$version"
		N8N_E2E_VERSION=$version npm run --silent test:e2e 2>&1 | tee "$results/e2e-$version.log"
		[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
	done
fi

if [[ "${MJ_SKIP_UI:-}" != 1 ]]; then
	# The editor in Debian's chromium (installed by the test when missing): test/ui/editor.ui.ts.
	for version in 1.123.81 2.40.7; do
		printf '\n=== editor UI in real n8n %s (chromium)\n' "$version"
		N8N_E2E_VERSION=$version npm run --silent test:ui 2>&1 | tee "$results/ui-$version.log"
		[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
	done
fi

if [[ "${MJ_SKIP_QUEUE:-}" != 1 ]]; then
	printf '\n=== queue mode: Redis, Postgres, n8n main and two workers (1.123.81, 2.40.7)\n'
	npx ts-node --transpile-only --prefer-ts-exts test/queue/run.ts 2>&1 | tee "$results/queue.log"
	[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
fi

if [[ "${MJ_SKIP_N8N2:-}" != 1 ]]; then
	printf '\n=== workflow tests on Node 24 with n8n 2.x packages\n'
	bash test/n8n2/run.sh "$results/n8n2.json"
	[[ $? -eq 0 ]] || status=1
fi

node test/results.js "$results" || status=1
exit $status
