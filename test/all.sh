#!/usr/bin/env bash
# `npm test`: the whole suite, in five layers, then one line "N passed, N failed".
#   1. jest on Node 20: unit, emulator contract, workflow tests in n8n-core 1.x, fault matrix;
#   2. n8n's verification scanner (`npm run verify`: build, then scan offline): the packed
#      build and the source, one test each, failing on any error or warning;
#   3. end to end in real n8n: 1.123.81 on Node 20, and the newest 2.x the registry can serve
#      whole, found at test time (test/e2e/newestN8n.ts: a bounded lockfile-only probe, the pin
#      2.41.1 on any failure; MJ_N8N2_VERSION=X pins it) on Node 24, each installed once into
#      .cache/. The emulator's default Midjourney version is V7 for the 1.x run and V8.1 (the
#      real default) for the 2.x run, so every example runs on both button sets;
#   4. queue mode (test/queue/run.ts): Redis, Postgres, an n8n main and two workers, for both
#      n8n versions: throughput, worker loss, Callback mode, main restart, load;
#   5. the workflow-level tests again on Node 24 with n8n-core 2.41.1 / n8n-workflow 2.41.0.
#   The editor UI layer (after 3): real n8n 1.123.81 and that 2.x in Debian's chromium driven by
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

# The newest installable 2.x, looked up once for every layer (test/e2e/newestN8n.ts prints the
# pin whenever the look-up fails; the answer is kept a day in .cache/n8n2-newest.json).
# Only when a real-n8n layer runs: the fast layers (jest and the scan) need no n8n.
if [[ "${MJ_SKIP_E2E:-}" != 1 || "${MJ_SKIP_UI:-}" != 1 || "${MJ_SKIP_QUEUE:-}" != 1 ]]; then
	MJ_N8N2_VERSION="$(npx ts-node --transpile-only --prefer-ts-exts test/e2e/newestN8n.ts)" || status=1
	export MJ_N8N2_VERSION
fi
N8N_VERSIONS=(1.123.81 "${MJ_N8N2_VERSION:-}")

if [[ "${MJ_SKIP_E2E:-}" != 1 ]]; then
	for version in "${N8N_VERSIONS[@]}"; do
		mj_version=8.1
		[[ $version == 1.* ]] && mj_version=7
		printf '\n=== end to end in real n8n %s (Midjourney V%s by default)\n' "$version" "$mj_version"
		MJ_EMULATOR_VERSION=$mj_version N8N_E2E_VERSION=$version npm run --silent test:e2e 2>&1 | tee "$results/e2e-$version.log"
		[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
	done
fi

if [[ "${MJ_SKIP_UI:-}" != 1 ]]; then
	# The editor in Debian's chromium (installed by the test when missing): test/ui/editor.ui.ts.
	for version in "${N8N_VERSIONS[@]}"; do
		printf '\n=== editor UI in real n8n %s (chromium)\n' "$version"
		N8N_E2E_VERSION=$version npm run --silent test:ui 2>&1 | tee "$results/ui-$version.log"
		[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
	done
fi

if [[ "${MJ_SKIP_QUEUE:-}" != 1 ]]; then
	printf '\n=== queue mode: Redis, Postgres, n8n main and two workers (%s)\n' "${N8N_VERSIONS[*]}"
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
