import t, { type Test } from 'tap';
import type { HealthCheckConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import { probeUrl } from '../../../src/services/health-check.js';
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

const lb = (backends: PoolBackend[], healthCheck: HealthCheckConfig) => ({ loadBalancer: { servers: backends.map((b) => ({ url: b.url })), healthCheck } });

t.test('a server that starts failing is marked DOWN, gets no traffic, and is UP again when it recovers', async (t) => {
  const { backends, harness } = await setup(t, 2);
  const service = (harness.service = buildService(lb(backends, { path: '/health', interval: '50ms' }), harness.context('hc@file')));
  const changes: boolean[] = [];
  service.onHealthChange((healthy) => changes.push(healthy));
  t.same(await tally(harness, 4), { a: 2, b: 2 });

  backends[1]!.healthStatus = 503;
  t.ok(await waitFor(() => service.serverStatus()[backends[1]!.url] === 'DOWN'), 'b is marked DOWN');
  t.same(await tally(harness, 10), { a: 10 }, 'a DOWN server gets no traffic');
  t.equal(service.healthy(), true);

  backends[0]!.healthStatus = 500;
  t.ok(await waitFor(() => !service.healthy()), 'with every server DOWN the service is unhealthy');
  t.same(await tally(harness, 2), { 503: 2 }, 'and answers 503');

  backends[0]!.healthStatus = 200;
  backends[1]!.healthStatus = 200;
  t.ok(await waitFor(() => Object.values(service.serverStatus()).every((s) => s === 'UP')), 'both are UP again');
  t.same(await tally(harness, 4), { a: 2, b: 2 });
  t.same(changes, [false, true], 'listeners hear none-healthy and back, nothing else');
});

const statuses: Array<[string, HealthCheckConfig, number, 'UP' | 'DOWN']> = [
  ['a 200 is healthy by default', {}, 200, 'UP'],
  ['a 302 is healthy by default when redirects are not followed', { followRedirects: false }, 302, 'UP'],
  ['a 404 is unhealthy by default', {}, 404, 'DOWN'],
  ['a 500 is unhealthy by default', {}, 500, 'DOWN'],
  ['status 418 expects exactly 418', { status: 418 }, 418, 'UP'],
  ['status 204 makes a 200 unhealthy', { status: 204 }, 200, 'DOWN'],
];
for (const [name, extra, answer, expected] of statuses) {
  t.test(name, async (t) => {
    const { backends, harness } = await setup(t, 1);
    backends[0]!.healthStatus = answer;
    const service = buildService(lb(backends, { path: '/health', interval: '10s', ...extra }), harness.context('status@file'));
    t.ok(await waitFor(() => backends[0]!.probes === 1 && service.serverStatus()[backends[0]!.url] === expected), `server is ${expected}`);
  });
}

t.test('a redirect is followed by default and judged by where it leads', async (t) => {
  const { backends, harness } = await setup(t, 1);
  backends[0]!.healthStatus = 302;
  backends[0]!.healthLocation = '/fail';
  const service = buildService(lb(backends, { path: '/health', interval: '10s' }), harness.context('redirect@file'));
  t.ok(await waitFor(() => service.serverStatus()[backends[0]!.url] === 'DOWN'));
});

t.test('a probe slower than timeout marks the server DOWN', async (t) => {
  const { backends, harness } = await setup(t, 1);
  backends[0]!.healthDelay = 1000;
  const service = buildService(lb(backends, { path: '/health', interval: '10s', timeout: '50ms' }), harness.context('slow@file'));
  const started = Date.now();
  t.ok(await waitFor(() => service.serverStatus()[backends[0]!.url] === 'DOWN'));
  t.ok(Date.now() - started < 900, 'DOWN before the server would have answered');
});

t.test('probes carry method, path with query, hostname, headers and port from the config', async (t) => {
  const { backends, harness } = await setup(t, 2);
  // The probe goes to b's port although the server is a: `port` overrides the server URL's.
  const port = Number(new URL(backends[1]!.url).port);
  const config = { loadBalancer: { servers: [{ url: backends[0]!.url }], healthCheck: { path: '/health?deep=1', method: 'head', hostname: 'health.test', headers: { 'x-probe': 'yes' }, port, interval: '10s' } } };
  buildService(config, harness.context('probe@file'));
  t.ok(await waitFor(() => backends[1]!.lastProbe !== undefined));
  const probe = backends[1]!.lastProbe!;
  t.same({ method: probe.method, url: probe.url, host: probe.headers.host, header: probe.headers['x-probe'] }, { method: 'HEAD', url: '/health?deep=1', host: 'health.test', header: 'yes' });
  t.equal(backends[0]!.probes, 0);
  t.equal(probeUrl('http://10.0.0.1:81/base', { path: '/hc', scheme: 'https', port: 8443 }), 'https://10.0.0.1:8443/hc');
});

t.test('the first probe runs at build time: a DOWN server gets no traffic without waiting an interval', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[1]!.healthStatus = 500;
  const service = (harness.service = buildService(lb(backends, { path: '/health', interval: '1h' }), harness.context('first@file')));
  t.same(service.serverStatus(), { [backends[0]!.url]: 'UP', [backends[1]!.url]: 'UP' }, 'servers never probed start UP');
  t.ok(await waitFor(() => service.serverStatus()[backends[1]!.url] === 'DOWN', 2000), 'DOWN long before the 1h interval');
  t.same(await tally(harness, 10), { a: 10 });
});

