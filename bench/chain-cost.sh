#!/usr/bin/env bash
# Typical-chain cost: one Switchyard process with a plain router and a router behind the chain headers
# (two request and two response headers), stripPrefix, rateLimit (never refusing) and retry (2 attempts),
# both to the same backend; wrk alternates between them over several rounds so noise from other work hits
# both, and the table gives each round's ratio chain / plain and the median, in requests/s and in the
# gateway process's CPU time per request (steadier on a machine shared with other work).
# Usage: bash bench/chain-cost.sh [seconds] [rounds] [connections] [mode] [router (profile mode)]
#   mode chain (default): plain and the whole chain.
#   mode each: plain, each middleware alone, the chain without retry, and the whole chain.
#   mode profile: the gateway runs with --cpu-prof while wrk loads one router (default chain) for
#     [seconds]; prints where the samples went
#     (bench/chain-cost.ts) and keeps the .cpuprofile (path printed). Routers: plain, chain, headers,
#     stripPrefix, rateLimit, retry, withoutRetry.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-5}
ROUNDS=${2:-3}
CONNECTIONS=${3:-50}
MODE=${4:-chain}
TARGET=${5:-chain}
bench_run_dir
BACKEND=$(freeport); WEB=$(freeport)
start_backend "$RUN" "$BACKEND"; PIDS+=($!)
gateway_config "$RUN" "$WEB"
# Every router has its own path prefix, so routing costs the same for each; stripPrefix removes it.
cat > "$RUN/dyn/bench.yaml" <<CONF
http:
  routers:
    plain: { rule: "PathPrefix(\`/plain\`)", service: backend }
    chain: { rule: "PathPrefix(\`/chain\`)", service: backend, middlewares: [hdr, strip-chain, limit, retry] }
    headers: { rule: "PathPrefix(\`/headers\`)", service: backend, middlewares: [hdr] }
    stripPrefix: { rule: "PathPrefix(\`/stripPrefix\`)", service: backend, middlewares: [strip-one] }
    rateLimit: { rule: "PathPrefix(\`/rateLimit\`)", service: backend, middlewares: [limit] }
    retry: { rule: "PathPrefix(\`/retry\`)", service: backend, middlewares: [retry] }
    withoutRetry: { rule: "PathPrefix(\`/withoutRetry\`)", service: backend, middlewares: [hdr, strip-without, limit] }
  middlewares:
    hdr:
      headers:
        customRequestHeaders: { X-Bench-Request: "1", X-Tenant: "bench" }
        customResponseHeaders: { X-Bench-Response: "1", X-Served-By: "switchyard" }
    strip-chain: { stripPrefix: { prefixes: ["/chain"] } }
    strip-one: { stripPrefix: { prefixes: ["/stripPrefix"] } }
    strip-without: { stripPrefix: { prefixes: ["/withoutRetry"] } }
    # Far above what one process serves: the bucket never refuses, so only the limiter's work is measured.
    limit: { rateLimit: { average: 10000000, burst: 10000000 } }
    retry: { retry: { attempts: 2 } }
  services:
    backend:
      loadBalancer:
        servers: [{ url: "http://127.0.0.1:$BACKEND" }]
CONF
PROFILE_ARGS=()
[ "$MODE" = profile ] && PROFILE_ARGS=(--cpu-prof --cpu-prof-interval=250 "--cpu-prof-dir=$RUN/prof")
"$NODE" "${PROFILE_ARGS[@]}" bin/switchyard.js --configFile="$RUN/switchyard.yaml" >"$RUN/switchyard.log" 2>&1 & SY=$!; PIDS+=($SY)
for path in plain chain headers stripPrefix rateLimit retry withoutRetry; do
  ok=
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$WEB/$path/x" >/dev/null && { ok=1; break; }; sleep 0.05; done
  [ -n "$ok" ] || { echo "router $path did not answer"; cat "$RUN/switchyard.log"; exit 1; }
done
# The chain must really run: its response header is there.
curl -sfi "http://127.0.0.1:$WEB/chain/x" | grep -qi '^x-bench-response: 1' || { echo "chain headers missing"; exit 1; }

