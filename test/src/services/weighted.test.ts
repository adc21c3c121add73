import t, { type Test } from 'tap';
import type { HealthCheckConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import type { Service } from '../../../src/services/service.js';
import { stickyValue } from '../../../src/services/sticky.js';
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

const splits: Array<[string, number[], Record<string, number>]> = [
  ['two children of weight 1 split 700 requests evenly', [1, 1], { a: 350, b: 350 }],
  ['children weighted 3 and 1 get 525 and 175 of 700 requests', [3, 1], { a: 525, b: 175 }],
  ['children weighted 5, 1 and 1 get 500, 100 and 100 of 700 requests', [5, 1, 1], { a: 500, b: 100, c: 100 }],
  ['a child of weight 0 is never picked', [0, 1], { b: 700 }],
];
for (const [name, weights, expected] of splits) {
  t.test(name, async (t) => {
    const { backends, harness, children } = await setup(t, weights.length);
    const services = backends.map((b, i) => ({ name: b.id, weight: weights[i]! }));
    harness.service = buildService({ weighted: { services } }, harness.context('split@file', children));
    t.same(await tally(harness, 700), expected);
  });
}

t.test('a child with every server DOWN is skipped, and the parent answers 503 when none is left', async (t) => {
  const { backends, harness, children } = await setup(t, 2, { path: '/health', interval: '50ms' });
  const service = (harness.service = buildService({ weighted: { services: [{ name: 'a' }, { name: 'b' }] } }, harness.context('skip@file', children)));
  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => !children.a!.healthy()));
  t.same(await tally(harness, 10), { b: 10 });
  backends[1]!.healthStatus = 500;
  t.ok(await waitFor(() => !service.healthy()));
  t.same(await tally(harness, 2), { 503: 2 });
});

t.test('healthCheck {} propagates child health to the parent and its listeners', async (t) => {
  const { backends, harness, children } = await setup(t, 2, { path: '/health', interval: '50ms' });
  const service = buildService({ weighted: { services: [{ name: 'a' }, { name: 'b' }], healthCheck: {} } }, harness.context('prop@file', children));
  t.equal(service.healthChecked, true);
  const changes: boolean[] = [];
  service.onHealthChange((healthy) => changes.push(healthy));
  backends[0]!.healthStatus = 500;
  backends[1]!.healthStatus = 500;
  t.ok(await waitFor(() => changes.length === 1));
  t.equal(service.healthy(), false);
  backends[1]!.healthStatus = 200;
  t.ok(await waitFor(() => changes.length === 2));
  t.same(changes, [false, true]);
  t.equal(service.healthy(), true);
});

t.test('healthCheck {} on the parent needs health checking on every child', async (t) => {
  const { harness, children } = await setup(t, 1);
  t.throws(() => buildService({ weighted: { services: [{ name: 'a' }], healthCheck: {} } }, harness.context('blind@file', children)), {
    message: 'weighted.healthCheck needs health checking on every child, and service "a" has none',
  });
});

t.test('a sticky cookie pins the client to a child service, named by a hash of the child name', async (t) => {
  const { harness, children } = await setup(t, 3);
  harness.service = buildService({ weighted: { services: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], sticky: { cookie: { name: 'svc' } } } }, harness.context('wsticky@file', children));
  const first = await harness.send();
  t.equal(first.headers['set-cookie'], `svc=${stickyValue('a')}; Path=/`);
  const pinned = await tally(harness, 10, { cookie: `svc=${stickyValue('c')}` });
  t.same(pinned, { c: 10 });
});

t.test('a client pinned to a child that goes down is moved to another child and gets a new cookie', async (t) => {
  const { backends, harness, children } = await setup(t, 2, { path: '/health', interval: '50ms' });
  harness.service = buildService({ weighted: { services: [{ name: 'a' }, { name: 'b' }], sticky: { cookie: { name: 'svc' } } } }, harness.context('wmove@file', children));
  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => !children.a!.healthy()));
  const res = await harness.send({ headers: { cookie: `svc=${stickyValue('a')}` } });
  t.equal(res.body, 'b');
  t.equal(res.headers['set-cookie'], `svc=${stickyValue('b')}; Path=/`);
});
