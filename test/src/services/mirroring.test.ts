import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import type { MirroringConfig } from '../../../src/config/dynamic-schema.js';
import { buildService } from '../../../src/services/build.js';
import type { Service } from '../../../src/services/service.js';
import { closeBackendPool, startBackendPool, type PoolBackend } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally, waitFor, type ServiceHarness } from '../../helpers/backend-harness.js';

/** Backend a behind service "main", b behind "m1", c behind "m2"; the harness serves a mirroring service over them. */
async function setup(t: Test, mirroring: Omit<MirroringConfig, 'service'>): Promise<{ backends: PoolBackend[]; harness: ServiceHarness; service: Service }> {
  const backends = await startBackendPool(3);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const children: Record<string, Service> = {};
  for (const [name, b] of [['main', backends[0]!], ['m1', backends[1]!], ['m2', backends[2]!]] as const) {
    children[name] = buildService({ loadBalancer: { servers: [{ url: b.url }] } }, harness.context(`${name}@file`));
  }
  const service = buildService({ mirroring: { service: 'main', ...mirroring } }, harness.context('mirror@file', children));
  harness.service = service;
  return { backends, harness, service };
}

const shares: Array<[string, Omit<MirroringConfig, 'service'>, number, number]> = [
  ['a mirror at 10% receives exactly 10 of 100 requests', { mirrors: [{ name: 'm1', percent: 10 }] }, 10, 0],
  ['a mirror at 100% receives every request', { mirrors: [{ name: 'm1', percent: 100 }] }, 100, 0],
  ['a mirror without percent receives nothing', { mirrors: [{ name: 'm1' }] }, 0, 0],
  ['two mirrors at 50% and 25% receive 50 and 25 of 100 requests', { mirrors: [{ name: 'm1', percent: 50 }, { name: 'm2', percent: 25 }] }, 50, 25],
];
for (const [name, config, m1, m2] of shares) {
  t.test(name, async (t) => {
    const { backends, harness } = await setup(t, config);
    t.same(await tally(harness, 100), { a: 100 }, 'the client always gets the main service');
    t.ok(await waitFor(() => backends[1]!.requests === m1 && backends[2]!.requests === m2), `mirrors got ${m1} and ${m2}`);
    t.same([backends[0]!.requests, backends[1]!.requests, backends[2]!.requests], [100, m1, m2]);
  });
}

const bodies: Array<[string, Omit<MirroringConfig, 'service'>, () => string | Readable, string, string | undefined]> = [
  ['a body is sent to the main service and to the mirror', {}, () => 'hello mirror', 'hello mirror', 'hello mirror'],
  ['a chunked body is mirrored too', {}, () => Readable.from([Buffer.from('chunk-1 '), Buffer.from('chunk-2')]), 'chunk-1 chunk-2', 'chunk-1 chunk-2'],
  ['mirrorBody false sends the mirror the request without its body', { mirrorBody: false }, () => 'secret', 'secret', ''],
  ['a body within maxBodySize is mirrored', { maxBodySize: 10 }, () => '0123456789', '0123456789', '0123456789'],
  ['a body over maxBodySize is not mirrored but reaches the main service whole', { maxBodySize: 10 }, () => '0123456789ABCDEF', '0123456789ABCDEF', undefined],
  [
    'a chunked body over maxBodySize is not mirrored but reaches the main service whole',
    { maxBodySize: 10 },
    () => Readable.from([Buffer.from('0123456'), Buffer.from('789ABC'), Buffer.from('DEF')]),
    '0123456789ABCDEF',
    undefined,
  ],
];
for (const [name, config, body, main, mirrored] of bodies) {
  t.test(name, async (t) => {
    const { backends, harness } = await setup(t, { mirrors: [{ name: 'm1', percent: 100 }], ...config });
    const res = await harness.send({ method: 'POST', body: body() });
    t.equal(res.status, 200);
    t.equal(backends[0]!.bodies[0]?.toString(), main, 'main service got the body');
    if (mirrored === undefined) {
      // The mirror is decided before the body is read, so "not mirrored" must hold once the client has its answer.
      t.equal(backends[1]!.requests, 0, 'nothing mirrored');
    } else {
      t.ok(await waitFor(() => backends[1]!.requests === 1));
      t.equal(backends[1]!.bodies[0]?.toString(), mirrored, 'mirror got the expected body');
    }
  });
}

t.test('a slow mirror does not delay the client', async (t) => {
  const { backends, harness } = await setup(t, { mirrors: [{ name: 'm1', percent: 100 }] });
  backends[1]!.delay = 3000;
  const started = Date.now();
  const res = await harness.send({ method: 'POST', body: 'x' });
  t.equal(res.body, 'a');
  t.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms while the mirror takes 3 s`);
  t.ok(await waitFor(() => backends[1]!.bodies.length === 1), 'the mirror did get the request');
});

t.test('a mirroring service is as healthy as its main service', async (t) => {
  const { service } = await setup(t, { mirrors: [{ name: 'm1', percent: 50 }] });
  t.equal(service.healthy(), true);
  t.same(service.serverStatus(), {});
});
