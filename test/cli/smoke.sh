#!/usr/bin/env bash
# CLI smoke test: the built server (dist/main.js, run `npm run build` first) against three real
# clients from Debian's packages, found on PATH: the AWS CLI (`aws`, package awscli), rclone, s3cmd,
# restic and boto3 (python3-boto3; test/cli/boto3_smoke.py).
# Every client is configured through env vars and temp files only; nothing under $HOME is read
# or written. Prints TAP-like `ok - ...` / `not ok - ...` lines, then exactly one line
#   smoke: N passed, N failed
# and exits non-zero when anything failed.
#
# Env: SMOKE_DATABASE_URL  run on PostgreSQL (a postgres:// URL, best a fresh database: the
#                          server is given a fixed MASTER_KEY, which must match the one the
#                          database was first used with)
#      SMOKE_KEEP=1        keep the temp dir (server log, trees) for a post-mortem
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AWS="$(command -v aws || true)"
ACCESS_KEY=SMOKEROOTACCESSKEY01
SECRET_KEY=smokeRootSecretKey/0123456789abcdefghijk
MASTER_KEY_HEX=2222222222222222222222222222222222222222222222222222222222222222
export LC_ALL=C.UTF-8 LANG=C.UTF-8

PASSED=0
FAILED=0
SUMMARY_PRINTED=0
SERVER_PID=""
TMP="$(mktemp -d "${TMPDIR:-/tmp}/os3-smoke.XXXXXX")"

summary() {
  [ "$SUMMARY_PRINTED" = 1 ] && return 0
  SUMMARY_PRINTED=1
  echo "smoke: $PASSED passed, $FAILED failed"
}

cleanup() {
  local rc=$?
  if [ "$SUMMARY_PRINTED" = 0 ] && [ "$rc" != 0 ]; then
    echo "not ok - smoke script aborted (exit $rc) before finishing"
    FAILED=$((FAILED + 1))
    if [ -f "$TMP/server.log" ]; then
      echo "# last lines of the server log:"
      tail -n 20 "$TMP/server.log" | sed 's/^/#   /'
    fi
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${SMOKE_KEEP:-}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
  summary
  if [ "$rc" = 0 ] && [ "$FAILED" != 0 ]; then rc=1; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bail "what" [log]: a failure the rest cannot run without; prints the summary and stops.
bail() {
  not_ok "$@"
  summary
  exit 1
}
ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() {
  FAILED=$((FAILED + 1))
  echo "not ok - $1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then tail -n 15 "$2" | sed 's/^/#   /'; fi
}

# check "what" cmd args...: runs the command, ok when it exits 0. Its output goes to $OUT.
OUT="$TMP/last.out"
check() {
  local what="$1"
  shift
  if "$@" >"$OUT" 2>&1; then ok "$what"; else not_ok "$what (exit $?)" "$OUT"; fi
}
# check_eq "what" expected actual
check_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$2', got '$3'"; fi
}

