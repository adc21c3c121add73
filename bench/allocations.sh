#!/usr/bin/env bash
# Bytes allocated per forwarded request (sampled, garbage included), by allocating function: Switchyard
# (one router to one server, default settings) and the bare undici forwarder, under the same wrk load.
# Usage: bash bench/allocations.sh [seconds] [top]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-5}
TOP=${2:-25}
source bench/lib.sh
bench_run_dir
BACKEND=$(freeport)
start_backend "$RUN" "$BACKEND"; PIDS+=($!)
profile() { # name port inspector-port command...
  local name=$1 port=$2 inspector=$3
  shift 3
  "$@" >/dev/null 2>&1 & PIDS+=($!)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.05; done
  wrk -t1 -c50 -d2s "http://127.0.0.1:$port/" >/dev/null # warm-up: let the JIT settle first
  echo "## $name"
  echo
  "$NODE" bench/allocations.mjs "$inspector" "$SECONDS_RUN" "http://127.0.0.1:$port/" "$TOP"
  echo
}
SY=$(freeport); SY_INSPECT=$(freeport)
gateway_config "$RUN/sy" "$SY"; one_route "$RUN/sy" "$BACKEND"
profile switchyard "$SY" "$SY_INSPECT" "$NODE" --inspect="127.0.0.1:$SY_INSPECT" bin/switchyard.js --configFile="$RUN/sy/switchyard.yaml"
BARE=$(freeport); BARE_INSPECT=$(freeport)
profile bare-undici "$BARE" "$BARE_INSPECT" "$NODE" --inspect="127.0.0.1:$BARE_INSPECT" bench/bare-undici.mjs "$BARE" "http://127.0.0.1:$BACKEND"
