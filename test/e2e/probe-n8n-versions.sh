#!/usr/bin/env bash
# Checks, without installing, whether the npm registry can serve the whole
# dependency tree of given n8n versions (lockfile-only resolution).
# Usage: test/e2e/probe-n8n-versions.sh 2.41.3 2.40.7 ...
# Env:   PROBE_OVERRIDES='{"xlsx":"0.18.5"}' (JSON for the probe's "overrides")
# Prints one line per version: "<version> OK" or "<version> FAIL <first error>".
set -uo pipefail
OVERRIDES="${PROBE_OVERRIDES:-{\"xlsx\":\"0.18.5\"\}}"
for v in "$@"; do
	dir="$(mktemp -d)"
	printf '{"name":"probe","private":true,"dependencies":{"n8n":"%s"},"overrides":%s}\n' "$v" "$OVERRIDES" > "$dir/package.json"
	if out="$(cd "$dir" && npm install --package-lock-only --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error 2>&1)"; then
		echo "$v OK"
	else
		echo "$v FAIL $(echo "$out" | grep -E 'npm error (404|code|notarget|No matching)|ETARGET|is not in this registry' | grep -v 'A complete log' | head -3 | tr '\n' ' ')"
	fi
	rm -rf "$dir"
done
