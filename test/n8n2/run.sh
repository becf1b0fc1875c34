#!/usr/bin/env bash
# The workflow-level suite on Node 24 against n8n-core 2.41.1 / n8n-workflow 2.41.0 (the n8n 2.x
# check: see the README's compatibility table). Installs both, once, into .cache/.
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
if [[ ! -f "$PACKAGES_DIR/.installed" ]]; then
	echo "Installing n8n-core 2.41.1 and n8n-workflow 2.41.0 into $PACKAGES_DIR" >&2
	mkdir -p "$PACKAGES_DIR"
	echo '{"name":"n8n2-packages","private":true,"dependencies":{"n8n-core":"2.41.1","n8n-workflow":"2.41.0"}}' > "$PACKAGES_DIR/package.json"
	printf 'ignore-scripts=true\nlegacy-peer-deps=true\nfund=false\naudit=false\n' > "$PACKAGES_DIR/.npmrc"
	(cd "$PACKAGES_DIR" && PATH="$PWD/../node24/node_modules/.bin:$PATH" npm install --loglevel=error) || exit 1
	touch "$PACKAGES_DIR/.installed"
fi
echo "node $("$NODE24" -v), n8n-core $("$NODE24" -p "require('./$PACKAGES_DIR/node_modules/n8n-core/package.json').version"), n8n-workflow $("$NODE24" -p "require('./$PACKAGES_DIR/node_modules/n8n-workflow/package.json').version")"
mkdir -p "$(dirname "$RESULTS")"
"$NODE24" node_modules/jest/bin/jest.js -c test/n8n2/jest.config.js --json --outputFile="$RESULTS" "$@"
