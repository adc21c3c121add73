import http from 'node:http';
import { once } from 'node:events';

/** A running demo backend. */
export interface DemoBackend {
  name: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * Starts a small "whoami" backend for the examples: it answers every path with its name and
 * what it received (method, path, headers), and `/health` with 200.
 */
export async function startDemoBackend(name: string, port = 0, host = '127.0.0.1'): Promise<DemoBackend> {
  const server = http.createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    const body = JSON.stringify({ server: name, method: req.method, url: req.url, headers: req.headers }, null, 2);
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Demo-Server': name });
    res.end(`${body}\n`);
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  return {
    name,
    port: typeof address === 'object' && address ? address.port : port,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
