#!/usr/bin/env bash
# Docs check: the commands the README shows, run as written against a fresh server.
#  - "Quick start": the server's first boot prints the root credentials as `export …` lines (they
#    are pasted, as a user would), then every ```bash block of the section runs.
#  - "Console API": the login / me / buckets block.
#  - "Tenants, users, keys and policies": the admin CLI block (`npm run admin -- …`).
#  - The TypeORM CLI commands of src/ormconfig.ts (`npx typeorm -d dist/ormconfig.js …`).
# The server runs from dist/ (run `npm run build` first) on free ports with a temp DATA_DIR; the
# README's 127.0.0.1:9000 / :9001 / localhost:9001 are rewritten to those ports, nothing else.
# Commands run in a temp directory with HOME there (no ~/.aws read). Prints `ok - …` /
# `not ok - …` lines and `tests: N passed, N failed`; exits non-zero when anything failed.
# Env: DOCS_KEEP=1 keeps the temp dir.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
README="$ROOT/README.md"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/os3-docs.XXXXXX")"
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
  if [ "${DOCS_KEEP:-}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
  echo "tests: $PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
trap 'finish; exit $?' EXIT

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{const p=s.address().port;s.close(()=>console.log(p))})"; }

# blocks SECTION: the ```bash blocks of the README section whose heading is exactly "## SECTION",
# each ending with a line "#--- end of block".
blocks() {
  awk -v want="## $1" '
    /^## / { insec = ($0 == want) }
    insec && /^```bash$/ { inblock = 1; next }
    inblock && /^```$/ { inblock = 0; print "#--- end of block"; next }
    inblock { print }
  ' "$README"
}

# run_block NAME FILE: runs FILE with bash -e in the work dir; output to FILE.out.
run_block() {
  local name="$1" file="$2"
  if (cd "$WORK" && bash -e -o pipefail "$file") >"$file.out" 2>&1; then
    ok "$name"
  else
    not_ok "$name (exit $?)"
    sed 's/^/#   /' "$file.out" | tail -n 30
  fi
}

# split_blocks SECTION PREFIX: writes each block of SECTION to PREFIX.N.sh, ports rewritten; prints the count.
split_blocks() {
  blocks "$1" | sed -e "s#127\.0\.0\.1:9000#127.0.0.1:$S3_PORT#g" -e "s#127\.0\.0\.1:9001#127.0.0.1:$CONSOLE_PORT#g" \
    -e "s#localhost:9001#localhost:$CONSOLE_PORT#g" |
    awk -v prefix="$2" 'BEGIN { n = 0; f = prefix "." n ".sh" } /^#--- end of block$/ { close(f); n++; f = prefix "." n ".sh"; next } { print > f } END { print n }'
}

if [ ! -f "$ROOT/dist/main.js" ]; then
  not_ok "dist/main.js exists (run npm run build first)"
  exit 1
fi
for tool in aws curl node npm; do
  command -v "$tool" >/dev/null 2>&1 || { not_ok "$tool is on PATH (install the tools with: .ci/run --setup)"; exit 1; }
done

WORK="$TMP/work"
mkdir -p "$WORK"
S3_PORT="$(free_port)"
CONSOLE_PORT="$(free_port)"
export HOME="$TMP/home" DATA_DIR="$TMP/data" S3_PORT CONSOLE_PORT FSYNC=false LOG_FORMAT=text
mkdir -p "$HOME"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE ROOT_ACCESS_KEY ROOT_SECRET_KEY DATABASE_URL
echo "# server on S3 :$S3_PORT, console :$CONSOLE_PORT, data in $DATA_DIR"

# --- Quick start: first boot prints the credentials ------------------------------------------
(cd "$ROOT" && exec node dist/main.js) >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
ready=0
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$S3_PORT/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" = 1 ]; then ok "the server answers /ready"; else
  not_ok "the server answers /ready"
  sed 's/^/#   /' "$TMP/server.log" | tail -n 30
  exit 1
fi
# The README shows them as `WARN  [Main]   export AWS_ACCESS_KEY_ID=AK...`: paste exactly those lines.
grep -oE 'export AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)=[^ ]+' "$TMP/server.log" >"$TMP/credentials.sh"
if [ "$(wc -l <"$TMP/credentials.sh")" = 2 ]; then ok "the first boot prints export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"; else
  not_ok "the first boot prints export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
  sed 's/^/#   /' "$TMP/server.log" | head -n 30
  exit 1
fi
# The README: open the web console at the URL the boot prints.
console_url="$(grep -oE 'Web console: http://[^ ]+/' "$TMP/server.log" | head -n 1 | sed 's/^Web console: //')"
if [ -n "$console_url" ] && curl -fsS "$console_url" | grep -qi '<div id="root"'; then ok "the boot prints the web console's URL ($console_url) and it serves the app"; else
  not_ok "the boot prints the web console's URL and it serves the app (got: '${console_url}')"