node_eval() { node -e "$@"; }
free_port() {
  node_eval "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{const p=s.address().port;s.close(()=>console.log(p))})"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------------------
# Tools and the server
# ---------------------------------------------------------------------------------------------
for tool in aws rclone s3cmd node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    bail "$tool is on PATH (install the smoke test's tools with: .ci/run --setup)"
  fi
done
if [ ! -f "$ROOT/dist/main.js" ]; then
  bail "dist/main.js exists (run npm run build first)"
fi

S3_PORT="$(free_port)"
CONSOLE_PORT="$(free_port)"
while [ "$CONSOLE_PORT" = "$S3_PORT" ]; do CONSOLE_PORT="$(free_port)"; done
ENDPOINT="http://127.0.0.1:$S3_PORT"
mkdir -p "$TMP/data"
(
  cd "$ROOT"
  export HOST=127.0.0.1 S3_PORT CONSOLE_PORT DATA_DIR="$TMP/data" FSYNC=false LOG_LEVEL=warn
  export ROOT_ACCESS_KEY="$ACCESS_KEY" ROOT_SECRET_KEY="$SECRET_KEY"
  unset DATABASE_URL MASTER_KEY
  if [ -n "${SMOKE_DATABASE_URL:-}" ]; then export DATABASE_URL="$SMOKE_DATABASE_URL" MASTER_KEY="$MASTER_KEY_HEX"; fi
  exec node dist/main.js
) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

if node_eval "
  const deadline = Date.now() + 30000;
  (async () => {
    for (;;) {
      try { const r = await fetch('$ENDPOINT/ready'); if (r.status === 200) process.exit(0); } catch {}
      try { process.kill($SERVER_PID, 0); } catch { process.exit(1); }
      if (Date.now() > deadline) process.exit(1);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();" && kill -0 "$SERVER_PID" 2>/dev/null; then
  ok "server ready at $ENDPOINT (${SMOKE_DATABASE_URL:+PostgreSQL}${SMOKE_DATABASE_URL:-SQLite})"
else
  bail "server ready at $ENDPOINT" "$TMP/server.log"
fi

SUFFIX="$(node_eval "console.log(require('crypto').randomBytes(4).toString('hex'))")"

# ---------------------------------------------------------------------------------------------
# The source tree: mixed sizes, nested 3 levels, unicode, spaces, + and %
# ---------------------------------------------------------------------------------------------
SRC="$TMP/src"
mkdir -p "$SRC/a/b/c" "$SRC/ünïcødé" "$SRC/with space/inner dir" "$SRC/plus+sign" "$SRC/percent%25" "$SRC/big"
: >"$SRC/empty.txt"
printf 'x' >"$SRC/one.bin"
head -c 3000 /dev/urandom | base64 >"$SRC/small 3k.txt"
echo "こんにちは、世界" >"$SRC/ünïcødé/日本語.txt"
head -c 5000 /dev/urandom >"$SRC/ünïcødé/naïve café.bin"
echo "space" >"$SRC/with space/file name.txt"
head -c 7000 /dev/urandom >"$SRC/with space/inner dir/deeper file.bin"
echo "plus" >"$SRC/plus+sign/a+b=c.txt"
echo "percent" >"$SRC/percent%25/100%.txt"
head -c 2048 /dev/urandom >"$SRC/a/b/c/leaf~(1).bin"
head -c 1048576 /dev/urandom >"$SRC/a/b/c/one-mib.bin"
head -c 9437184 /dev/urandom >"$SRC/a/b/nine-mib.bin"
head -c 4096 /dev/urandom >"$SRC/a/four-kib.bin"
head -c 52428800 /dev/urandom >"$SRC/big/fifty-mib.bin"
N_FILES="$(find "$SRC" -type f | wc -l | tr -d ' ')"
echo "# source tree: $N_FILES files, $(du -sh "$SRC" | cut -f1)"

# ---------------------------------------------------------------------------------------------
# AWS CLI (the `aws` on PATH, Debian's awscli), configured by env vars and temp files
# ---------------------------------------------------------------------------------------------
cat >"$TMP/aws-config" <<EOF
[default]
region = us-east-1
s3 =
    addressing_style = path
EOF
: >"$TMP/aws-credentials"
aws_() {
  env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL -u AWS_CA_BUNDLE \
    -u PYTHONPATH -u PYTHONHOME \
    AWS_CONFIG_FILE="$TMP/aws-config" AWS_SHARED_CREDENTIALS_FILE="$TMP/aws-credentials" \
    AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY" AWS_DEFAULT_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" \
    "$AWS" --endpoint-url "$ENDPOINT" "$@"
}
echo "# $("$AWS" --version 2>&1)"
B="smoke-aws-$SUFFIX"

check "aws s3 mb" aws_ s3 mb "s3://$B"
check "aws s3 sync up ($N_FILES files)" aws_ s3 sync --no-progress "$SRC" "s3://$B/tree"
count="$(aws_ s3 ls --recursive "s3://$B/tree/" 2>"$OUT" | wc -l | tr -d ' ')" || true
check_eq "aws s3 ls --recursive counts $N_FILES objects" "$N_FILES" "$count"

head -c 209715200 /dev/urandom >"$TMP/big200.bin"
check "aws s3 cp up 200 MiB (multipart)" aws_ s3 cp --no-progress "$TMP/big200.bin" "s3://$B/big/200mib.bin"
check "aws s3 cp down 200 MiB" aws_ s3 cp --no-progress "s3://$B/big/200mib.bin" "$TMP/big200.back"
check_eq "200 MiB round trip is byte-identical (sha256)" "$(sha "$TMP/big200.bin")" "$(sha "$TMP/big200.back" 2>/dev/null || echo missing)"
rm -f "$TMP/big200.bin" "$TMP/big200.back"

printf 'hello from s3api\n' >"$TMP/hello.txt"
check "aws s3api put-object" aws_ s3api put-object --bucket "$B" --key "api/hello world+ü.txt" --body "$TMP/hello.txt" \
  --content-type text/plain --metadata color=blue
check_eq "put-object ETag is the MD5 of the body" "\"$(md5sum "$TMP/hello.txt" | cut -d' ' -f1)\"" \
  "$(grep -o '\\"[0-9a-f]\{32\}\\"' "$OUT" | head -1 | tr -d '\\')"
head_out="$(aws_ s3api head-object --bucket "$B" --key "api/hello world+ü.txt" --query '[ContentLength, ContentType, Metadata.color]' --output text 2>&1)" || true
check_eq "aws s3api head-object (length, type, metadata)" "$(printf '17\ttext/plain\tblue')" "$head_out"
check "aws s3api get-object" aws_ s3api get-object --bucket "$B" --key "api/hello world+ü.txt" "$TMP/hello.back"
check "get-object body is byte-identical" cmp "$TMP/hello.txt" "$TMP/hello.back"

prefixes="$(aws_ s3api list-objects-v2 --bucket "$B" --prefix tree/ --delimiter / --query 'CommonPrefixes[].Prefix' --output text 2>&1 | tr '\t' '\n' | LC_ALL=C sort | tr '\n' '|')" || true
expected_prefixes="$(cd "$SRC" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./|tree/|; s|$|/|' | LC_ALL=C sort | tr '\n' '|')"
check_eq "aws s3api list-objects-v2 --prefix --delimiter: common prefixes" "$expected_prefixes" "$prefixes"
keys="$(aws_ s3api list-objects-v2 --bucket "$B" --prefix tree/ --delimiter / --query 'Contents[].Key' --output text 2>&1 | tr '\t' '\n' | LC_ALL=C sort | tr '\n' '|')" || true
expected_keys="$(cd "$SRC" && find . -mindepth 1 -maxdepth 1 -type f | sed 's|^\./|tree/|' | LC_ALL=C sort | tr '\n' '|')"
check_eq "aws s3api list-objects-v2 --prefix --delimiter: keys" "$expected_keys" "$keys"

check "aws s3api copy-object" aws_ s3api copy-object --bucket "$B" --key api/copy.txt --copy-source "$B/api/hello world+ü.txt"
check "aws s3api get-object of the copy" aws_ s3api get-object --bucket "$B" --key api/copy.txt "$TMP/copy.back"
check "copy is byte-identical" cmp "$TMP/hello.txt" "$TMP/copy.back"
deleted="$(aws_ s3api delete-objects --bucket "$B" \
  --delete '{"Objects":[{"Key":"api/hello world+ü.txt"},{"Key":"api/copy.txt"}],"Quiet":false}' \
  --query 'length(Deleted)' --output text 2>&1)" || true
check_eq "aws s3api delete-objects deletes 2" "2" "$deleted"
if aws_ s3api head-object --bucket "$B" --key api/copy.txt >"$OUT" 2>&1; then
  not_ok "deleted object is gone (head-object 404)"
elif grep -q '404' "$OUT"; then ok "deleted object is gone (head-object 404)"; else not_ok "deleted object is gone (head-object 404)" "$OUT"; fi

check "aws s3 sync down" aws_ s3 sync --no-progress "s3://$B/tree" "$TMP/aws-down"
check "aws: downloaded tree equals the source (diff -r)" diff -r "$SRC" "$TMP/aws-down"
rm -rf "$TMP/aws-down"
check "aws s3 rm --recursive" aws_ s3 rm --recursive "s3://$B"
count="$(aws_ s3 ls --recursive "s3://$B" 2>"$OUT" | wc -l | tr -d ' ')" || true
check_eq "bucket is empty after rm --recursive" "0" "$count"
check "aws s3 rb" aws_ s3 rb "s3://$B"
if aws_ s3 ls 2>&1 | grep -q "$B"; then not_ok "aws s3 ls no longer lists the bucket"; else ok "aws s3 ls no longer lists the bucket"; fi

# ---------------------------------------------------------------------------------------------
# rclone, configured by a temp config file (never ~/.config/rclone)
# ---------------------------------------------------------------------------------------------
cat >"$TMP/rclone.conf" <<EOF
[smoke]
type = s3
provider = Other
env_auth = false
access_key_id = $ACCESS_KEY
secret_access_key = $SECRET_KEY
endpoint = $ENDPOINT
region = us-east-1
force_path_style = true
EOF
# (rclone's S3 SDK fails on an AWS_CA_BUNDLE with a custom transport: unset it, it is plain http anyway)
rclone_() { env -u RCLONE_CONFIG -u AWS_CA_BUNDLE -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN rclone --config "$TMP/rclone.conf" --cache-dir "$TMP/rclone-cache" --retries 1 --low-level-retries 1 "$@"; }
echo "# $(rclone version 2>&1 | head -1)"
R="smoke-rclone-$SUFFIX"

check "rclone mkdir (new bucket)" rclone_ mkdir "smoke:$R"
check "rclone copy up" rclone_ copy "$SRC" "smoke:$R/tree"
count="$(rclone_ lsf -R --files-only "smoke:$R/tree" 2>"$OUT" | wc -l | tr -d ' ')" || true
check_eq "rclone lsf -R counts $N_FILES files" "$N_FILES" "$count"
check "rclone sync down" rclone_ sync "smoke:$R/tree" "$TMP/rclone-down"
check "rclone: downloaded tree equals the source (diff -r)" diff -r "$SRC" "$TMP/rclone-down"
check "rclone check (source vs bucket)" rclone_ check "$SRC" "smoke:$R/tree"
rm -rf "$TMP/rclone-down"
check "rclone purge" rclone_ purge "smoke:$R"

# ---------------------------------------------------------------------------------------------
# s3cmd, configured by a temp config file (never ~/.s3cfg); SigV4 by default, one SigV2 round trip
# ---------------------------------------------------------------------------------------------
cat >"$TMP/s3cfg" <<EOF
[default]
access_key = $ACCESS_KEY
secret_key = $SECRET_KEY
host_base = 127.0.0.1:$S3_PORT
host_bucket = 127.0.0.1:$S3_PORT
bucket_location = us-east-1
use_https = False
signature_v2 = False
check_ssl_certificate = False
progress_meter = False
EOF
s3cmd_() { s3cmd -c "$TMP/s3cfg" --no-ssl --host="127.0.0.1:$S3_PORT" --host-bucket="127.0.0.1:$S3_PORT" "$@"; }
echo "# $(s3cmd --version 2>&1)"
S="smoke-s3cmd-$SUFFIX"

check "s3cmd mb" s3cmd_ mb "s3://$S"
check "s3cmd sync up" s3cmd_ sync "$SRC/" "s3://$S/tree/"
count="$(s3cmd_ ls -r "s3://$S/tree/" 2>"$OUT" | wc -l | tr -d ' ')" || true
check_eq "s3cmd ls -r counts $N_FILES objects" "$N_FILES" "$count"
if s3cmd_ ls 2>"$OUT" | grep -q "s3://$S"; then ok "s3cmd ls lists the bucket"; else not_ok "s3cmd ls lists the bucket" "$OUT"; fi
check "s3cmd sync down" s3cmd_ sync "s3://$S/tree/" "$TMP/s3cmd-down/"
check "s3cmd: downloaded tree equals the source (diff -r)" diff -r "$SRC" "$TMP/s3cmd-down"
rm -rf "$TMP/s3cmd-down"
head -c 100000 /dev/urandom >"$TMP/v2.bin"
check "s3cmd --signature-v2 put" s3cmd_ --signature-v2 put "$TMP/v2.bin" "s3://$S/sigv2/object.bin"
check "s3cmd --signature-v2 get" s3cmd_ --signature-v2 get "s3://$S/sigv2/object.bin" "$TMP/v2.back"
check "SigV2 round trip is byte-identical" cmp "$TMP/v2.bin" "$TMP/v2.back"
check "s3cmd del --recursive" s3cmd_ del --recursive --force "s3://$S"
check "s3cmd rb" s3cmd_ rb "s3://$S"

# ---------------------------------------------------------------------------------------------
# restic (Debian package): a backup tool on minio-go, the S3 library of many Go tools (aws-chunked
# signed uploads over plain HTTP, ranged reads, listing, deletes when pruning).
if command -v restic >/dev/null 2>&1; then
  echo "# $(restic version 2>&1)"
  restic_() {
    AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY" RESTIC_PASSWORD=smoke-password \
      RESTIC_REPOSITORY="s3:$ENDPOINT/smoke-restic-$SUFFIX" XDG_CACHE_HOME="$TMP/restic-cache" restic --no-cache "$@"
  }
  check "restic init (creates the bucket)" restic_ init
  check "restic backup" restic_ backup --host smoke "$SRC"
  echo "changed after the first backup" >"$TMP/restic-extra.txt"
  check "restic backup (second snapshot, deduplicated)" restic_ backup --host smoke "$SRC" "$TMP/restic-extra.txt"
  check "restic check --read-data" restic_ check --read-data
  check "restic restore" restic_ restore latest --target "$TMP/restic-restore"
  check "restic: restored tree equals the source (diff -r)" diff -r "$SRC" "$TMP/restic-restore$SRC"
  check "restic forget --keep-last 1 --prune" restic_ forget --group-by host --keep-last 1 --prune
  check "restic check after prune" restic_ check
  count="$(restic_ snapshots --json 2>"$OUT" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).length))")" || true
  check_eq "restic keeps one snapshot" "1" "$count"
  rm -rf "$TMP/restic-restore"
else
  not_ok "restic is installed (apt-get install restic)"
fi

# ---------------------------------------------------------------------------------------------
# boto3 (test/cli/boto3_smoke.py): Debian's python3-boto3 under /usr/bin/python3, and also the
# python3 on PATH when it is another interpreter with its own (newer) boto3 — newer releases send
# CRC checksums with aws-chunked trailers by default, older ones do not; both must work.
boto3_ran=0
declare -A boto3_seen=()
for py in /usr/bin/python3 "$(command -v python3 || true)"; do
  [ -n "$py" ] && [ -x "$py" ] || continue
  version="$("$py" -c 'import boto3; print(boto3.__version__)' 2>/dev/null)" || continue
  [ -z "${boto3_seen[$version]:-}" ] || continue
  boto3_seen[$version]=1
  boto3_ran=1
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) ok "${line#ok - }" ;;
      "not ok - "*) not_ok "${line#not ok - }" ;;
      *) echo "$line" ;;
    esac
  done < <("$py" "$ROOT/test/cli/boto3_smoke.py" "$ENDPOINT" "$ACCESS_KEY" "$SECRET_KEY" "${SUFFIX}-${version//./}" "$TMP" 2>&1 || echo "not ok - boto3 $version: the script exited with an error")
done
[ "$boto3_ran" = 1 ] || not_ok "boto3 is installed (apt-get install python3-boto3)"

# ---------------------------------------------------------------------------------------------
if kill -0 "$SERVER_PID" 2>/dev/null; then ok "server still running"; else not_ok "server still running" "$TMP/server.log"; fi
if grep -qE 'ERROR|fatal' "$TMP/server.log"; then
  echo "# the server logged errors:"
  grep -E 'ERROR|fatal' "$TMP/server.log" | tail -n 10 | sed 's/^/#   /'
fi
summary
[ "$FAILED" = 0 ]
