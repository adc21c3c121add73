import t, { type Test } from 'tap';
import type { LoadBalancerConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally, type HarnessResponse, type ServiceHarness } from '../../helpers/backend-harness.js';

async function setup(t: Test, size: number): Promise<{ backends: PoolBackend[]; harness: ServiceHarness }> {
  const backends = await startBackendPool(size);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  return { backends, harness };
}

const lb = (backends: PoolBackend[], extra: Partial<LoadBalancerConfig> = {}): { loadBalancer: LoadBalancerConfig } => ({
  loadBalancer: { servers: backends.map((b) => ({ url: b.url })), ...extra },
});

/** Sends requests one after the other until `slow` holds one open; returns the requests still running. */
async function holdOneOn(harness: ServiceHarness, slow: PoolBackend): Promise<Array<Promise<HarnessResponse>>> {
  const running: Array<Promise<HarnessResponse>> = [];
  while (slow.requests === 0) {
    const sent = harness.send();
    running.push(sent);
    // A fast server answers within this wait; the slow one does not, which is how the loop ends.
    await Promise.race([sent, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  return running;
}

t.test('p2c sends new requests to the server with fewer in flight while the other is busy', async (t) => {
  const { backends, harness } = await setup(t, 2);
  const [slow] = backends;
  slow!.delay = 3000;
  harness.service = buildService(lb(backends, { strategy: 'p2c' }), harness.context('p2c-load@file'));
  const held = await holdOneOn(harness, slow!);
  const during = await tally(harness, 20, {}, 1);
  t.same(during, { b: 20 }, 'every request while a is busy goes to b');
  await Promise.all(held);
});

t.test('leasttime prefers the faster server', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[0]!.delay = 60;
  harness.service = buildService(lb(backends, { strategy: 'leasttime' }), harness.context('lt-fast@file'));
  const got = await tally(harness, 30, {}, 1);
  // Both start unmeasured (a tie, so WRR gives a the first request); after that b is the faster.
  t.ok((got.a ?? 0) <= 2 && (got.b ?? 0) >= 28, `a ${got.a}, b ${got.b}`);
});

t.test('leasttime weighs the faster server\'s queue: a busy fast server shares with a slow idle one', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[0]!.delay = 40;
  backends[1]!.delay = 10;
  harness.service = buildService(lb(backends, { strategy: 'leasttime' }), harness.context('lt-queue@file'));
  await tally(harness, 4, {}, 1);
  const got = await tally(harness, 200, {}, 20);
  t.ok((got.b ?? 0) > (got.a ?? 0), `b (faster) gets more: a ${got.a}, b ${got.b}`);
  t.ok((got.a ?? 0) > 0, 'a still takes some of the queue');
});

t.test('a server that fails without answering does not attract leasttime traffic', async (t) => {
  const { backends, harness } = await setup(t, 2);
  const dead = backends[0]!;
  const url = dead.url;
  await dead.close();
  harness.service = buildService({ loadBalancer: { servers: [{ url }, { url: backends[1]!.url }], strategy: 'leasttime' } }, harness.context('lt-dead@file'));
  const got = await tally(harness, 20, {}, 1);
  t.ok((got['502'] ?? 0) <= 1 && (got.b ?? 0) >= 19, `502 ${got['502']}, b ${got.b}`);
});

t.test('p2c keeps its in-flight counts across a rebuild with the same configuration', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[0]!.delay = 3000;
  const config = lb(backends, { strategy: 'p2c' });
  harness.service = buildService(config, harness.context('p2c-keep@file'));
  const held = await holdOneOn(harness, backends[0]!);
  harness.service = buildService(structuredClone(config), harness.context('p2c-keep@file'));
  t.same(await tally(harness, 10, {}, 1), { b: 10 }, 'the rebuilt service still sees a busy');
  await Promise.all(held);
});

t.test('leasttime keeps its measurements across a rebuild with the same configuration, and a changed one starts afresh', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[0]!.delay = 50;
  const config = lb(backends, { strategy: 'leasttime' });
  harness.service = buildService(config, harness.context('lt-keep@file'));
  t.same(await tally(harness, 3, {}, 1), { a: 1, b: 2 }, 'a unmeasured tie goes to a, then b is faster');
  harness.service = buildService(structuredClone(config), harness.context('lt-keep@file'));
  t.same(await tally(harness, 1, {}, 1), { b: 1 }, 'the rebuilt service remembers that b is faster');
  harness.service = buildService(lb(backends, { strategy: 'leasttime', passHostHeader: false }), harness.context('lt-keep@file'));
  t.same(await tally(harness, 1, {}, 1), { b: 1 }, 'changing a setting other than the servers keeps the measurements');
  harness.service = buildService(lb([...backends].reverse(), { strategy: 'leasttime' }), harness.context('lt-keep@file'));
  // Unmeasured again: the tie goes to the first server (b), then the still unmeasured a scores 0 and wins.
  t.same(await tally(harness, 2, {}, 1), { a: 1, b: 1 }, 'a changed server list starts afresh');
});

t.test('hrw continues its WRR position for requests without a key across a rebuild', async (t) => {
  const { backends, harness } = await setup(t, 3);
  const config = lb(backends, { strategy: 'hrw', hash: { source: 'header', name: 'x-tenant' } });
  harness.service = buildService(config, harness.context('hrw-keep@file'));
  t.same(await tally(harness, 1, {}, 1), { a: 1 });
  harness.service = buildService(structuredClone(config), harness.context('hrw-keep@file'));
  t.same(await tally(harness, 1, {}, 1), { b: 1 }, 'a fresh balancer would answer a again');
});
