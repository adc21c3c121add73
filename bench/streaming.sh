#!/usr/bin/env bash
# Streaming: a 1 GiB download and a 1 GiB upload (Content-Length, and chunked) through one Switchyard
# process and through nginx (1 process, proxy buffering off), side by side with the backend straight.
# The backend (bench/streaming.ts) generates the download and counts and discards the upload; curl is
# the client. The proxy's RSS is sampled every 250 ms during each transfer.
# Prints bytes, MB/s and RSS start/peak/end per transfer; exits non-zero when a byte count is wrong.
# Usage: bash bench/streaming.sh [bytes (default 1 GiB)]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SIZE=${1:-1073741824}
ROUNDS=${2:-1}
bench_run_dir
BACKEND=$(freeport); WEB=$(freeport); NGINX_PORT=$(freeport)
"$NODE" bench/streaming.ts "$BACKEND" "$SIZE" & PIDS+=($!)

gateway_config "$RUN" "$WEB"
one_route "$RUN" "$BACKEND"
"$NODE" bin/switchyard.js --configFile="$RUN/switchyard.yaml" >"$RUN/switchyard.log" 2>&1 & SY=$!; PIDS+=($SY)

# One nginx process (no master), streaming both ways: without these settings nginx spools a large
# upload to a temporary file and buffers the download, which is a different thing to measure.
cat > "$RUN/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
pid $RUN/nginx.pid;
error_log $RUN/nginx.error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/client_body;
  proxy_temp_path $RUN/proxy_temp;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 8; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    client_max_body_size 0;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
CONF
"$NGINX" -c "$RUN/nginx.conf" -p "$RUN" & NG=$!; PIDS+=($NG)

for port in "$BACKEND" "$WEB" "$NGINX_PORT"; do
  ok=
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/" >/dev/null && { ok=1; break; }; sleep 0.05; done
  [ -n "$ok" ] || { echo "port $port did not come up"; cat "$RUN"/*.log; exit 1; }
done
# The upload source: a sparse file, so curl sends Content-Length without the disk holding 1 GiB.
truncate -s "$SIZE" "$RUN/upload.bin"

rss_mb() { [ "$1" = - ] && { echo -; return; }; awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
FAILED=0
# transfer <name> <pid or -> <port> <download|upload|upload-chunked>
transfer() {
  local name=$1 pid=$2 port=$3 kind=$4 start peak end sampler out bytes secs halves
  start=$(rss_mb "$pid")
  if [ "$pid" != - ]; then
    ( while true; do awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; sleep 0.25; done ) > "$RUN/rss" 2>/dev/null & sampler=$!
  fi
  case "$kind" in
    download) out=$(curl -sS -o /dev/null -w '%{size_download} %{time_total}' "http://127.0.0.1:$port/download") ;;
    upload) out=$(curl -sS -T "$RUN/upload.bin" -o "$RUN/answer" -w '%{size_upload} %{time_total}' "http://127.0.0.1:$port/upload") ;;
    upload-chunked) out=$(curl -sS -T - -H 'Transfer-Encoding: chunked' -o "$RUN/answer" -w '%{size_upload} %{time_total}' "http://127.0.0.1:$port/upload" < "$RUN/upload.bin") ;;
  esac
  read -r bytes secs <<<"$out"
  if [ "$kind" != download ]; then
    # What the backend counted is what passed through the proxy.
    bytes=$(tr -d '\n' < "$RUN/answer")
  fi
  if [ "$pid" != - ]; then
    kill "$sampler"; wait "$sampler" 2>/dev/null || true
    end=$(rss_mb "$pid")
    peak=$(awk -v s="$start" 'BEGIN { m = s * 1024 } $1 > m { m = $1 } END { printf "%.0f", m / 1024 }' "$RUN/rss")
    halves=$(awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) { h = i <= NR / 2 ? 1 : 2; if (v[i] > m[h]) m[h] = v[i] } printf "%s | %s", m[1] ? sprintf("%.0f", m[1] / 1024) : "-", m[2] ? sprintf("%.0f", m[2] / 1024) : "-" }' "$RUN/rss")
  else
    end=-; peak=-; halves="- | -"
  fi
  local status=ok
  [ "$bytes" = "$SIZE" ] || { status="MISMATCH"; FAILED=1; }
  awk -v r="$round" -v n="$name" -v k="$kind" -v b="$bytes" -v t="$secs" -v s="$start" -v p="$peak" -v e="$end" -v st="$status" -v h="$halves" \
    'BEGIN { printf "| %s | %s | %s | %s (%s) | %.1f | %.0f | %s | %s | %s | %s |\n", r, n, k, b, st, t, b / t / 1e6, s, p, e, h }'
}

echo "# $(date -u '+%F %H:%M') UTC, node $("$NODE" --version), $("$NGINX" -v 2>&1 | sed 's/.*: //'), curl $(curl --version | awk 'NR==1 {print $2}'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $SIZE bytes each way"
echo
echo "| round | path | transfer | bytes at the far end | seconds | MB/s | RSS start MB | RSS peak MB | RSS end MB | peak, 1st half | peak, 2nd half |"
echo "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$ROUNDS"); do
  for kind in download upload upload-chunked; do
    transfer direct - "$BACKEND" "$kind"
    transfer switchyard "$SY" "$WEB" "$kind"
    transfer nginx "$NG" "$NGINX_PORT" "$kind"
  done
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$FAILED"
