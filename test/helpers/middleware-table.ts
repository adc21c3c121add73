import http, { type IncomingHttpHeaders } from 'node:http';
import type { MiddlewareDefinition } from '../../src/middleware/definition.js';
import type { Backend } from './backends.js';
import { startTestGateway, type TestGateway } from './gateway-harness.js';
import { startEchoBackend, type Echo } from './traffic-control.js';

/** What a client saw; `echo` is what the echo back end received when the request reached it. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  echo?: Echo;
}

/** A gateway where router `<name>` (rule ``Host(`<name>.test`)``) runs the listed middleware configurations in order, in front of an echo back end. */
export interface CaseGateway {
  gw: TestGateway;
  backend: Backend;
  /** Sends a request to router `route` (its Host header is `<route>.test` unless `headers.host` says otherwise). */
  send(route: string, path: string, options?: { method?: string; headers?: Record<string, string>; entryPoint?: string }): Promise<Reply>;
  close(): Promise<void>;
}

/** Starts the gateway; each route's middlewares are named `<route>-<index>`. */
export async function startCaseGateway(
  definitions: MiddlewareDefinition[],
  routes: Record<string, Record<string, unknown>[]>,
  staticConfig: Record<string, unknown> = {},
): Promise<CaseGateway> {
  const backend = await startEchoBackend();
  const routers: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  for (const [route, configs] of Object.entries(routes)) {
    const names = configs.map((config, i) => {
      middlewares[`${route}-${i}`] = config;
      return `${route}-${i}`;
    });
    routers[route] = { rule: `Host(\`${route}.test\`)`, service: 'echo', middlewares: names };
  }
  const dynamic = { http: { routers, middlewares, services: { echo: { loadBalancer: { servers: [{ url: backend.url }] } } } } };
  const gw = await startTestGateway({ middlewares: definitions, static: staticConfig, dynamic: { 'cases.yaml': dynamic } });
  return {
    gw,
    backend,
    async send(route, path, options = {}) {
      const headers = { host: `${route}.test`, ...options.headers };
      const res = await request(gw.port(options.entryPoint), path, options.method ?? 'GET', headers);
      const body = res.body;
      const fromBackend = res.status === 200 && String(res.headers['content-type']).startsWith('application/json');
      return { status: res.status, headers: res.headers, body, ...(fromBackend ? { echo: JSON.parse(body) as Echo } : {}) };
    },
    async close() {
      await gw.close();
      await backend.close();
    },
  };
}

/** Sends the path byte for byte (a URL string would have its dot segments resolved by the client). */
function request(port: number, path: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