fi
# shellcheck disable=SC1091
. "$TMP/credentials.sh"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

n="$(split_blocks 'Quick start' "$TMP/quick")"
[ "$n" -ge 1 ] && ok "the Quick start section has $n bash block(s)" || not_ok "the Quick start section has bash blocks"
for i in $(seq 0 $((n - 1))); do run_block "Quick start, block $((i + 1))" "$TMP/quick.$i.sh"; done
out="$(cat "$TMP"/quick.*.sh.out 2>/dev/null)"
grep -qx 'hello' <<<"$out" && ok "quick start: s3 cp s3://my-bucket/hello.txt - prints hello" || not_ok "quick start: s3 cp s3://my-bucket/hello.txt - prints hello"
grep -qE '"Prefix": "some-dir/"' <<<"$out" && ok "quick start: list-objects-v2 --delimiter / shows the synced some-dir/" || not_ok "quick start: list-objects-v2 --delimiter / shows the synced some-dir/"

# --- Console API ---------------------------------------------------------------------------
n="$(split_blocks 'Console API' "$TMP/console")"
[ "$n" -ge 1 ] && ok "the Console API section has $n bash block(s)" || not_ok "the Console API section has bash blocks"
for i in $(seq 0 $((n - 1))); do run_block "Console API, block $((i + 1))" "$TMP/console.$i.sh"; done
out="$(cat "$TMP"/console.*.sh.out 2>/dev/null)"
grep -qE '"username": ?"root"' <<<"$out" && ok "console: auth/me names the root user" || not_ok "console: auth/me names the root user"
grep -q '"name":"my-bucket"' <<<"$out" && ok "console: buckets lists my-bucket" || not_ok "console: buckets lists my-bucket"

# --- Admin CLI (same DATA_DIR, while the server runs) ----------------------------------------
n="$(split_blocks 'Tenants, users, keys and policies' "$TMP/admin")"
[ "$n" -ge 1 ] && ok "the admin CLI section has $n bash block(s)" || not_ok "the admin CLI section has bash blocks"
# `npm run admin` runs in the project; the block's files (read-only.json) are in the work dir.
for i in $(seq 0 $((n - 1))); do
  sed -i "s#\./read-only\.json#$WORK/read-only.json#g; s#> read-only\.json#> $WORK/read-only.json#g" "$TMP/admin.$i.sh"
  if (cd "$ROOT" && bash -e -o pipefail "$TMP/admin.$i.sh") >"$TMP/admin.$i.sh.out" 2>&1; then ok "admin CLI, block $((i + 1))"; else
    not_ok "admin CLI, block $((i + 1)) (exit $?)"
    sed 's/^/#   /' "$TMP/admin.$i.sh.out" | tail -n 30
  fi
done
out="$(cat "$TMP"/admin.*.sh.out 2>/dev/null)"
grep -q 'AWS_SECRET_ACCESS_KEY' <<<"$out" && ok "admin CLI: key create prints the secret" || not_ok "admin CLI: key create prints the secret"
grep -qE '"username": ?"dev"' <<<"$out" && ok "admin CLI: user list --json shows dev" || not_ok "admin CLI: user list --json shows dev"
# The key the block disabled is refused by the running server (it said: within 5 s).
refused=0
for _ in $(seq 1 70); do
  if ! AWS_ACCESS_KEY_ID=AKIAMIGRATEDEXAMPLE1 AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' \
    aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 ls >/dev/null 2>&1; then refused=1; break; fi
  sleep 0.1
done
[ "$refused" = 1 ] && ok "admin CLI: the disabled key is refused by the server" || not_ok "admin CLI: the disabled key is refused by the server"

# --- TypeORM CLI (src/ormconfig.ts) ----------------------------------------------------------
if (cd "$ROOT" && npx --no-install typeorm -d dist/ormconfig.js migration:show) >"$TMP/typeorm.out" 2>&1 &&
  grep -q '\[X\]' "$TMP/typeorm.out" && ! grep -q '\[ \]' "$TMP/typeorm.out"; then
  ok "npx typeorm -d dist/ormconfig.js migration:show lists every migration as run"
else
  not_ok "npx typeorm -d dist/ormconfig.js migration:show lists every migration as run"
  sed 's/^/#   /' "$TMP/typeorm.out" | tail -n 20
fi
if (cd "$ROOT" && npx --no-install typeorm -d dist/ormconfig.js migration:run) >"$TMP/typeorm-run.out" 2>&1 &&
  grep -q 'No migrations are pending' "$TMP/typeorm-run.out"; then
  ok "npx typeorm -d dist/ormconfig.js migration:run has nothing to do after the server's boot"
else
  not_ok "npx typeorm -d dist/ormconfig.js migration:run has nothing to do after the server's boot"
  sed 's/^/#   /' "$TMP/typeorm-run.out" | tail -n 20
fi
