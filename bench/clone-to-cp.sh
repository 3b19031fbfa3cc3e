#!/usr/bin/env bash
# The first hour, timed: git clone → npm ci → npm start → the first `aws s3 cp`, as the README
# says, in a temp dir, on free ports. Prints the seconds of each step and the total.
#   bash bench/clone-to-cp.sh [repo]        # repo: this checkout by default (its committed HEAD)
# Env: NPM_CACHE=/path  use this npm cache (e.g. an empty dir for a cold cache; default: the user's)
#      NPM_CI_ARGS="…"  extra arguments for npm ci (e.g. --prefer-offline)
set -euo pipefail
REPO="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/os3-first-hour.XXXXXX")"
PID=""
cleanup() {
  [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{const p=s.address().port;s.close(()=>console.log(p))})"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

T0=$(now)
git clone -q "$REPO" "$TMP/app"
T1=$(now)
cd "$TMP/app"
# shellcheck disable=SC2086
npm ci --no-audit --no-fund ${NPM_CACHE:+--cache "$NPM_CACHE"} ${NPM_CI_ARGS:-} >"$TMP/npm-ci.log" 2>&1
T2=$(now)
S3_PORT="$(free_port)" CONSOLE_PORT="$(free_port)"
export S3_PORT CONSOLE_PORT
npm start >"$TMP/server.log" 2>&1 &
PID=$!
until grep -q 'export AWS_SECRET_ACCESS_KEY=' "$TMP/server.log"; do
  kill -0 "$PID" 2>/dev/null || { cat "$TMP/server.log"; exit 1; }
  sleep 0.1
done
T3=$(now)
eval "$(grep -oE 'export AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)=[^ ]+' "$TMP/server.log")"
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
echo hello >"$TMP/hello.txt"
aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 mb s3://my-bucket >/dev/null
aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 cp "$TMP/hello.txt" s3://my-bucket/ >/dev/null
T4=$(now)
echo "clone $(secs "$T0" "$T1") s, npm ci $(secs "$T1" "$T2") s ($(grep -oE 'added [0-9]+ packages' "$TMP/npm-ci.log")), npm start to credentials $(secs "$T2" "$T3") s, mb + cp $(secs "$T3" "$T4") s"
echo "clone to first cp: $(secs "$T0" "$T4") s"
