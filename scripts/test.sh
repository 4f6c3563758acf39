#!/usr/bin/env bash
# The whole test suite: what `npm test` and .ci/run run. Installs the Debian packages the tests need
# when they are missing (as root), builds the executable the end-to-end tests run, type-checks, runs
# `bun test`, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v tmux >/dev/null || need+=(tmux)
command -v chromium >/dev/null || need+=(chromium)
# systemd-analyze verify / security --offline check the unit (no systemd as PID 1 needed).
command -v systemd-analyze >/dev/null || need+=(systemd)
# The HTTPS suite validates real HTTP-01 challenges against pebble, a test ACME CA (with its fake DNS).
{ command -v pebble >/dev/null && command -v pebble-challtestsrv >/dev/null; } || need+=(pebble)
# promtool checks and unit-tests the alert rules (ops/prometheus) and lints /metrics.
command -v promtool >/dev/null || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
      || { echo "apt-get install ${need[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})"
    echo "0 passed, 1 failed"; exit 1
  fi
fi

# The tests read the shared fixtures (shared/fixtures, shared/reference) that live beside the repo. A
# clone made elsewhere from a local checkout finds them beside the checkout it came from.
if [ -z "${SHARED_DIR:-}" ] && [ ! -d ../shared/fixtures ]; then
  origin=$(git config --get remote.origin.url 2>/dev/null || true)
  if [ -n "$origin" ] && [ -d "$origin/../shared/fixtures" ]; then export SHARED_DIR="$(cd "$origin/../shared" && pwd)"; fi
fi
if [ ! -d "${SHARED_DIR:-../shared}/fixtures" ]; then
  echo "the shared fixtures are missing: check this repo out beside shared/ (../shared/fixtures), or set SHARED_DIR"
  echo "0 passed, 1 failed"; exit 1
fi

BUN=node_modules/.bin/bun
failed=0
extra_fail=0

if ! $BUN scripts/build.ts --no-smoke; then echo "build failed"; extra_fail=$((extra_fail + 1)); fi
if ! node_modules/.bin/tsc --noEmit -p .; then echo "type check failed"; extra_fail=$((extra_fail + 1)); fi
# One formatter (prettier, .prettierrc.json): `npm run format` rewrites, this only checks.
if ! node_modules/.bin/prettier --check --log-level warn "src/**/*.{ts,tsx}" "test/**/*.ts" "scripts/**/*.ts"; then echo "format check failed: run npm run format"; extra_fail=$((extra_fail + 1)); fi

log=$(mktemp)
# Per-test and hook budget: the e2e tests start servers and binaries, which on a loaded 2-core machine
# can pass bun's 5 s default without anything being wrong (timing goals live in scripts/bench-*).
$BUN test --timeout 60000 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
pass=$(grep -aE '^ *[0-9]+ pass$' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
fail=$(grep -aE '^ *[0-9]+ fail$' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
rm -f "$log"
if [ "$status" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi # bun failed without a count (e.g. a crash)
failed=$((fail + extra_fail))
echo "${pass} passed, ${failed} failed"
[ "$failed" = 0 ]
