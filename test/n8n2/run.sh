#!/usr/bin/env bash
# The workflow-level suite on Node 24 against the n8n-core / n8n-workflow of the n8n 2.x the other
# layers test (MJ_N8N2_VERSION, exported by test/all.sh: the newest installable 2.x, read from its
# install in .cache/), else those of the pin 2.41.1: n8n-core 2.41.1 / n8n-workflow 2.41.0 (see the
# README's compatibility table). Installs both into .cache/n8n2, again when the versions change.
# Usage: test/n8n2/run.sh [results.json] [jest arguments...]
set -uo pipefail
cd "$(dirname "$0")/../.."
RESULTS="${1:-.cache/results/n8n2.json}"
shift || true
NODE24_DIR=.cache/node24
PACKAGES_DIR=.cache/n8n2
NODE24="$NODE24_DIR/node_modules/.bin/node"

if [[ ! -x "$NODE24" ]]; then
	echo "Installing Node 24 from the npm registry (package node@24) into $NODE24_DIR" >&2
	mkdir -p "$NODE24_DIR"
	echo '{"name":"node24","private":true}' > "$NODE24_DIR/package.json"
	# Its install script fetches the platform binary, also a registry package.
	(cd "$NODE24_DIR" && npm install node@24 --no-audit --no-fund --ignore-scripts=false --loglevel=error) || exit 1
fi
CORE=2.41.1
WORKFLOW=2.41.0
N8N2_PACKAGE=".cache/n8n-${MJ_N8N2_VERSION:-none}/node_modules/n8n/package.json"
if [[ -f "$N8N2_PACKAGE" ]]; then
	CORE="$(node -p "require('./$N8N2_PACKAGE').dependencies['n8n-core']")"
	WORKFLOW="$(node -p "require('./$N8N2_PACKAGE').dependencies['n8n-workflow']")"
fi
installed="$(cat "$PACKAGES_DIR/.installed" 2>/dev/null)"
# An empty marker is an install from before the versions were recorded: the pin's.
[[ -f "$PACKAGES_DIR/.installed" && -z "$installed" ]] && installed="2.41.1 2.41.0"
if [[ "$installed" != "$CORE $WORKFLOW" ]]; then
	echo "Installing n8n-core $CORE and n8n-workflow $WORKFLOW into $PACKAGES_DIR" >&2
	rm -rf "$PACKAGES_DIR"
	mkdir -p "$PACKAGES_DIR"
	echo "{\"name\":\"n8n2-packages\",\"private\":true,\"dependencies\":{\"n8n-core\":\"$CORE\",\"n8n-workflow\":\"$WORKFLOW\"}}" > "$PACKAGES_DIR/package.json"
	printf 'ignore-scripts=true\nlegacy-peer-deps=true\nfund=false\naudit=false\n' > "$PACKAGES_DIR/.npmrc"
	(cd "$PACKAGES_DIR" && PATH="$PWD/../node24/node_modules/.bin:$PATH" npm install --loglevel=error) || exit 1
	echo "$CORE $WORKFLOW" > "$PACKAGES_DIR/.installed"
fi
echo "node $("$NODE24" -v), n8n-core $("$NODE24" -p "require('./$PACKAGES_DIR/node_modules/n8n-core/package.json').version"), n8n-workflow $("$NODE24" -p "require('./$PACKAGES_DIR/node_modules/n8n-workflow/package.json').version")"
mkdir -p "$(dirname "$RESULTS")"
"$NODE24" node_modules/jest/bin/jest.js -c test/n8n2/jest.config.js --json --outputFile="$RESULTS" "$@"
