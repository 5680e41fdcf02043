#!/usr/bin/env bash
# Udsyn's browser end-to-end tests: headless Debian Chromium (playwright-core) + axe-core.
#   bash tests/e2e/run.sh            builds target/debug/udsyn first (cargo build)
#   UDSYN_BIN=/path/udsyn bash tests/e2e/run.sh    tests that binary, no build
# Needs: node >= 20, npm, psql, PostgreSQL on 127.0.0.1:5432 (trust auth; override with
# E2E_PG_URL=postgres://user@host:port), chromium and chromedriver from Debian.
# Screenshots and target/e2e-screens/axe-summary.txt land in <repo>/target/e2e-screens.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

missing=0
for b in /usr/bin/chromium /usr/bin/chromedriver; do
  if [ ! -x "$b" ]; then
    echo "e2e: $b is missing." >&2
    missing=1
  fi
done
if [ "$missing" = 1 ]; then
  echo "e2e: install Chromium with: apt-get update && apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
for tool in node npm psql; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "e2e: '$tool' is not installed (apt-get install -y nodejs npm postgresql-client)." >&2
    exit 1
  fi
done

if [ -n "${UDSYN_BIN:-}" ]; then
  UDSYN_BIN="$(realpath "$UDSYN_BIN")"   # relative to where run.sh was started
  export UDSYN_BIN
fi

cd "$HERE"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ -f package-lock.json ]; then
  npm ci --silent --no-audit --no-fund
else
  npm install --silent --no-audit --no-fund
fi

if [ -z "${UDSYN_BIN:-}" ]; then
  if ! (cd "$ROOT" && cargo build --quiet); then
    echo "e2e: cargo build failed; fix the build, or test an existing binary with UDSYN_BIN=..." >&2
    exit 1
  fi
  export UDSYN_BIN="$ROOT/target/debug/udsyn"
fi

mkdir -p "$ROOT/target/e2e-screens"
rm -f "$ROOT/target/e2e-screens/"*.png "$ROOT/target/e2e-screens/"*.pdf "$ROOT/target/e2e-screens/axe-summary.txt"

start=$(date +%s)
status=0
# Every *.test.mjs runs in its own node process; they add to one axe-summary.txt for this run.
export E2E_RUN_ID="$(date -u +%Y-%m-%dT%H:%M:%SZ)-$$"
# TAP reporter: it ends with the summary lines "# tests N", "# pass N", "# fail N".
# tilgaengelighed.test.mjs goes last: it checks the accessibility statement against what the
# other files found in this run (E2E_FULL_RUN=1).
files=()
for f in "$HERE"/*.test.mjs; do
  [ "$(basename "$f")" = tilgaengelighed.test.mjs ] || files+=("$f")
done
files+=("$HERE/tilgaengelighed.test.mjs")
export E2E_FULL_RUN=1
node --test --test-concurrency=1 --test-reporter=tap "${files[@]}" || status=$?
echo "e2e: finished in $(( $(date +%s) - start )) s (exit $status); screenshots and axe-summary.txt in $ROOT/target/e2e-screens"
exit "$status"
