#!/usr/bin/env bash
# Routing scale: 10 vs 1,000 vs 10,000 routers in one gateway process (see bench/routing-scale.ts).
# Usage: bash bench/routing-scale.sh [seconds] [rounds] [connections]
#   seconds 0 skips wrk (compile CPU and RSS only); BENCH_ROUTERS=10,1000,10000 sets the sizes and
#   BENCH_RELOADS=k adds k snapshots of the largest table with one router changed each,
#   BENCH_NODE_FLAGS passes V8 or Node flags to the process (e.g. --trace-gc),
#   BENCH_HEAP_PROFILE=N lists the N functions that allocated most during those reloads, and
#   BENCH_SHAPE=paths puts every router on one host with its own path prefix, BENCH_SHAPE=hostregexp
#   gives each a HostRegexp for one tenant's subdomains (default: a Host each).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUN=$(mktemp -d)
BACKEND_PID=
cleanup() { [ -n "$BACKEND_PID" ] && kill "$BACKEND_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT
BACKEND=$(freeport)
start_backend "$RUN" "$BACKEND"; BACKEND_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$BACKEND/" >/dev/null && break; sleep 0.05; done
"$NODE" ${BENCH_NODE_FLAGS:-} --expose-gc --import ./bin/ts-hooks.js bench/routing-scale.ts "http://127.0.0.1:$BACKEND" "${1:-5}" "${2:-2}" "${3:-50}"
