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

summary=$(grep -E '^# \{ total: [0-9]+' "$log" | tail -n 1)
count() { sed -nE "s/.*[{ ]$1: ([0-9]+).*/\\1/p" <<<"$summary"; }
pass=$(count pass)
fail=$(count fail)
skip=$(count skip)
todo=$(count todo)
pass=${pass:-0}
fail=$((${fail:-0} + failed_extra))
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
# CI keeps only the end of the output, so the failures are listed again just above the summary.
if [ "$fail" -gt 0 ]; then
  echo "failures:"
  grep -nE '^ *not ok ' "$log" | head -n 60
  # What each failed assertion found (a log excerpt, an error) comes first in its block: shown, cut to fit.
  grep -nE -A 14 '^ *not ok [0-9]+ ' "$log" | grep -vE '^[0-9]+-\s*(---|\.\.\.)?$' | cut -c1-400 | head -n 120
fi
# Skips and todos are shown, never hidden: a skipped test for a missing component is a defect.
echo "$((${skip:-0} + ${todo:-0})) skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
