import type { Test } from 'tap';
import { startBackend, type Backend } from './backends.js';
import type { TestGateway } from './gateway-harness.js';

/** What the echo back end saw. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A back end that answers 200 with the method, URL, headers and body it received, as JSON. */
export function startEchoBackend(): Promise<Backend> {
  return startBackend((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo: Echo = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(echo));
    });
  });
}

/** One configuration that must be rejected: the middleware's options and the error it must report. */
export interface ConfigErrorCase {
  name: string;
  config: Record<string, unknown>;
  error: RegExp;
}

/**
 * For each case, writes a router using a middleware with the case's options and checks that the
 * middleware is disabled with the error, its router is disabled (404) and `/zz-ok` keeps serving.
 */
export async function checkConfigErrors(t: Test, gw: TestGateway, backendUrl: string, cases: ConfigErrorCase[]): Promise<void> {
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      await gw.writeDynamic('bad.yaml', {
        http: {
          routers: {
            ok: { rule: 'Path(`/zz-ok`)', service: 'ok' },
            bad: { rule: 'Path(`/zz-broken`)', service: 'ok', middlewares: ['bad'] },
          },
          middlewares: { bad: c.config },
          services: { ok: { loadBalancer: { servers: [{ url: backendUrl }] } } },
        },
      });
      const status = gw.gateway.table()!.status;
      const mw = status.middlewares['bad@file'];
      t.equal(mw?.status, 'disabled', 'the middleware is disabled');
      t.match((mw?.error ?? []).join('\n'), c.error, 'with the error');
      t.equal(status.routers['bad@file']?.status, 'disabled', 'its router is disabled');
      t.equal((await fetch(gw.url('/zz-broken'))).status, 404, 'its router does not serve');
      t.equal((await fetch(gw.url('/zz-ok'))).status, 200, 'an unrelated router keeps serving');
    });
  }
}
