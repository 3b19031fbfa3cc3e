#!/usr/bin/env bash
# The production install both runtime checks share (test/docs/production-install.sh and the
# Dockerfile's runtime stage in test/chart/image.chart-spec.ts):
#   bash test/support/install-runtime.sh APP_DIR "npm ci --omit=dev …"
# APP_DIR already holds package.json, package-lock.json (and dist/). Runs the given npm ci command
# there; better-sqlite3's native build is copied from this checkout's node_modules (same version,
# same Node) instead of compiled a second time (~90 s of CPU here without its prebuilt download):
# the command then runs with --ignore-scripts. Fails, saying which, when a devDependency got
# installed or the server's own dependencies are missing. Prints `added N packages` on success.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP="$1"
COMMAND="$2"
NATIVE="$ROOT/node_modules/better-sqlite3/build"
[[ "$COMMAND" =~ ^npm\ ci\  ]] || { echo "install-runtime: not an npm ci command: $COMMAND" >&2; exit 2; }
[ -d "$NATIVE" ] && COMMAND="npm ci --ignore-scripts ${COMMAND#npm ci }"
LOG="$(mktemp "${TMPDIR:-/tmp}/install-runtime.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
if ! (cd "$APP" && bash -c "$COMMAND") >"$LOG" 2>&1; then
  echo "install-runtime: $COMMAND failed:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi
[ -d "$NATIVE" ] && cp -r "$NATIVE" "$APP/node_modules/better-sqlite3/build"
for dev in typescript jest @aws-sdk/s3-presigned-post eslint vite; do
  [ -e "$APP/node_modules/$dev" ] && { echo "install-runtime: a devDependency is installed: $dev" >&2; exit 1; }
done
for dep in @nestjs/core better-sqlite3/build/Release/better_sqlite3.node; do
  [ -e "$APP/node_modules/$dep" ] || { echo "install-runtime: missing after the install: node_modules/$dep" >&2; exit 1; }
done
grep -oE 'added [0-9]+ packages' "$LOG" || echo "installed"
