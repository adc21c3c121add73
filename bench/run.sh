#!/usr/bin/env bash
# Proxy benchmark: Switchyard and nginx (1 worker) forwarding to the same backend, side by side in one run.
# Usage: bash bench/run.sh [duration-seconds] [connections]
# Needs nginx and wrk from Debian (installed when missing and running as root). Results are ratios:
# on a 2-core machine absolute numbers mean little, the same run's nginx is the yardstick.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-50}
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null
fi
# The repository pins Node 24 (DESIGN.md); the system node may be older.
NODE=node_modules/.bin/node
[ -x "$NODE" ] || NODE=node
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
RUN=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT
freeport() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
BACKEND=$(freeport); NGINX_PROXY=$(freeport); SY_WEB=$(freeport); SY_INTERNAL=$(freeport)

# The backend: nginx answering a small body, so it is never the bottleneck.
cat > "$RUN/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $RUN/nginx.pid;
error_log $RUN/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; }
  server { listen 127.0.0.1:$BACKEND; location / { return 200 "hello\n"; } }
  server {
    listen 127.0.0.1:$NGINX_PROXY;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
"$NGINX" -c "$RUN/nginx.conf" -p "$RUN" & PIDS+=($!)

mkdir -p "$RUN/dyn"
cat > "$RUN/switchyard.yaml" <<CONF
entryPoints:
  web: { address: "127.0.0.1:$SY_WEB" }
  switchyard: { address: "127.0.0.1:$SY_INTERNAL" }
ping: {}
providers:
  file: { directory: dyn }
CONF
cat > "$RUN/dyn/bench.yaml" <<CONF
http:
  routers:
    bench: { rule: "PathPrefix(\`/\`)", service: backend }
  services:
    backend:
      loadBalancer:
        servers: [{ url: "http://127.0.0.1:$BACKEND" }]
CONF
"$NODE" bin/switchyard.js --configFile="$RUN/switchyard.yaml" >"$RUN/switchyard.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$SY_INTERNAL/ready" >/dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$SY_WEB/" >/dev/null || { echo "switchyard did not come up"; cat "$RUN/switchyard.log"; exit 1; }
curl -sf "http://127.0.0.1:$NGINX_PROXY/" >/dev/null || { echo "nginx did not come up"; exit 1; }

measure() { # name url
  wrk -t1 -c"$CONNECTIONS" -d2s "$2" >/dev/null 2>&1 # warm-up
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$2" > "$RUN/$1.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$RUN/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$RUN/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$RUN/$1.txt")
  echo "$1 $rps $p50 $p99"
}
echo "node $("$NODE" --version), $(nproc) cores, wrk -t1 -c$CONNECTIONS -d${DURATION}s"
printf '%-22s %12s %10s %10s\n' proxy requests/s p50 p99
results=()
for target in "nginx-1-worker http://127.0.0.1:$NGINX_PROXY/" "switchyard http://127.0.0.1:$SY_WEB/"; do
  line=$(measure $target)
  results+=("$line")
  printf '%-22s %12s %10s %10s\n' $line
done
ng=$(awk '{print $2}' <<<"${results[0]}"); sy=$(awk '{print $2}' <<<"${results[1]}")
awk -v a="$sy" -v b="$ng" 'BEGIN { printf "switchyard / nginx requests/s: %.2f\n", a / b }'
