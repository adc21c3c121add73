import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { setContext, type RequestContext } from '../../src/http/context.js';
import { silentLogger } from '../../src/log.js';
import { createForwarder } from '../../src/proxy/forward.js';
import type { Forwarder } from '../../src/proxy/forwarder.js';
import { createTransport, type Transport } from '../../src/proxy/transport.js';
import { StateStore } from '../../src/runtime/state-store.js';
import type { ServiceBuildContext } from '../../src/services/build.js';
import type { Service } from '../../src/services/service.js';

/** What a test gets back from one request through the harness. */
export interface HarnessResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A gateway on port 0 that gives each request a RequestContext and hands it to `service`, as an entry point would. */
export interface ServiceHarness {
  url: string;
  /** The service requests go to; tests swap it to simulate a reload. */
  service: Service;
  /** Fields merged into every request's context (e.g. `triedServers`, as a retry middleware would set). */
  extraContext: Partial<RequestContext>;
  forwarder: Forwarder;
  transport: Transport;
  state: StateStore;
  /** Sends one request; `path` defaults to `/`. */
  send(options?: { path?: string; method?: string; headers?: Record<string, string>; body?: string | Buffer | Readable }): Promise<HarnessResponse>;
  /** A build context for `name` whose children are looked up in `children`. */
  context(name: string, children?: Record<string, Service>): ServiceBuildContext;
  close(): Promise<void>;
}

/** Starts a harness; `service` may be set later, before the first request. */
export async function startServiceHarness(service?: Service): Promise<ServiceHarness> {
  const forwarder = createForwarder();
  const transport = createTransport({});
  const state = new StateStore();
  const client = new Agent({ connections: 16 });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    setContext(req, {
      entryPoint: 'web',
      tls: false,
      remoteAddr: req.socket.remoteAddress ?? '',
      remotePort: req.socket.remotePort ?? 0,
      host: (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase(),
      path: url.pathname,
      query: url.search.slice(1),
      start: performance.now(),
      ...harness.extraContext,
    });
    void Promise.resolve(harness.service.handle(req, res)).catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const harness: ServiceHarness = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    service: service as Service,
    extraContext: {},
    forwarder,
    transport,
    state,
    async send(options = {}) {
      const res = await request(`${harness.url}${options.path ?? '/'}`, {
        method: (options.method ?? 'GET') as 'GET',
        headers: options.headers ?? {},
        body: options.body ?? null,
        dispatcher: client,
      });
      return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
    },
    context(name, children = {}) {
      return {
        name,
        forwarder,
        state,
        transport: () => transport,
        child(ref) {
          const child = children[ref];
          if (!child) throw new Error(`service "${ref}" does not exist`);
          return child;
        },
        log: silentLogger,
      };
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await client.close();
      await state.close();
      forwarder.close();
      transport.dispose();
    },
  };
  return harness;
}

/** Polls `check` every 10 ms until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

/**
 * Sends `count` requests, `parallel` at a time, and counts answers by body (the backend id) or by status
 * when not 200; balancing counts are exact whatever the arrival order, since every pick is in-process.
 */
export async function tally(harness: ServiceHarness, count: number, headers: Record<string, string> = {}, parallel = 10): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, () => harness.send({ headers }));
    for (const res of await Promise.all(batch)) {
      const key = res.status === 200 ? res.body : String(res.status);
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}
