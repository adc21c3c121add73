#!/usr/bin/env bash
# Reload under load: wrk against one Switchyard process, once steady and once while the dynamic file
# is rewritten every second (a changed router each time), in alternating rounds; reports the
# throughput ratio and wrk's error counts (non-2xx answers and socket errors must both be 0). Then,
# without traffic, the CPU the gateway process spends per reload (rewrite, re-read, parse, validate,
# compile, swap): unlike the throughput ratio it does not depend on what else the cores are doing.
# Usage: bash bench/reload-under-load.sh [seconds] [rounds] [routers] [connections]
#   rounds 0 measures only the CPU per reload; BENCH_RELOADS=k sets how many reloads that takes (default 8).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-10}
ROUNDS=${2:-2}
ROUTERS=${3:-100}
CONNECTIONS=${4:-50}
bench_run_dir
BACKEND=$(freeport); WEB=$(freeport)
start_backend "$RUN" "$BACKEND"; PIDS+=($!)
gateway_config "$RUN" "$WEB"
# The default throttle (2 s, as Traefik's) would fold two rewrites into one reload: apply each one.
echo "  providersThrottleDuration: 0s" >> "$RUN/switchyard.yaml"
# The routers that never change, written once: generating 10,000 lines in a shell loop on every rewrite
# took CPU from the cores the gateway and wrk share, during the very window being measured.
host_routers "$ROUTERS" > "$RUN/routers.part"
# write_config <generation>: ROUTERS routers; the one named after the generation changes each time.
write_config() {
  many_routers_yaml "$BACKEND" "$RUN/routers.part" \
    "    gen$1: { rule: \"Path(\`/generation-$1\`)\", service: backend, middlewares: [generation] }" \
    "  middlewares:" \
    "    generation: { headers: { customResponseHeaders: { X-Generation: \"$1\" } } }" > "$RUN/bench.yaml.tmp"
  # A rename is atomic: the watcher never reads a half-written file.
  mv "$RUN/bench.yaml.tmp" "$RUN/dyn/bench.yaml"
}
write_config 0
"$NODE" bin/switchyard.js --configFile="$RUN/switchyard.yaml" >"$RUN/switchyard.log" 2>&1 & GATEWAY=$!; PIDS+=($GATEWAY)
gateway_up "$WEB" "$RUN/switchyard.log"

# True once generation $1 is in service: only its own router adds its X-Generation header (the catch-all answers that path too).
serves() { curl -sfI "http://127.0.0.1:$WEB/generation-$1" 2>/dev/null | tr -d '\r' | grep -qix "X-Generation: $1"; }
ticks() { awk '{print $14 + $15}' "/proc/$GATEWAY/stat"; } # user + system CPU of the gateway, in clock ticks
main_ticks() { awk '{print $14 + $15}' "/proc/$GATEWAY/task/$GATEWAY/stat"; } # the same, its main thread only
measure() { # -> "rps errors"
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$WEB/")
  local non2xx sock
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); sock=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(( ${non2xx:-0} + ${sock:-0} ))"
}
echo "# $(date -u +%F) node $("$NODE" --version), $(nproc) cores, $ROUTERS routers, wrk -t1 -c$CONNECTIONS -d${DURATION}s, reload every 1 s"
echo "| round | steady req/s | errors | reloading req/s | errors | rewrites (last applied) | reloading / steady |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$WEB/" >/dev/null # warm-up
for round in $(seq 1 "$ROUNDS"); do
  read -r steady steady_err < <(measure)
  ( g=0; while true; do g=$((g + 1)); write_config "$round-$g"; echo "$round-$g" > "$RUN/last.tmp"; mv "$RUN/last.tmp" "$RUN/last"; sleep 1; done ) & writer=$!
  read -r reloading reloading_err < <(measure)
  kill "$writer"; wait "$writer" 2>/dev/null || true
  # The last rewrite must be in service: its own router answers. ("last" is renamed into place: the writer
  # may be killed while it writes.)
  applied=no
  for _ in $(seq 1 100); do serves "$(cat "$RUN/last")" && { applied=yes; break; }; sleep 0.1; done
  awk -v r="$round" -v s="$steady" -v se="$steady_err" -v l="$reloading" -v le="$reloading_err" -v n="$(cut -d- -f2 "$RUN/last") ($applied)" \
    'BEGIN { printf "| %s | %.0f | %d | %.0f | %d | %s | %.2f |\n", r, s, se, l, le, n, l / s }'
  awk -v s="$steady" -v l="$reloading" 'BEGIN { printf "%.4f\n", l / s }' >> "$RUN/ratios"
done
# Steady throughput drifts from one round to the next on a shared machine: the median of many short
# rounds says more than any one of them.
if [ "$ROUNDS" -gt 0 ]; then
  echo "Median reloading / steady over $ROUNDS rounds: $(sort -n "$RUN/ratios" | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
fi

# CPU per reload without traffic: a rewrite every 2 s, each checked once to be in service (polling
# more often would count the polls' connections as reload cost).
RELOADS=${BENCH_RELOADS:-8}
sleep 2
before=$(ticks); main_before=$(main_ticks)
for g in $(seq 1 "$RELOADS"); do
  write_config "idle-$g"
  sleep 2
  serves "idle-$g" || echo "generation idle-$g was not in service 2 s after its rewrite" >&2
done
awk -v t="$(( $(ticks) - before ))" -v m="$(( $(main_ticks) - main_before ))" -v n="$RELOADS" -v hz="$(getconf CLK_TCK)" -v r="$ROUTERS" \
  'BEGIN { printf "\nCPU of the gateway process per reload without traffic (%d reloads, %d routers): %.0f ms, main thread %.0f ms\n", n, r, t / hz * 1000 / n, m / hz * 1000 / n }'
echo "Resident memory of the gateway process after them: $(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$GATEWAY/status") MB"
