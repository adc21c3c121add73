import t from 'tap';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackendPool, closeBackendPool } from '../helpers/backend-pool.js';
import { startBackend } from '../helpers/backends.js';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

async function bodies(url: string, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(url);
    out.push(`${response.status}:${await response.text()}`);
  }
  return out;
}

// PR #13223: the first probe runs when the service is built, and a reload that leaves the service
// unchanged keeps its health state, through the whole gateway and a real file rewrite.
t.test('a DOWN server found by the first probe stays DOWN and unprobed across reloads of other elements', async (t) => {
  const backends = await startBackendPool(2);
  t.teardown(() => closeBackendPool(backends));
  backends[1]!.healthStatus = 500;
  const config = (extra: number) => ({
    http: {
      routers: {
        app: { rule: 'PathPrefix(`/app`)', service: 'app' },
        ...Object.fromEntries(Array.from({ length: extra }, (_, i) => [`other-${i}`, { rule: `Path(\`/other-${i}\`)`, service: 'app' }])),
      },
      services: { app: { loadBalancer: { servers: backends.map((b) => ({ url: b.url })), healthCheck: { path: '/health', interval: '1h' } } } },
    },
  });
  const gw = await startTestGateway({ dynamic: { 'app.yaml': config(0) } });
  t.teardown(() => gw.close());
  // With a one-hour interval, only a probe at build time can have found b DOWN.
  t.ok(await until(() => backends[1]!.probes >= 1), 'b was probed at build time, not one interval later');
  t.ok(await until(async () => (await bodies(gw.url('/app'), 4)).every((b) => b === '200:a')), 'b gets no traffic once its first probe failed');
  const probes = backends.map((b) => b.probes);
  const requestsToB = backends[1]!.requests;
  for (let i = 1; i <= 5; i++) await gw.writeDynamic('app.yaml', config(i));
  t.same(await bodies(gw.url('/app'), 10), Array(10).fill('200:a'), 'after five reloads b still gets nothing');
  t.equal(backends[1]!.requests, requestsToB, 'not one request reached the DOWN server');
  t.same(backends.map((b) => b.probes), probes, 'no reload started a new checker (no extra probe)');
  t.equal(gw.gateway.table()!.services.get('app@file')?.serverStatus()[backends[1]!.url], 'DOWN', 'the status still reports b DOWN');
});

// Traefik #8092: an empty configuration is skipped there, so the last router can never be removed.
t.test('removing the last router, then the last file, takes the route out of service', async (t) => {
  const backend = await startBackend((_req, res) => res.end('up'));
  t.teardown(() => backend.close());
  const one = { http: { routers: { only: { rule: 'Path(`/only`)', service: 'svc' } }, services: { svc: { loadBalancer: { servers: [{ url: backend.url }] } } } } };
  const gw = await startTestGateway({ dynamic: { 'only.yaml': one } });
  t.teardown(() => gw.close());
  t.same(await bodies(gw.url('/only'), 1), ['200:up'], 'the router serves');

  await gw.writeDynamic('only.yaml', { http: { services: one.http.services } });
  t.same(await bodies(gw.url('/only'), 1), ['404:404 page not found\n'], 'the file without routers leaves no route');
  t.notOk(gw.gateway.table()!.status.routers['only@file'], 'and no router in the status');

  await gw.writeDynamic('only.yaml', one);
  t.same(await bodies(gw.url('/only'), 1), ['200:up'], 'restored');
  const before = gw.gateway.version();
  await rm(path.join(gw.dir, 'dynamic', 'only.yaml'));
  await gw.gateway.waitForVersion(before + 1);
  t.same(await bodies(gw.url('/only'), 1), ['404:404 page not found\n'], 'deleting the last file removes the route too');
  t.same(Object.keys(gw.gateway.table()!.status.services).filter((n) => n.endsWith('@file')), [], 'and its service');
});
