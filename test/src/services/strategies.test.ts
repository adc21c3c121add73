import t, { type Test } from 'tap';
import type { LoadBalancerConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import type { Service } from '../../../src/services/service.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally, waitFor, type ServiceHarness } from '../../helpers/backend-harness.js';

type Request = { path?: string; headers?: Record<string, string> };

/** Sends every request, `parallel` at a time, and returns which backend answered each (or its status). */
async function answers(harness: ServiceHarness, requests: Request[], parallel = 10): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < requests.length; i += parallel) {
    const batch = await Promise.all(requests.slice(i, i + parallel).map((r) => harness.send(r)));
    out.push(...batch.map((res) => (res.status === 200 ? res.body : String(res.status))));
  }
  return out;
}

const count = (list: string[]): Record<string, number> => list.reduce<Record<string, number>>((acc, id) => ({ ...acc, [id]: (acc[id] ?? 0) + 1 }), {});

async function setup(t: Test, size: number): Promise<{ backends: PoolBackend[]; harness: ServiceHarness }> {
  const backends = await startBackendPool(size);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  return { backends, harness };
}

const lb = (backends: PoolBackend[], extra: Partial<LoadBalancerConfig>, weights?: number[]): { loadBalancer: LoadBalancerConfig } => ({
  loadBalancer: { servers: backends.map((b, i) => ({ url: b.url, ...(weights ? { weight: weights[i]! } : {}) })), ...extra },
});

const tenants = (n: number): Request[] => Array.from({ length: n }, (_, i) => ({ headers: { 'x-tenant': `tenant-${i}` } }));
const byTenant = { strategy: 'hrw', hash: { source: 'header' as const, name: 'x-tenant' } };

// Weighted shares over real backends: p2c draws at random and leasttime reacts to measured load, so their shares are approximate.
const shares: Array<[string, Partial<LoadBalancerConfig>, Request[], number, number]> = [
  ['p2c splits 600 requests one at a time about 3 to 1 between servers weighted 3 and 1', { strategy: 'p2c' }, Array.from({ length: 600 }, () => ({})), 1, 0.07],
  // With ten in flight the less loaded of the two wins more often, which pulls the split a little towards even.
  ['p2c splits 800 requests ten at a time roughly 3 to 1 between servers weighted 3 and 1', { strategy: 'p2c' }, Array.from({ length: 800 }, () => ({})), 10, 0.12],
  // Server URLs carry random ports, so the assignment differs from run to run: about 4 standard deviations of slack.
  ['hrw splits 800 tenants about 3 to 1 between servers weighted 3 and 1', byTenant, tenants(800), 10, 0.06],
  ['wrr splits 800 requests exactly 3 to 1 between servers weighted 3 and 1', { strategy: 'wrr' }, Array.from({ length: 800 }, () => ({})), 10, 0],
];
for (const [name, extra, requests, parallel, tolerance] of shares) {
  t.test(name, async (t) => {
    const { backends, harness } = await setup(t, 2);
    harness.service = buildService(lb(backends, extra, [3, 1]), harness.context('share@file'));
    const got = count(await answers(harness, requests, parallel));
    const share = (got.a ?? 0) / requests.length;
    t.ok(Math.abs(share - 0.75) <= tolerance, `server a got ${got.a} of ${requests.length} (b ${got.b})`);
    t.equal((got.a ?? 0) + (got.b ?? 0), requests.length, 'every request was answered');
  });
}

t.test('leasttime under concurrent load splits requests roughly by weight between equally fast servers', async (t) => {
  const { backends, harness } = await setup(t, 2);
  for (const b of backends) b.delay = 15;
  harness.service = buildService(lb(backends, { strategy: 'leasttime' }, [3, 1]), harness.context('lt-share@file'));
  const got = count(await answers(harness, Array.from({ length: 320 }, () => ({})), 8));
  const share = (got.a ?? 0) / 320;
  t.ok(share > 0.6 && share < 0.9, `server a got ${got.a} of 320 (b ${got.b})`);
});

