// A bare Node forwarder on an undici Pool (callback dispatch API) and nothing else: the floor for that library.
// With a worker count, that many cluster workers share the port: the floor for Switchyard's worker mode.
// Usage: node bench/bare-undici.mjs <port> <backend-url> [workers]
import cluster from 'node:cluster';
import http from 'node:http';
import { Pool } from 'undici';

const [port, backend, workers = '1'] = process.argv.slice(2);
const pool = new Pool(backend, { headersTimeout: 0, bodyTimeout: 0 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection', 'trailer']);

class Relay {
  constructor(res) {
    this.res = res;
  }
  onConnect() {}
  onHeaders(status, raw, resume, text) {
    if (status < 200) return true;
    const headers = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toString('latin1');
      if (!HOP.has(name.toLowerCase())) headers.push(name, raw[i + 1].toString('latin1'));
    }
    this.res.writeHead(status, text, headers);
    this.resume = resume;
    return true;
  }
  onData(chunk) {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.resume);
    return false;
  }
  onComplete() {
    this.res.end();
  }
  onError() {
    if (!this.res.headersSent) this.res.writeHead(502).end();
    else this.res.destroy();
  }
}

if (Number(workers) > 1 && cluster.isPrimary) {
  for (let i = 0; i < Number(workers); i++) cluster.fork();
  // The bench stops the primary alone; its workers go with it.
  process.on('SIGTERM', () => process.exit(0));
} else {
  http
    .createServer((req, res) => {
      const headers = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP.has(name)) headers[name] = value;
      const body = req.headers['content-length'] || req.headers['transfer-encoding'] ? req : null;
      pool.dispatch({ path: req.url, method: req.method, headers, body }, new Relay(res));
    })
    .listen(Number(port), '127.0.0.1');
}