# CPU time of the gateway process (user + system, clock ticks): on a machine shared with other work,
# CPU per request is steadier than requests/s, which depend on how much CPU the process was given.
cputicks() { awk '{ print $14 + $15 }' "/proc/$SY/stat"; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

if [ "$MODE" = profile ]; then
  wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$WEB/$TARGET/x" >/dev/null # warm-up
  echo "# $(date -u '+%F %H:%M') UTC, node $("$NODE" --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), profile of router $TARGET, wrk -t1 -c$CONNECTIONS -d${DURATION}s"
  before=$(cputicks)
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$WEB/$TARGET/x")
  cpu_us=$(( ($(cputicks) - before) * TICK_US ))
  grep 'requests in\|Requests/sec' <<<"$out"
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  kill -INT "$SY"; wait "$SY" 2>/dev/null || true
  prof=$(ls "$RUN"/prof/*.cpuprofile | head -1)
  keep=$(mktemp -t "chain-cost-$TARGET-XXXXXX.cpuprofile")
  cp "$prof" "$keep"
  echo "# profile kept at $keep"
  "$NODE" bench/chain-cost.ts "$prof" "$DURATION" "$requests" "$cpu_us"
  exit 0
fi

case "$MODE" in
  chain) ROUTERS=(plain chain) ;;
  each) ROUTERS=(plain headers stripPrefix rateLimit retry withoutRetry chain) ;;
  *) echo "unknown mode $MODE (chain, each, profile)"; exit 2 ;;
esac
ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.3f", v }' <<<"$1"; }
measure() { # url -> "rps p50ms p99ms errors cpu-us-per-request"
  local out non2xx sock before after
  before=$(cputicks)
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1")
  after=$(cputicks)
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); sock=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(ms "$(awk '$1=="99%" {print $2}' <<<"$out")") $(( ${non2xx:-0} + ${sock:-0} ))" \
    "$(awk -v t=$(( (after - before) * TICK_US )) '/requests in/ { printf "%.1f", t / $1 }' <<<"$out")"
}
echo "# $(date -u '+%F %H:%M') UTC, node $("$NODE" --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), wrk -t1 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, mode $MODE"
echo
echo "| round | router | requests/s | p50 ms | p99 ms | errors | / plain | gateway CPU µs / request | CPU / plain |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for path in "${ROUTERS[@]}"; do wrk -t1 -c"$CONNECTIONS" -d1s "http://127.0.0.1:$WEB/$path/x" >/dev/null; done # warm-up
declare -A ratios=() cpuratios=()
for round in $(seq 1 "$ROUNDS"); do
  declare -A rps=() p50=() p99=() errs=() cpu=()
  # Alternate the order each round, so neither side always runs right after the other.
  order=("${ROUTERS[@]}")
  if (( round % 2 == 0 )); then order=(); for ((i=${#ROUTERS[@]}-1; i>=0; i--)); do order+=("${ROUTERS[$i]}"); done; fi
  for path in "${order[@]}"; do
    read -r rps[$path] p50[$path] p99[$path] errs[$path] cpu[$path] < <(measure "http://127.0.0.1:$WEB/$path/x")
  done
  for path in "${ROUTERS[@]}"; do
    ratio=$(awk -v a="${rps[$path]}" -v b="${rps[plain]}" 'BEGIN { printf "%.3f", a / b }')
    cpuratio=$(awk -v a="${cpu[$path]}" -v b="${cpu[plain]}" 'BEGIN { printf "%.3f", a / b }')
    ratios[$path]="${ratios[$path]:-} $ratio"
    cpuratios[$path]="${cpuratios[$path]:-} $cpuratio"
    awk -v r="$round" -v n="$path" -v a="${rps[$path]}" -v b="${p50[$path]}" -v c="${p99[$path]}" -v e="${errs[$path]}" -v q="$ratio" -v u="${cpu[$path]}" -v w="$cpuratio" \
      'BEGIN { printf "| %s | %s | %.0f | %.2f | %.2f | %d | %.2f | %.0f | %.2f |\n", r, n, a, b, c, e, q, u, w }'
  done
done
echo
median() { sort -n | awk '{ v[NR]=$1; all = all (NR > 1 ? ", " : "") sprintf("%.2f", $1) } END { printf "%.3f %s\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, all }'; }
echo "| router | median requests/s / plain | throughput cost | ratios, sorted | median CPU per request / plain | CPU ratios, sorted |"
echo "| --- | ---: | ---: | --- | ---: | --- |"
for path in "${ROUTERS[@]}"; do
  [ "$path" = plain ] && continue
  # shellcheck disable=SC2086
  read -r m all < <(printf '%s\n' ${ratios[$path]} | median)
  # shellcheck disable=SC2086
  read -r cm call < <(printf '%s\n' ${cpuratios[$path]} | median)
  awk -v n="$path" -v m="$m" -v a="$all" -v cm="$cm" -v ca="$call" 'BEGIN { printf "| %s | %.2f | %.0f%% | %s | %.2f | %s |\n", n, m, (1 - m) * 100, a, cm, ca }'
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
