#!/usr/bin/env bash
# Two Switchyard processes on the same many-router file, loaded at the same time so both see the same
# machine: A with `memory.releaseAfterReload` (it gives back what its first build freed), B with it off.
# Prints, per round, both processes' requests/s, A/B, and both RSS. With RELEASE_A=0s both are the same
# gateway: the spread of that control is the noise the ratio has to beat.
# Usage: bash bench/release-side-by-side.sh [routers] [rounds] [pairs]
#   RELEASE_A: A's releaseAfterReload (default 2s); B always has 0s.
#   NODE_FLAGS_A: V8 or Node flags for A only (e.g. --min-semi-space-size=16).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROUTERS=${1:-10000}
ROUNDS=${2:-3}
PAIRS=${3:-1}
RELEASE_A=${RELEASE_A:-2s}
echo "routers: $ROUTERS, A releaseAfterReload: $RELEASE_A, node flags: ${NODE_FLAGS_A:-none}; B: 0s; each under wrk -t1 -c25 -d10 at the same time"
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
pair() (
  bench_run_dir
  BACKEND=$(freeport)
  start_backend "$RUN" "$BACKEND"; PIDS+=($!)
  host_routers "$ROUTERS" > "$RUN/routers.part"
  declare -A PORT PID
  for g in A B; do
    mkdir -p "$RUN/$g"; PORT[$g]=$(freeport); gateway_config "$RUN/$g" "${PORT[$g]}"
    release=0s; [ "$g" = A ] && release=$RELEASE_A
    printf 'memory: { releaseAfterReload: %s }\n' "$release" >> "$RUN/$g/switchyard.yaml"
    many_routers_yaml "$BACKEND" "$RUN/routers.part" > "$RUN/$g/dyn/bench.yaml"
    flags=(); [ "$g" = A ] && read -ra flags <<<"${NODE_FLAGS_A:-}"
    "$NODE" "${flags[@]}" bin/switchyard.js --configFile="$RUN/$g/switchyard.yaml" >"$RUN/$g.log" 2>&1 & PID[$g]=$!; PIDS+=($!)
  done
  for g in A B; do gateway_up "${PORT[$g]}" "$RUN/$g.log" 300 "gateway $g"; done
  sleep 6 # A's release runs 2 s after its table is in service
  for r in $(seq 1 "$ROUNDS"); do
    read -r a b < <(load_pair "http://127.0.0.1:${PORT[A]}/" "http://127.0.0.1:${PORT[B]}/" -t1 -c25 -d10)
    echo "pair $1 round $r: A $a req/s, B $b req/s, A/B $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}'), RSS A $(rss "${PID[A]}") MB, B $(rss "${PID[B]}") MB"
  done
)
ROWS=$(mktemp)
for p in $(seq 1 "$PAIRS"); do pair "$p"; done | tee "$ROWS"
sed -n 's/.*A\/B \([0-9.]*\).*/\1/p' "$ROWS" | median_summary "A/B"
rm -f "$ROWS"
