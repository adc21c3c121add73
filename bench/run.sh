#!/usr/bin/env bash
# Proxy benchmark: Switchyard (undici and http-proxy-3 forwarders), nginx (1 worker), HAProxy (1 thread),
# Caddy and bare Node forwarders (undici in one process and in two cluster workers, http-proxy-3), all
# forwarding to the same backend, measured side by side in one run.
# Usage: bash bench/run.sh [duration-seconds] [connections] [rounds] [pause-ms]
# (pause-ms: mean pause of each connection between requests in the fixed-rate latency section, default 20)
# Installs nginx-light, wrk, haproxy and caddy from Debian when missing (as root). Results are ratios:
# on a small shared machine absolute numbers mean little, the same round's nginx is the yardstick.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-50}
ROUNDS=${3:-2}
PAUSE_MS=${4:-20}
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v caddy >/dev/null || missing+=(caddy)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Node 24 as the repository pins it (the system node may be older), nginx, free ports, the run folder.
source bench/lib.sh
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
bench_run_dir
BACKEND=$(freeport); NGINX_PROXY=$(freeport); HAPROXY_PORT=$(freeport); CADDY_PORT=$(freeport)
SY_UNDICI=$(freeport); SY_HTTPPROXY=$(freeport); BARE_HP=$(freeport); BARE_UNDICI=$(freeport)
NGINX_2=$(freeport); SY_WORKERS=$(freeport); BARE_UNDICI_2=$(freeport)

declare -A PID_OF=()
# The backend: its own nginx process answering a small body, never the bottleneck.
nginx_conf() { # name server-block [workers]
  cat > "$RUN/$1.conf" <<CONF
worker_processes ${3:-1};
daemon off;
pid $RUN/$1.pid;
error_log $RUN/$1.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; }
  $2
}
CONF
  "$NGINX" -c "$RUN/$1.conf" -p "$RUN" & PIDS+=($!); PID_OF[$1]=$!
}
nginx_conf backend "server { listen 127.0.0.1:$BACKEND; keepalive_requests 100000; location / { return 200 \"hello\\n\"; } }"
nginx_conf proxy "server { listen 127.0.0.1:$NGINX_PROXY; keepalive_requests 100000; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
nginx_conf proxy2 "server { listen 127.0.0.1:$NGINX_2; keepalive_requests 100000; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }" 2

cat > "$RUN/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend web
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend servers
backend servers
  http-reuse always
  server s1 127.0.0.1:$BACKEND
CONF
"$HAPROXY" -f "$RUN/haproxy.cfg" -db >"$RUN/haproxy.log" 2>&1 & PIDS+=($!); PID_OF[haproxy-1-thread]=$!

cat > "$RUN/Caddyfile" <<CONF
{
  admin off
  auto_https off
}
http://127.0.0.1:$CADDY_PORT {
  reverse_proxy 127.0.0.1:$BACKEND
}
CONF
XDG_DATA_HOME="$RUN" XDG_CONFIG_HOME="$RUN" caddy run --config "$RUN/Caddyfile" --adapter caddyfile >"$RUN/caddy.log" 2>&1 & PIDS+=($!); PID_OF[caddy]=$!

"$NODE" bench/bare-http-proxy.mjs "$BARE_HP" "http://127.0.0.1:$BACKEND" & PIDS+=($!); PID_OF[bare-http-proxy-3]=$!
"$NODE" bench/bare-undici.mjs "$BARE_UNDICI" "http://127.0.0.1:$BACKEND" & PIDS+=($!); PID_OF[bare-undici]=$!
"$NODE" bench/bare-undici.mjs "$BARE_UNDICI_2" "http://127.0.0.1:$BACKEND" 2 & PIDS+=($!); PID_OF[bare-undici-2-workers]=$!

switchyard() { # name port forwarder workers target-name
  gateway_config "$RUN/$1" "$2" "$4"
  one_route "$RUN/$1" "$BACKEND"
  SWITCHYARD_FORWARDER=$3 "$NODE" bin/switchyard.js --configFile="$RUN/$1/switchyard.yaml" >"$RUN/$1.log" 2>&1 & PIDS+=($!); PID_OF[$5]=$!
}
switchyard sy-undici "$SY_UNDICI" undici 1 switchyard-undici
switchyard sy-http-proxy "$SY_HTTPPROXY" http-proxy 1 switchyard-http-proxy
switchyard sy-workers "$SY_WORKERS" undici 2 switchyard-workers-2
PID_OF[nginx-1-worker]=${PID_OF[proxy]}
PID_OF[nginx-2-workers]=${PID_OF[proxy2]}

