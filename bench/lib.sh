# Shared by the bench scripts: Node 24, a free port, and an nginx backend answering a small body.
NODE=node_modules/.bin/node
[ -x "$NODE" ] || NODE=node
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
freeport() { "$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# start_backend <dir> <port>: one nginx worker, never the bottleneck for one Node process.
start_backend() {
  cat > "$1/backend.conf" <<CONF
worker_processes 1;
daemon off;
pid $1/backend.pid;
error_log $1/backend.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$2; keepalive_requests 100000; location / { return 200 "hello\n"; } }
}
CONF
  "$NGINX" -c "$1/backend.conf" -p "$1" &
}
# bench_run_dir: sets RUN (a temporary folder, removed at exit) and PIDS (processes killed at exit).
bench_run_dir() {
  RUN=$(mktemp -d)
  PIDS=()
  trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$RUN"' EXIT
}
# gateway_config <dir> <web-port> [workers]: switchyard.yaml with entry point web and the file provider on <dir>/dyn.
gateway_config() {
  mkdir -p "$1/dyn"
  {
    [ -n "${3:-}" ] && echo "workers: $3"
    printf 'entryPoints:\n  web: { address: "127.0.0.1:%s" }\nproviders:\n  file: { directory: dyn }\n' "$2"
  } > "$1/switchyard.yaml"
}
# one_route <dir> <backend-port>: one router taking every path to one server, in <dir>/dyn/bench.yaml.
one_route() {
  printf 'http:\n  routers:\n    bench: { rule: "PathPrefix(`/`)", service: backend }\n  services:\n    backend:\n      loadBalancer:\n        servers: [{ url: "http://127.0.0.1:%s" }]\n' "$2" > "$1/dyn/bench.yaml"
}
# host_routers <count>: router lines r1..rN, each `Host(hN.bench)` to the service backend, for many_routers_yaml.
host_routers() { for i in $(seq 1 "$1"); do echo "    r$i: { rule: \"Host(\`h$i.bench\`)\", service: backend }"; done; }
# many_routers_yaml <backend-port> <routers-file> [line...]: an http section with the routers written by
# host_routers, a router taking every other request, the given lines (more routers, or whole sections
# indented as the routers are), and the one-server service backend.
many_routers_yaml() {
  local backend=$1 routers=$2
  shift 2
  echo "http:"
  echo "  routers:"
  cat "$routers"
  echo "    bench: { rule: \"PathPrefix(\`/\`)\", service: backend }"
  [ $# -gt 0 ] && printf '%s\n' "$@"
  echo "  services:"
  echo "    backend: { loadBalancer: { servers: [{ url: \"http://127.0.0.1:$backend\" }] } }"
}
# gateway_up <port> <log> [tries] [name]: waits until the gateway on <port> answers (tries × 50 ms, 200 by
# default); if it never does, prints its log and exits.
gateway_up() {
  for _ in $(seq 1 "${3:-200}"); do curl -sf "http://127.0.0.1:$1/" >/dev/null && return 0; sleep 0.05; done
  curl -sf "http://127.0.0.1:$1/" >/dev/null || { echo "${4:-switchyard} did not come up"; cat "$2"; exit 1; }
}
# median_summary <label>: reads one number a line, prints "<label>: median M (min, max, N rounds)".
median_summary() {
  sort -g | awk -v label="$1" 'NF { v[++n] = $1 } END {
    if (!n) { print label ": no rounds"; exit }
    m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    printf "%s: median %.3f (min %.3f, max %.3f, %d rounds)\n", label, m, v[1], v[n], n
  }'
}
# load_pair <url-a> <url-b> <wrk args...>: the same wrk load on both at the same moment; prints
# "<requests/s of a> <requests/s of b>", and any non-2xx answers or socket errors on standard error.
load_pair() {
  local a=$1 b=$2 out side wa wb
  shift 2
  out=$(mktemp -d)
  wrk "$@" "$a" > "$out/A" & wa=$!
  wrk "$@" "$b" > "$out/B" & wb=$!
  wait "$wa" "$wb"
  for side in A B; do
    if grep -q 'Non-2xx\|Socket errors' "$out/$side"; then echo "errors from $side:" >&2; grep 'Non-2xx\|Socket errors' "$out/$side" >&2; fi
  done
  echo "$(awk '/Requests\/sec/ {print $2}' "$out/A") $(awk '/Requests\/sec/ {print $2}' "$out/B")"
  rm -rf "$out"
}
