#!/usr/bin/env bash
# System calls per forwarded request (strace -c on every thread of the process), Switchyard (one router to
# one server, default settings) next to the bare undici forwarder under the same wrk load: equal counts
# mean the difference in CPU per request is spent in user space, not in the kernel.
# Usage: bash bench/syscalls.sh [seconds] [top]     (needs strace; ptrace must be allowed)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-5}
TOP=${2:-8}
command -v strace >/dev/null || { echo "strace is not installed (apt-get install strace)"; exit 1; }
source bench/lib.sh
bench_run_dir
BACKEND=$(freeport)
start_backend "$RUN" "$BACKEND"; PIDS+=($!)
count() { # name port command...
  local name=$1 port=$2
  shift 2
  "$@" >/dev/null 2>&1 & local pid=$!; PIDS+=($pid)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.05; done
  wrk -t1 -c20 -d2s "http://127.0.0.1:$port/" >/dev/null # warm-up
  strace -f -c -p "$pid" -o "$RUN/$name.strace" 2>/dev/null & local tracer=$!
  sleep 1
  local requests
  requests=$(wrk -t1 -c20 -d"${SECONDS_RUN}s" "http://127.0.0.1:$port/" | grep -oE '[0-9]+ requests' | cut -d' ' -f1)
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  echo "## $name ($requests requests)"
  echo
  echo "| system call | per request |"
  echo "| --- | ---: |"
  awk -v r="$requests" '$NF != "total" && $4 ~ /^[0-9]+$/ { printf "| %s | %.3f |\n", $NF, $4 / r }' "$RUN/$name.strace" | sort -t'|' -k3 -nr | head -n "$TOP"
  echo
}
SY=$(freeport)
gateway_config "$RUN/sy" "$SY"; one_route "$RUN/sy" "$BACKEND"
count switchyard "$SY" "$NODE" bin/switchyard.js --configFile="$RUN/sy/switchyard.yaml"
BARE=$(freeport)
count bare-undici "$BARE" "$NODE" bench/bare-undici.mjs "$BARE" "http://127.0.0.1:$BACKEND"
