import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import type { LoadBalancerConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import { isFailedAttempt } from '../../../src/services/passive-health.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally, waitFor, type ServiceHarness } from '../../helpers/backend-harness.js';

async function setup(t: Test, count: number): Promise<{ backends: PoolBackend[]; harness: ServiceHarness }> {
  const backends = await startBackendPool(count);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  return { backends, harness };
}

/** A port on which nothing listens (bound, then closed), so connecting is refused. */
async function refusedUrl(): Promise<string> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

/** A real server that answers `status` (500 by default) to everything; `status` can change later. */
async function statusServer(t: Test): Promise<{ url: string; status: number; hits: number }> {
  const state = { url: '', status: 500, hits: 0 };
  const server = http.createServer((_req, res) => {
    state.hits++;
    res.writeHead(state.status, { 'x-backend': 'x' }).end('x');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return state;
}

const outcomes: Array<[string, Parameters<typeof isFailedAttempt>[0], boolean]> = [
  ['a 200 is a success', { status: 200, responded: true }, false],
  ['a 404 is a success (the server answered)', { status: 404, responded: true }, false],
  ['a 500 from the server is a failed attempt', { status: 500, responded: true }, true],
  ['a 503 from the server is a failed attempt', { status: 503, responded: true }, true],
  ['a refused connection is a failed attempt', { status: 502, error: 'refused', responded: false }, true],
  ['a timeout is a failed attempt', { status: 504, error: 'timeout', responded: false }, true],
  ['a reset mid-body is a failed attempt', { status: 200, error: 'reset', responded: true }, true],
  ['a client that went away is not the server failing', { status: 499, error: 'client-gone', responded: false }, false],
];
for (const [name, outcome, failed] of outcomes) {
  t.test(name, async (t) => {
    t.equal(isFailedAttempt(outcome), failed);
  });
}

t.test('a server answering 500 is ejected after maxFailedAttempts, skipped, and re-admitted after the window', async (t) => {
  const { backends, harness } = await setup(t, 1);
  const failing = await statusServer(t);
  const config: LoadBalancerConfig = { servers: [{ url: backends[0]!.url }, { url: failing.url }], passiveHealthCheck: { failureWindow: '1500ms', maxFailedAttempts: 2 } };
  const service = (harness.service = buildService({ loadBalancer: config }, harness.context('passive@file')));
  t.same(service.serverStatus(), { [backends[0]!.url]: 'UP', [failing.url]: 'UP' }, 'both start UP and the status is reported');

  const first = await tally(harness, 4, {}, 1);
  t.same(first, { a: 2, 500: 2 }, 'round robin reaches the failing server twice');
  t.equal(service.serverStatus()[failing.url], 'DOWN', 'two failures in the window eject it');
  t.equal(service.healthy(), true, 'the service stays healthy with one server left');
  t.same(await tally(harness, 6, {}, 1), { a: 6 }, 'an ejected server gets no traffic');

  failing.status = 200;
  t.ok(await waitFor(() => service.serverStatus()[failing.url] === 'UP', 15_000), 're-admitted once the window has passed');
  const after = await tally(harness, 4, {}, 1);
  t.equal(after.x, 2, 'the re-admitted server takes its share again');
});

t.test('a success clears the count, so scattered failures below the threshold never eject', async (t) => {
  const { harness } = await setup(t, 0);
  const server = await statusServer(t);
  const service = (harness.service = buildService(
    { loadBalancer: { servers: [{ url: server.url }], passiveHealthCheck: { failureWindow: '30s', maxFailedAttempts: 2 } } },
    harness.context('scattered@file'),
  ));
  for (let i = 0; i < 4; i++) {
    server.status = 500;
    t.equal((await harness.send()).status, 500);
    server.status = 200;
    t.equal((await harness.send()).status, 200);
  }
  t.equal(service.serverStatus()[server.url], 'UP');
});

t.test('a refused server is ejected; with every server ejected the service answers 503 and reports unhealthy', async (t) => {
  const { harness } = await setup(t, 0);
  const url = await refusedUrl();
  const service = (harness.service = buildService({ loadBalancer: { servers: [{ url }], passiveHealthCheck: {} } }, harness.context('refused@file')));
  const changes: boolean[] = [];
  service.onHealthChange((healthy) => changes.push(healthy));
  t.equal((await harness.send()).status, 502, 'the first attempt is a 502');
  t.equal(service.serverStatus()[url], 'DOWN', 'one failure ejects with the default maxFailedAttempts of 1');
  t.equal((await harness.send()).status, 503, 'nothing is left: 503');
  t.same(changes, [false], 'parents hear that the service went unhealthy');
});

t.test('passive and active checks combine: either one saying DOWN keeps the server out', async (t) => {
  const { backends, harness } = await setup(t, 2);
  const config: LoadBalancerConfig = {
    servers: backends.map((b) => ({ url: b.url })),
    healthCheck: { path: '/health', interval: '50ms' },
    passiveHealthCheck: { failureWindow: '30s', maxFailedAttempts: 1 },
  };
  const service = (harness.service = buildService({ loadBalancer: config }, harness.context('both@file')));
  t.equal((await harness.send({ path: '/fail' })).status, 500);
  t.equal(Object.values(service.serverStatus()).filter((s) => s === 'DOWN').length, 1, 'the server that failed real traffic is DOWN although its probes pass');
  backends.forEach((b) => (b.healthStatus = 503));
  t.ok(await waitFor(() => Object.values(service.serverStatus()).every((s) => s === 'DOWN'), 10_000), 'the active check takes the other one out');
  t.equal(service.healthy(), false);
});

t.test('failure counts and ejections survive a reload of an unchanged service', async (t) => {
  const { harness } = await setup(t, 0);
  const url = await refusedUrl();
  const config = { loadBalancer: { servers: [{ url }], passiveHealthCheck: { failureWindow: '30s' } } };
  const first = (harness.service = buildService(config, harness.context('kept@file')));
  await harness.send();
  t.equal(first.serverStatus()[url], 'DOWN');
  const second = buildService(config, harness.context('kept@file'));
  t.equal(second.serverStatus()[url], 'DOWN', 'the rebuilt service still knows the server is ejected');
});
