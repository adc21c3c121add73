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