TARGETS=(
  "nginx-1-worker $NGINX_PROXY"
  "nginx-2-workers $NGINX_2"
  "haproxy-1-thread $HAPROXY_PORT"
  "caddy $CADDY_PORT"
  "switchyard-undici $SY_UNDICI"
  "switchyard-http-proxy $SY_HTTPPROXY"
  "switchyard-workers-2 $SY_WORKERS"
  "bare-undici $BARE_UNDICI"
  "bare-undici-2-workers $BARE_UNDICI_2"
  "bare-http-proxy-3 $BARE_HP"
)
for target in "${TARGETS[@]}" "backend $BACKEND"; do
  set -- $target
  ok=
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$2/" >/dev/null && { ok=1; break; }; sleep 0.05; done
  [ -n "$ok" ] || { echo "$1 did not come up"; cat "$RUN"/*.log; exit 1; }
done

ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.3f", v }' <<<"$1"; }
measure() { # connections duration url -> "rps p50ms p99ms requests"
  local out
  out=$(wrk -t1 -c"$1" -d"$2s" --latency "$3")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "errors against $3:" >&2; grep 'Non-2xx\|Socket errors' <<<"$out" >&2; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(ms "$(awk '$1=="99%" {print $2}' <<<"$out")") $(awk '/requests in/ {print $1}' <<<"$out")"
}

# CPU (user + system) a proxy spends per request, all its processes and threads counted: unlike
# requests/s it does not depend on how the 2 cores are shared with wrk and the backend, so it is the
# steadier ratio on a busy machine (a proxy with a core to itself serves about 1 / this per second).
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
tree_ticks() { local p total=0; for p in "$1" $(descendants "$1"); do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$total"; }
HZ=$(getconf CLK_TCK)
measure_cpu() { # connections duration url pid -> "rps p50ms p99ms cpu-us-per-request"
  local before after rps p50 p99 n
  before=$(tree_ticks "$4")
  read -r rps p50 p99 n < <(measure "$1" "$2" "$3")
  after=$(tree_ticks "$4")
  echo "$rps $p50 $p99 $(awk -v a="$before" -v b="$after" -v n="$n" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz * 1e6 / n }')"
}

echo "# $(date -u +%F) node $("$NODE" --version), $(nproc) cores, $("$NGINX" -v 2>&1 | sed 's/.*: //'), $("$HAPROXY" -v | head -1 | awk '{print "haproxy " $3}'), caddy $(caddy version | awk '{print $1}'), wrk -t1 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds"
echo
echo "| round | proxy | requests/s | p50 ms | p99 ms | / nginx | / nginx 2 workers | / caddy | p99 / nginx p99 | CPU µs / request | nginx CPU / this CPU |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$ROUNDS"); do
  declare -A rps=() p50=() p99=() cpu=()
  for target in "${TARGETS[@]}"; do
    set -- $target
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$2/" >/dev/null 2>&1 # warm-up
    read -r rps["$1"] p50["$1"] p99["$1"] cpu["$1"] < <(measure_cpu "$CONNECTIONS" "$DURATION" "http://127.0.0.1:$2/" "${PID_OF[$1]}")
  done
  for target in "${TARGETS[@]}"; do
    set -- $target
    awk -v r="$round" -v n="$1" -v a="${rps[$1]}" -v b="${p50[$1]}" -v c="${p99[$1]}" -v ng="${rps[nginx-1-worker]}" -v n2="${rps[nginx-2-workers]}" -v cd="${rps[caddy]}" -v np="${p99[nginx-1-worker]}" -v u="${cpu[$1]}" -v nu="${cpu[nginx-1-worker]}" \
      'BEGIN { printf "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.2f |\n", r, n, a, b, c, a / ng, a / n2, a / cd, c / np, u, nu / u }'
  done
done

# Latency at a fixed offered load, the same for every proxy and well under each one's capacity: at
# full load (above) a closed-loop client's latency is connections / requests-per-second on average,
# so there the p99 ratio mostly restates the throughput ratio; here it is the latency a proxy adds.
echo
echo "| proxy | requests/s (offered: $CONNECTIONS connections, mean pause $PAUSE_MS ms) | p50 ms | p99 ms | p99.9 ms | max ms | p99 / nginx p99 | errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
nginx_fixed_p99=
for target in "${TARGETS[@]}"; do
  set -- $target
  read -r _ n us p50us p99us p999us maxus errors < <(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/fixed-rate.lua "http://127.0.0.1:$2/" -- "$PAUSE_MS" | grep '^fixed-rate ')
  [ -n "$nginx_fixed_p99" ] || nginx_fixed_p99=$p99us
  awk -v t="$1" -v n="$n" -v us="$us" -v a="$p50us" -v b="$p99us" -v c="$p999us" -v m="$maxus" -v np="$nginx_fixed_p99" -v e="$errors" \
    'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |\n", t, n / us * 1e6, a / 1000, b / 1000, c / 1000, m / 1000, b / np, e }'
done

# Added latency of one hop at one connection: p50 through each proxy minus p50 straight to the backend.
echo
echo "| proxy | p50 at 1 connection, ms | added over direct, ms |"
echo "| --- | ---: | ---: |"
read -r _ direct _ < <(measure 1 "$DURATION" "http://127.0.0.1:$BACKEND/")
echo "| direct to backend | $direct | |"
for target in "${TARGETS[@]}"; do
  set -- $target
  read -r _ p _ < <(measure 1 "$DURATION" "http://127.0.0.1:$2/")
  awk -v n="$1" -v p="$p" -v d="$direct" 'BEGIN { printf "| %s | %.3f | %.3f |\n", n, p, p - d }'
done
