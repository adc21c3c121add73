import t, { type Test } from 'tap';
import type { HealthCheckConfig, HighestRandomWeightConfig } from '../../../src/config/dynamic-schema.js';
import { checkReferences } from '../../../src/cli/check-references.js';
import { buildService } from '../../../src/services/build.js';
import type { Service } from '../../../src/services/service.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally, waitFor, type ServiceHarness } from '../../helpers/backend-harness.js';

/** One load balancer per backend, named after the backend's id, optionally health-checked. */
async function setup(t: Test, count: number, healthCheck?: HealthCheckConfig): Promise<{ backends: PoolBackend[]; harness: ServiceHarness; children: Record<string, Service> }> {
  const backends = await startBackendPool(count);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const children: Record<string, Service> = {};
  for (const b of backends) {
    children[b.id] = buildService({ loadBalancer: { servers: [{ url: b.url }], ...(healthCheck ? { healthCheck } : {}) } }, harness.context(`${b.id}@file`));
  }
  return { backends, harness, children };
}

// Clients behind a trusted proxy: the key is the last X-Forwarded-For address.
const byForwardedIp = { ipStrategy: { depth: 1 } };
const client = (i: number): Record<string, string> => ({ 'x-forwarded-for': `198.51.${i >> 8}.${i & 255}` });

/** Which child answered each of `count` clients, sent ten at a time. */
async function route(harness: ServiceHarness, count: number, headers: (i: number) => Record<string, string> = client): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => harness.send({ headers: headers(i + j) })));
    out.push(...batch.map((res) => (res.status === 200 ? res.body : String(res.status))));
  }
  return out;
}

const hrw = (names: string[], extra: Partial<HighestRandomWeightConfig> = {}, weights?: number[]): { highestRandomWeight: HighestRandomWeightConfig } => ({
  highestRandomWeight: { services: names.map((name, i) => ({ name, ...(weights ? { weight: weights[i]! } : {}) })), hash: byForwardedIp, ...extra },
});

t.test('children weighted 3 and 1 get about 3/4 and 1/4 of 800 clients', async (t) => {
  const { harness, children } = await setup(t, 2);
  harness.service = buildService(hrw(['a', 'b'], {}, [3, 1]), harness.context('split@file', children));
  const got = await route(harness, 800);
  const a = got.filter((id) => id === 'a').length;
  // Child names, not URLs, are hashed: the split is the same on every run.
  t.ok(Math.abs(a / 800 - 0.75) < 0.05, `a got ${a} of 800`);
  t.equal(got.filter((id) => id === 'b').length, 800 - a);
});

t.test('a client keeps reaching the same child, and requests without a key are balanced by WRR', async (t) => {
  const { harness, children } = await setup(t, 3);
  harness.service = buildService(hrw(['a', 'b', 'c']), harness.context('stick@file', children));
  const first = await route(harness, 50);
  t.same(await route(harness, 50), first);
  t.ok(new Set(first).size === 3, 'clients spread over every child');
  // depth 1 with no X-Forwarded-For gives no address: no key.
  t.same(await tally(harness, 6), { a: 2, b: 2, c: 2 });
});

t.test('the default key is the connection\'s peer address', async (t) => {
  const { harness, children } = await setup(t, 3);
  harness.service = buildService({ highestRandomWeight: { services: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } }, harness.context('peer@file', children));
  const got = await tally(harness, 30, { 'x-forwarded-for': '203.0.113.1' });
  t.equal(Object.keys(got).length, 1, `every request from 127.0.0.1 reaches one child: ${JSON.stringify(got)}`);
});

t.test('a header key sends a tenant to one child', async (t) => {
  const { harness, children } = await setup(t, 3);
  harness.service = buildService(hrw(['a', 'b', 'c'], { hash: { source: 'header', name: 'x-tenant' } }), harness.context('tenant@file', children));
  const tenant = (i: number): Record<string, string> => ({ 'x-tenant': `t-${i % 20}` });
  const got = await route(harness, 100, tenant);
  for (let i = 0; i < 20; i++) t.equal(new Set(got.filter((_, j) => j % 20 === i)).size, 1, `tenant t-${i} stays on one child`);
});

t.test('adding a fourth child moves about a quarter of 400 clients, all to the new child', async (t) => {
  const { harness, children } = await setup(t, 4);
  harness.service = buildService(hrw(['a', 'b', 'c']), harness.context('grow@file', children));
  const before = await route(harness, 400);
  harness.service = buildService(hrw(['a', 'b', 'c', 'd']), harness.context('grow@file', children));
  const after = await route(harness, 400);
  const moved = before.filter((id, i) => id !== after[i]).length;
  t.ok(moved >= 60 && moved <= 140, `${moved} of 400 moved (expected about 100)`);
  t.ok(after.every((id, i) => id === before[i] || id === 'd'));
});

t.test('a child with every server DOWN is skipped, only its clients move, and 503 comes when none is left', async (t) => {
  const { backends, harness, children } = await setup(t, 3, { path: '/health', interval: '50ms' });
  const service = (harness.service = buildService(hrw(['a', 'b', 'c']), harness.context('down@file', children)));
  const before = await route(harness, 90);
  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => !children.a!.healthy()));
  const during = await route(harness, 90);
  t.notOk(during.includes('a'));
  t.ok(before.every((id, i) => id === 'a' || during[i] === id), 'clients of b and c stay put');
  backends[1]!.healthStatus = 500;
  backends[2]!.healthStatus = 500;
  t.ok(await waitFor(() => !service.healthy()));
  t.same(await tally(harness, 2, client(1)), { 503: 2 });
});

t.test('healthCheck {} reports the children\'s health upward and needs health-checked children', async (t) => {
  const { backends, harness, children } = await setup(t, 2, { path: '/health', interval: '50ms' });
  const service = buildService(hrw(['a', 'b'], { healthCheck: {} }), harness.context('prop@file', children));
  t.equal(service.healthChecked, true);
  const changes: boolean[] = [];
  service.onHealthChange((healthy) => changes.push(healthy));
  backends[0]!.healthStatus = 500;
  backends[1]!.healthStatus = 500;
  t.ok(await waitFor(() => changes.length === 1));
  t.same(changes, [false]);
  const plain = await setup(t, 1);
  t.throws(() => buildService(hrw(['a'], { healthCheck: {} }), plain.harness.context('blind@file', plain.children)), {
    message: 'highestRandomWeight.healthCheck needs health checking on every child, and service "a" has none',
  });
});

t.test('the offline reference check names a missing child of a highestRandomWeight service', async (t) => {
  const problems = checkReferences(
    { http: { services: { 'zones@file': { highestRandomWeight: { services: [{ name: 'zone-1' }, { name: 'ghost' }] } }, 'zone-1@file': { loadBalancer: { servers: [] } } } } },
    ['web'],
  );
  t.same(problems, ['service "zones@file": service "ghost@file" does not exist']);
});
