#!/usr/bin/env bash
# Resident memory of one Switchyard process with many routers, through the phases of a gateway's life:
# idle after the first load, under wrk, while the file is rewritten every second under wrk, idle 8 s and
# 60 s after the reloads stop, and under wrk again. Prints the RSS of each phase, wrk's requests/s, and
# what each release of freed memory (`memory.releaseAfterReload`) did: RSS before and after, duration.
# Usage: bash bench/memory-after-reloads.sh [routers] [reloads] [releaseAfterReload]
#   releaseAfterReload: the static option (default here 5s; the gateway's own default, 0s, never releases).
#   BENCH_NODE_FLAGS passes V8 or Node flags to the gateway (e.g. --min-semi-space-size=16).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
ROUTERS=${1:-10000}
RELOADS=${2:-10}
RELEASE=${3:-5s}
bench_run_dir
BACKEND=$(freeport); WEB=$(freeport)
start_backend "$RUN" "$BACKEND"; PIDS+=($!)
gateway_config "$RUN" "$WEB"
# Every rewrite applied on its own; debug logs carry the releases.
printf '  providersThrottleDuration: 0s\nlog: { level: DEBUG, format: json }\nmemory: { releaseAfterReload: %s }\n' "$RELEASE" >> "$RUN/switchyard.yaml"
host_routers "$ROUTERS" > "$RUN/routers.part"
write_config() {
  many_routers_yaml "$BACKEND" "$RUN/routers.part" "    gen$1: { rule: \"Path(\`/generation-$1\`)\", service: backend }" > "$RUN/bench.yaml.tmp"
  mv "$RUN/bench.yaml.tmp" "$RUN/dyn/bench.yaml"
}
write_config 0
"$NODE" ${BENCH_NODE_FLAGS:-} bin/switchyard.js --configFile="$RUN/switchyard.yaml" >"$RUN/switchyard.log" 2>&1 & GATEWAY=$!; PIDS+=($GATEWAY)
gateway_up "$WEB" "$RUN/switchyard.log"
rss() { awk '/VmRSS/ {printf "%d MB", $2 / 1024}' "/proc/$GATEWAY/status"; }
load() { wrk -t1 -c50 -d"$1" "http://127.0.0.1:$WEB/" | awk '/Requests\/sec/ {printf "%d req/s", $2}'; }
echo "routers: $ROUTERS, reloads: $RELOADS, memory.releaseAfterReload: $RELEASE, node flags: ${BENCH_NODE_FLAGS:-none}"
sleep 8; echo "idle after the first load:      $(rss)"
echo "under wrk, 10 s ($(load 10)):    $(rss)"
wrk -t1 -c50 -d"$((RELOADS + 2))" "http://127.0.0.1:$WEB/" > "$RUN/wrk-reloads.txt" & WRK=$!
for g in $(seq 1 "$RELOADS"); do write_config "$g"; sleep 1; done
wait $WRK
echo "after $RELOADS reloads under wrk: $(rss) ($(awk '/Requests\/sec/ {printf "%d req/s", $2}' "$RUN/wrk-reloads.txt"), non-2xx: $(grep -c Non-2xx "$RUN/wrk-reloads.txt" || true))"
sleep 8; echo "idle 8 s after the last reload: $(rss)"
# Whether V8's own memory reducer has given the pages back by itself a minute later.
sleep 52; echo "idle 60 s after the last reload: $(rss)"
echo "under wrk again ($(load 10)):   $(rss)"
sleep 8; echo "idle again:                     $(rss)"
echo "releases (RSS before → after, ms):"
grep 'given back to the system' "$RUN/switchyard.log" | sed -E 's/.*"rssBeforeMB":([0-9]+),"rssAfterMB":([0-9]+),"ms":([0-9]+).*/  \1 → \2 MB, \3 ms/' || echo "  none"
