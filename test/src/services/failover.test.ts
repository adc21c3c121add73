import t, { type Test } from 'tap';
import type { FailoverConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import type { Service } from '../../../src/services/service.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally, waitFor, type ServiceHarness } from '../../helpers/backend-harness.js';

/** Backend a behind "main" (health-checked), b behind "spare" (health-checked) and c behind "plain" (not). */
async function setup(t: Test): Promise<{ backends: PoolBackend[]; harness: ServiceHarness; children: Record<string, Service> }> {
  const backends = await startBackendPool(3);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const healthCheck = { path: '/health', interval: '50ms' };
  const children: Record<string, Service> = {
    main: buildService({ loadBalancer: { servers: [{ url: backends[0]!.url }], healthCheck } }, harness.context('main@file')),
    spare: buildService({ loadBalancer: { servers: [{ url: backends[1]!.url }], healthCheck } }, harness.context('spare@file')),
    plain: buildService({ loadBalancer: { servers: [{ url: backends[2]!.url }] } }, harness.context('plain@file')),
  };
  return { backends, harness, children };
}

t.test('requests go to the main service, to the fallback while it is down, and back when it recovers', async (t) => {
  const { backends, harness, children } = await setup(t);
  harness.service = buildService({ failover: { service: 'main', fallback: 'plain' } }, harness.context('fo@file', children));
  t.same(await tally(harness, 5), { a: 5 });
  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => !children.main!.healthy()));
  t.same(await tally(harness, 5), { c: 5 }, 'main down → fallback');
  backends[0]!.healthStatus = 200;
  t.ok(await waitFor(() => children.main!.healthy()));
  t.same(await tally(harness, 5), { a: 5 }, 'main back → main');
});

t.test('with both services down the failover answers 503', async (t) => {
  const { backends, harness, children } = await setup(t);
  const service = (harness.service = buildService({ failover: { service: 'main', fallback: 'spare' } }, harness.context('fo503@file', children)));
  backends[0]!.healthStatus = 500;
  backends[1]!.healthStatus = 500;
  t.ok(await waitFor(() => !service.healthy()));
  t.same(await tally(harness, 2), { 503: 2 });
});

t.test('healthCheck {} propagates: the failover is healthy while main or fallback is', async (t) => {
  const { backends, harness, children } = await setup(t);
  const service = buildService({ failover: { service: 'main', fallback: 'spare', healthCheck: {} } }, harness.context('fohc@file', children));
  t.equal(service.healthChecked, true);
  const changes: boolean[] = [];
  service.onHealthChange((healthy) => changes.push(healthy));
  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => !children.main!.healthy()));
  t.equal(service.healthy(), true, 'fallback still up');
  backends[1]!.healthStatus = 500;
  t.ok(await waitFor(() => changes.length === 1));
  backends[0]!.healthStatus = 200;
  t.ok(await waitFor(() => changes.length === 2));
  t.same(changes, [false, true]);
});

t.test('a main service wrapped without its healthChecked flag still counts as health-checked by its server status', async (t) => {
  const { harness, children } = await setup(t);
  const main = children.main!;
  // What a middleware wrapper that forgets the flag looks like.
  const wrapped: Service = { handle: main.handle, healthy: () => main.healthy(), onHealthChange: (l) => main.onHealthChange(l), serverStatus: () => main.serverStatus(), close: () => main.close() };
  harness.service = buildService({ failover: { service: 'wrapped', fallback: 'plain' } }, harness.context('fowrap@file', { ...children, wrapped }));
  t.same(await tally(harness, 3), { a: 3 });
});

const invalid: Array<[string, FailoverConfig, string]> = [
  ['a main service without health check cannot fail over', { service: 'plain', fallback: 'spare' }, 'failover needs health checking on its main service, and service "plain" has none'],
  ['healthCheck {} needs a health-checked fallback', { service: 'main', fallback: 'plain', healthCheck: {} }, 'failover.healthCheck needs health checking on the fallback too, and service "plain" has none'],
  ['a missing fallback is reported by the caller\'s lookup', { service: 'main', fallback: 'nope' }, 'service "nope" does not exist'],
];
for (const [name, config, message] of invalid) {
  t.test(name, async (t) => {
    const { harness, children } = await setup(t);
    t.throws(() => buildService({ failover: config }, harness.context('bad@file', children)), { message });
  });
}
