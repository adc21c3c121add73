import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One real HTTP server on port 0 that answers with its id and records what it received. */
export interface PoolBackend {
  id: string;
  url: string;
  /** Requests other than health probes. */
  requests: number;
  /** Health probes (requests to the health path). */
  probes: number;
  /** Bodies of the requests other than probes, in arrival order. */
  bodies: Buffer[];
  /** Headers of the last request other than a probe. */
  lastHeaders: http.IncomingHttpHeaders;
  /** Status the health path answers (200 by default). */
  healthStatus: number;
  /** Location header of the health path's answer (for redirect tests). */
  healthLocation: string | undefined;
  /** Method, URL and headers of the last probe. */
  lastProbe: { method: string; url: string; headers: http.IncomingHttpHeaders } | undefined;
  /** Milliseconds the health path waits before answering. */
  healthDelay: number;
  /** Milliseconds every other request waits before answering. */
  delay: number;
  /** Set-Cookie lines every answer carries (to check they are kept next to a sticky cookie). */
  setCookies: string[];
  close(): Promise<void>;
}

/** Starts `count` backends with ids `a`, `b`, `c`, …; `healthPath` (default `/health`) answers `healthStatus`. */
export async function startBackendPool(count: number, healthPath = '/health'): Promise<PoolBackend[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startPoolBackend(String.fromCharCode(97 + i), healthPath)));
}

async function startPoolBackend(id: string, healthPath: string): Promise<PoolBackend> {
  const server = http.createServer();
  const backend: PoolBackend = {
    id,
    url: '',
    requests: 0,
    probes: 0,
    bodies: [],
    lastHeaders: {},
    healthStatus: 200,
    healthLocation: undefined,
    lastProbe: undefined,
    healthDelay: 0,
    delay: 0,
    setCookies: [],
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const probe = req.url?.split('?')[0] === healthPath;
      if (probe) {
        backend.probes++;
        backend.lastProbe = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      } else {
        backend.requests++;
        backend.bodies.push(Buffer.concat(chunks));
        backend.lastHeaders = req.headers;
      }
      const answer = (): void => {
        if (res.destroyed) return;
        if (backend.setCookies.length > 0) res.setHeader('set-cookie', backend.setCookies);
        if (probe && backend.healthLocation) res.setHeader('location', backend.healthLocation);
        // Paths under /fail answer 500, so a health redirect can lead to a failing page.
        const status = probe ? backend.healthStatus : req.url?.startsWith('/fail') ? 500 : 200;
        res.writeHead(status, { 'content-type': 'text/plain', 'x-backend': id });
        res.end(id);
      };
      const wait = probe ? backend.healthDelay : backend.delay;
      if (wait > 0) setTimeout(answer, wait);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  backend.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return backend;
}

/** Closes every backend of a pool. */
export async function closeBackendPool(backends: readonly PoolBackend[]): Promise<void> {
  await Promise.all(backends.map((b) => b.close()));
}
