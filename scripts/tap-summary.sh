#!/usr/bin/env bash
# The end of the test command's output, from a saved tap log: the failures (again, since CI keeps only
# the end of the output), the skipped count, and the line "N passed, N failed" that CI reads.
# Usage: bash scripts/tap-summary.sh <tap-log> <tap-exit-status> [extra-failures]
# Exits 0 when nothing failed. Used by scripts/test.sh; test/scripts/tap-summary.test.ts covers it.
set -uo pipefail
log=$1
status=$2
failed_extra=${3:-0}

summary=$(grep -E '^# \{ total: [0-9]+' "$log" | tail -n 1)
count() { sed -nE "s/.*[{ ]$1: ([0-9]+).*/\\1/p" <<<"$summary"; }
pass=$(count pass)
fail=$(count fail)
skip=$(count skip)
todo=$(count todo)
pass=${pass:-0}
fail=$((${fail:-0} + failed_extra))
# tap failing without counting a failure (a crash, a file that never ran) is still a failure.
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
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
