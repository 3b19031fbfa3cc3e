#!/usr/bin/env bash
# Production install check: package.json's dependencies (no devDependencies) are enough to run the
# built server. Copies package.json, package-lock.json and dist/ (run `npm run build` first) to a
# temp dir, runs `npm ci --omit=dev` there, then `node dist/main.js --version` and a real boot on
# free ports (/ready, a console login, an S3 bucket with the AWS CLI when it is on PATH).
# The install is test/support/install-runtime.sh (better-sqlite3's native build reused from here).
# Prints `ok - …` lines and `tests: N passed, N failed`.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/os3-prod.XXXXXX")"
PASSED=0
FAILED=0
SERVER_PID=""
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
finish() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  echo "tests: $PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
trap 'finish; exit $?' EXIT
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{const p=s.address().port;s.close(()=>console.log(p))})"; }

[ -f "$ROOT/dist/main.js" ] || { not_ok "dist/main.js exists (run npm run build first)"; exit 1; }
APP="$TMP/app"
mkdir -p "$APP"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$APP/"
# npm ci needs each workspace's package.json (web/: devDependencies only, its build is in dist/web).
node -e "for (const w of require('$ROOT/package.json').workspaces ?? []) console.log(w)" | while read -r ws; do
  mkdir -p "$APP/$ws" && cp "$ROOT/$ws/package.json" "$APP/$ws/package.json"
done
cp -r "$ROOT/dist" "$APP/dist"
# The install itself, with the devDependency check, is shared with test/chart/image.chart-spec.ts.
if added="$(bash "$ROOT/test/support/install-runtime.sh" "$APP" "npm ci --omit=dev --no-audit --no-fund" 2>"$TMP/npm.log")"; then
  ok "npm ci --omit=dev installs ($added), no devDependency among them (typescript, jest, eslint, vite absent)"
else
  not_ok "npm ci --omit=dev installs, no devDependency among them"
  sed 's/^/#   /' "$TMP/npm.log"
  exit 1
fi

out="$(cd "$APP" && node dist/main.js --version 2>&1)"
[ "$out" = "$(node -p "const p=require('$ROOT/package.json');p.name+' '+p.version")" ] && ok "node dist/main.js --version: $out" || not_ok "node dist/main.js --version (got: $out)"

S3_PORT="$(free_port)"
CONSOLE_PORT="$(free_port)"
(cd "$APP" && exec env DATA_DIR="$TMP/data" S3_PORT="$S3_PORT" CONSOLE_PORT="$CONSOLE_PORT" FSYNC=false \
  ROOT_ACCESS_KEY=PRODCHECKACCESSKEY01 ROOT_SECRET_KEY=prodCheckSecretKey0123456789 node dist/main.js) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
ready=0
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$S3_PORT/ready" >/dev/null 2>&1 && { ready=1; break; }
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" = 1 ]; then ok "the server boots from the production install (/ready answers 200)"; else
  not_ok "the server boots from the production install"
  tail -n 30 "$TMP/server.log" | sed 's/^/#   /'
  exit 1
fi
login="$(curl -s -X POST "http://127.0.0.1:$CONSOLE_PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"PRODCHECKACCESSKEY01","password":"prodCheckSecretKey0123456789"}')"
grep -q '"token"' <<<"$login" && ok "console login answers a token" || not_ok "console login answers a token ($login)"
if command -v aws >/dev/null 2>&1; then
  if AWS_ACCESS_KEY_ID=PRODCHECKACCESSKEY01 AWS_SECRET_ACCESS_KEY=prodCheckSecretKey0123456789 AWS_DEFAULT_REGION=us-east-1 \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 mb s3://prod-check >/dev/null 2>&1; then
    ok "aws s3 mb against the production install"
  else
    not_ok "aws s3 mb against the production install"
  fi
fi
