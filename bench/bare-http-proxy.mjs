// A bare Node forwarder on http-proxy-3 with a keep-alive agent and nothing else: the floor for that library.
// Usage: node bench/bare-http-proxy.mjs <port> <backend-url>
import http from 'node:http';
import { createProxyServer } from 'http-proxy-3';

const [port, backend] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
const proxy = createProxyServer({ target: backend, agent });
proxy.on('error', (_err, _req, res) => {
  if (res && 'writeHead' in res && !res.headersSent) res.writeHead(502).end();
});
http.createServer((req, res) => proxy.web(req, res)).listen(Number(port), '127.0.0.1');