const sources: Array<[string, Partial<LoadBalancerConfig>, (key: number) => Request]> = [
  ['the client IP (ipStrategy depth 1)', { strategy: 'hrw', hash: { ipStrategy: { depth: 1 } } }, (k) => ({ headers: { 'x-forwarded-for': `203.0.113.9, 10.1.${k >> 8}.${k & 255}` } })],
  ['a header', byTenant, (k) => ({ headers: { 'x-tenant': `tenant-${k}` } })],
  ['a cookie', { strategy: 'hrw', hash: { source: 'cookie', name: 'sid' } }, (k) => ({ headers: { cookie: `theme=dark; sid=user-${k}` } })],
  ['a query parameter', { strategy: 'hrw', hash: { source: 'query', name: 'tenant' } }, (k) => ({ path: `/items?tenant=t${k}&page=2` })],
];
for (const [name, extra, make] of sources) {
  t.test(`hrw keyed on ${name} sends every request with the same key to the same server`, async (t) => {
    const { backends, harness } = await setup(t, 4);
    harness.service = buildService(lb(backends, extra), harness.context('sticky-key@file'));
    const keys = Array.from({ length: 60 }, (_, k) => k);
    const first = await answers(harness, keys.map(make));
    const again = await answers(harness, [...keys, ...keys].map(make));
    t.same(again, [...first, ...first], 'each key lands where it landed before');
    t.ok(new Set(first).size >= 3, `60 keys spread over ${new Set(first).size} servers`);
  });
}

t.test('hrw balances requests without a key by WRR', async (t) => {
  const { backends, harness } = await setup(t, 2);
  harness.service = buildService(lb(backends, byTenant), harness.context('nokey@file'));
  t.same(await tally(harness, 10), { a: 5, b: 5 });
});

t.test('adding a fifth server to hrw moves about a fifth of 500 tenants, all to the new server', async (t) => {
  const { backends, harness } = await setup(t, 5);
  const requests = tenants(500);
  harness.service = buildService(lb(backends.slice(0, 4), byTenant), harness.context('grow@file'));
  const before = await answers(harness, requests);
  harness.service = buildService(lb(backends, byTenant), harness.context('grow@file'));
  const after = await answers(harness, requests);
  const moved = before.filter((id, i) => id !== after[i]).length;
  t.ok(moved >= 60 && moved <= 140, `${moved} of 500 tenants moved (expected about 100)`);
  t.ok(after.every((id, i) => id === before[i] || id === 'e'), 'tenants that moved all went to the new server e');
});

const failover: Array<[string, Partial<LoadBalancerConfig>, Request[]]> = [
  ['wrr', {}, Array.from({ length: 30 }, () => ({}))],
  ['p2c', { strategy: 'p2c' }, Array.from({ length: 30 }, () => ({}))],
  ['leasttime', { strategy: 'leasttime' }, Array.from({ length: 30 }, () => ({}))],
  ['hrw', byTenant, tenants(90)],
];
for (const [name, extra, requests] of failover) {
  t.test(`${name} sends nothing to a server that is DOWN, and uses it again once it is UP`, async (t) => {
    const { backends, harness } = await setup(t, 3);
    const service: Service = buildService(lb(backends, { ...extra, healthCheck: { path: '/health', interval: '50ms' } }), harness.context(`fail-${name}@file`));
    harness.service = service;
    const before = await answers(harness, requests, 1);
    t.ok(before.includes('a'), 'a takes requests while UP');
    backends[0]!.healthStatus = 500;
    t.ok(await waitFor(() => service.serverStatus()[backends[0]!.url] === 'DOWN'));
    const during = await answers(harness, requests, 1);
    t.notOk(during.includes('a'), 'nothing goes to a while it is DOWN');
    t.ok(during.every((id) => id === 'b' || id === 'c'), 'every request is answered by b or c');
    if (name === 'hrw') t.ok(before.every((id, i) => id === 'a' || during[i] === id), 'tenants of b and c stay where they were');
    backends[0]!.healthStatus = 200;
    t.ok(await waitFor(() => service.serverStatus()[backends[0]!.url] === 'UP'));
    if (name === 'hrw') t.same(await answers(harness, requests, 1), before, 'tenants of a come back to it');
    // Ten at a time, so leasttime's in-flight term spreads requests even if a measured a little slower before.
    else t.ok((await answers(harness, Array.from({ length: 60 }, () => ({})), 10)).includes('a'), 'a takes requests again');
  });
}

t.test('hrw avoids the server a retrying middleware already tried, and picks the same next choice each time', async (t) => {
  const { backends, harness } = await setup(t, 3);
  harness.service = buildService(lb(backends, byTenant), harness.context('tried@file'));
  const request = { headers: { 'x-tenant': 'acme' } };
  const [home] = await answers(harness, [request]);
  harness.extraContext = { triedServers: new Set([backends.find((b) => b.id === home)!.url]) };
  const next = await answers(harness, [request, request, request]);
  t.not(next[0], home);
  t.same(new Set(next).size, 1, 'the next choice is stable');
});
