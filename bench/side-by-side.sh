#!/usr/bin/env bash
# Two forwarders loaded at the same time, each by its own wrk, so both see the same machine in every
# round: requests/s of each, A/B, and the median over the rounds. On these shared 2-core machines runs
# one after the other move by more than most changes (±25%); two processes sharing the cores at the same
# moment do not, so this is the measure for "did this change make the gateway faster".
# Usage: bash bench/side-by-side.sh [rounds] [seconds] [A] [B]
#   A, B: `switchyard` (this checkout, one process, one router to one server), `bare-undici`
#         (bench/bare-undici.mjs: forwarding and nothing else), or `rev:<git revision>` (that commit's
#         sources, run with this checkout's node_modules). Default: switchyard against bare-undici.
#   CONNECTIONS: wrk connections for each (default 25). NODE_FLAGS_A / NODE_FLAGS_B: Node flags for one side.
#   WRK_ARGS: more wrk arguments for both, e.g. '-H "Connection: close"' for a new connection per request.
# A control: the same forwarder on both sides (`switchyard switchyard`) shows the spread the ratio must beat.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROUNDS=${1:-9}
SECS=${2:-6}
A=${3:-switchyard}
B=${4:-bare-undici}
CONNECTIONS=${CONNECTIONS:-25}
WRK=(-t1 -c"$CONNECTIONS")
[ -n "${WRK_ARGS:-}" ] && eval "WRK+=($WRK_ARGS)"
bench_run_dir
BACKEND=$(freeport)
start_backend "$RUN" "$BACKEND"; PIDS+=($!)

# start <side> <what> <port>: starts one forwarder on 127.0.0.1:<port>.
start() {
  local side=$1 what=$2 port=$3 dir=. flags=()
  local flag_var="NODE_FLAGS_$side"
  read -ra flags <<<"${!flag_var:-}"
  case "$what" in
    bare-undici)
      "$NODE" "${flags[@]}" bench/bare-undici.mjs "$port" "http://127.0.0.1:$BACKEND" >"$RUN/$side.log" 2>&1 & PIDS+=($!)
      return ;;
    switchyard) ;;
    rev:*)
      dir="$RUN/src-$side"
      mkdir -p "$dir"
      git archive "${what#rev:}" | tar -x -C "$dir"
      ln -s "$PWD/node_modules" "$dir/node_modules" ;;
    *) echo "unknown forwarder: $what (switchyard, bare-undici or rev:<git revision>)"; exit 2 ;;
  esac
  gateway_config "$RUN/$side" "$port"
  one_route "$RUN/$side" "$BACKEND"
  "$NODE" "${flags[@]}" "$dir/bin/switchyard.js" --configFile="$RUN/$side/switchyard.yaml" >"$RUN/$side.log" 2>&1 & PIDS+=($!)
}
PORT_A=$(freeport); PORT_B=$(freeport)
start A "$A" "$PORT_A"
start B "$B" "$PORT_B"
gateway_up "$PORT_A" "$RUN/A.log" 300 "A ($A)"
gateway_up "$PORT_B" "$RUN/B.log" 300 "B ($B)"
for port in "$PORT_A" "$PORT_B"; do wrk "${WRK[@]}" -d2s "http://127.0.0.1:$port/" >/dev/null; done # JIT warm-up

echo "A: $A, B: $B; each under wrk ${WRK[*]} -d${SECS}s at the same time, $ROUNDS rounds"
echo
echo "| round | A requests/s | B requests/s | A / B |"
echo "| ---: | ---: | ---: | ---: |"
for r in $(seq 1 "$ROUNDS"); do
  read -r a b < <(load_pair "http://127.0.0.1:$PORT_A/" "http://127.0.0.1:$PORT_B/" "${WRK[@]}" -d"${SECS}s")
  echo "| $r | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", a / b}') |" | tee -a "$RUN/rows"
done
echo
awk -F'|' '{print $5}' "$RUN/rows" | median_summary "A / B"
