#!/usr/bin/env bash
# The first hour, timed: git clone → npm ci → npm start → the first `aws s3 cp`, as the README
# says, in a temp dir, on free ports. Prints the seconds of each step and the total.
#   bash bench/clone-to-cp.sh [repo]        # repo: this checkout by default (its committed HEAD)
# Wall seconds depend on what else runs on the machine, so it also prints the CPU seconds of each
# step (user + sys of the step's processes, reaped children included) and the load average.
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
# cpu VAR: VAR = CPU seconds (user + sys) of every child this shell has reaped so far (2nd line of
# bash's `times`, which must run in this shell, not in a $(…) subshell).
cpu() {
  times >"$TMP/times"
  printf -v "$1" '%s' "$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%.1f", t }' "$TMP/times")"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), node $(node -v), npm $(npm -v); load average $(load)"

T0=$(now)
git -c advice.detachedHead=false clone -q "$REPO" "$TMP/app"
T1=$(now)
cpu C1
cd "$TMP/app"
# shellcheck disable=SC2086
npm ci --no-audit --no-fund ${NPM_CACHE:+--cache "$NPM_CACHE"} ${NPM_CI_ARGS:-} >"$TMP/npm-ci.log" 2>&1
T2=$(now)
cpu C2
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
kill -TERM "$PID" && wait "$PID" 2>/dev/null || true
PID=""
cpu C4
BUILD="$(grep -oE 'build: done in [0-9.]+ s' "$TMP/server.log" | grep -oE '[0-9.]+' || echo '?')"
echo "clone $(secs "$T0" "$T1") s, npm ci $(secs "$T1" "$T2") s ($(grep -oE 'added [0-9]+ packages' "$TMP/npm-ci.log"); CPU $(secs "$C1" "$C2") s)," \
  "npm start to credentials $(secs "$T2" "$T3") s (build $BUILD s), mb + cp $(secs "$T3" "$T4") s (CPU of npm start, server and aws: $(secs "$C2" "$C4") s)"
echo "clone to first cp: $(secs "$T0" "$T4") s wall, $C4 s CPU; load average now $(load)"