t.test('rebuilding the same config keeps the checker: DOWN stays DOWN with no new probe and no traffic', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[1]!.healthStatus = 500;
  const config = lb(backends, { path: '/health', interval: '1h' });
  const first = buildService(config, harness.context('keep@file'));
  t.ok(await waitFor(() => first.serverStatus()[backends[1]!.url] === 'DOWN'));
  const probes = backends[1]!.probes;
  await first.close();
  const second = (harness.service = buildService(structuredClone(config), harness.context('keep@file')));
  t.equal(second.serverStatus()[backends[1]!.url], 'DOWN', 'status carried into the new service');
  t.equal(second.healthy(), true);
  t.same(await tally(harness, 10), { a: 10 });
  t.equal(backends[1]!.requests, 0, 'the DOWN server got no request');
  t.equal(backends[1]!.probes, probes, 'no extra probe: the same checker and timers');
});

t.test('a changed config gets a fresh checker that probes at once; the old one stops when its generation is released', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[1]!.healthStatus = 500;
  const oldGeneration = harness.state.begin();
  const first = buildService(lb(backends, { path: '/health', interval: '50ms' }), harness.context('change@file'));
  t.ok(await waitFor(() => first.serverStatus()[backends[1]!.url] === 'DOWN'));
  harness.state.begin();
  const probes = backends[0]!.probes;
  const second = buildService(lb(backends, { path: '/health', interval: '1h' }), harness.context('change@file'));
  t.equal(second.serverStatus()[backends[1]!.url], 'DOWN', 'a server known DOWN starts DOWN in the new checker');
  t.ok(await waitFor(() => backends[0]!.probes > probes), 'the new checker probed immediately');
  await first.close();
  await harness.state.release(oldGeneration);
  const after = backends[0]!.probes;
  // The old checker probed every 50 ms; the new one waits an hour, so any later probe would be the old one.
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(backends[0]!.probes, after, 'the old checker is disposed');
  t.equal(second.serverStatus()[backends[0]!.url], 'UP');
});

t.test('unhealthyInterval probes DOWN servers on their own schedule', async (t) => {
  const { backends, harness } = await setup(t, 2);
  backends[1]!.healthStatus = 500;
  const service = buildService(lb(backends, { path: '/health', interval: '1h', unhealthyInterval: '30ms' }), harness.context('uhi@file'));
  t.ok(await waitFor(() => backends[1]!.probes >= 4), 'the DOWN server is probed again and again');
  t.equal(backends[0]!.probes, 1, 'the UP server only once');
  backends[1]!.healthStatus = 200;
  t.ok(await waitFor(() => service.serverStatus()[backends[1]!.url] === 'UP'));
});
