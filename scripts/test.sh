#!/usr/bin/env bash
# The test command (`npm test`): installs what the tests need, type-checks, runs every test with tap,
# and ends with the line "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/components.sh || { echo "could not install the test components"; echo "0 passed, 1 failed"; exit 1; }

failed_extra=0
if ! npx tsc -p . --noEmit; then
  echo "type check failed"
  failed_extra=1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
npx tap "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

bash scripts/tap-summary.sh "$log" "$status" "$failed_extra"
