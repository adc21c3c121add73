import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { setContext } from '../../../src/http/context.js';
import { buildService } from '../../../src/services/build.js';
import { closeBackendPool, startBackendPool } from '../../helpers/backend-pool.js';
import { startServiceHarness, tally } from '../../helpers/backend-harness.js';

const proportions: Array<[string, number[], Record<string, number>]> = [
  ['two servers of weight 1 each get half of 700 requests', [1, 1], { a: 350, b: 350 }],
  ['servers weighted 3 and 1 get 525 and 175 of 700 requests', [3, 1], { a: 525, b: 175 }],
  ['servers weighted 5, 1 and 1 get 500, 100 and 100 of 700 requests', [5, 1, 1], { a: 500, b: 100, c: 100 }],
  ['a server of weight 0 never gets a request', [1, 0, 1], { a: 350, c: 350 }],
];

for (const [name, weights, expected] of proportions) {
  t.test(name, async (t) => {
    const backends = await startBackendPool(weights.length);
    const harness = await startServiceHarness();
    t.teardown(async () => {
      await harness.close();
      await closeBackendPool(backends);
    });
    const servers = backends.map((b, i) => ({ url: b.url, weight: weights[i]! }));
    harness.service = buildService({ loadBalancer: { servers } }, harness.context('app@file'));
    t.same(await tally(harness, 700), expected);
  });
}

t.test('a load balancer without servers answers 503 and reports itself unhealthy', async (t) => {
  const harness = await startServiceHarness();
  t.teardown(() => harness.close());
  harness.service = buildService({ loadBalancer: { servers: [] } }, harness.context('empty@file'));
  const res = await harness.send();
  t.equal(res.status, 503);
  t.equal(res.body, 'Service Unavailable');
  t.equal(harness.service.healthy(), false);
  t.same(harness.service.serverStatus(), {});
});

t.test('an unchanged service continues its balancing sequence after a rebuild', async (t) => {
  const backends = await startBackendPool(3);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const config = { loadBalancer: { servers: [{ url: backends[0]!.url, weight: 5 }, { url: backends[1]!.url }, { url: backends[2]!.url }] } };
  harness.service = buildService(config, harness.context('seq@file'));
  const first = await tally(harness, 2);
  harness.service = buildService(structuredClone(config), harness.context('seq@file'));
  const second = await tally(harness, 1);
  // Weights 5,1,1 give a a b a c a a: a fresh balancer would answer "a" third, not "b".
  t.same({ first, second }, { first: { a: 2 }, second: { b: 1 } });
});

t.test('passHostHeader false sends the server host; the default passes the client Host', async (t) => {
  const backends = await startBackendPool(1);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  const host = new URL(backends[0]!.url).host;
  harness.service = buildService({ loadBalancer: { servers: [{ url: backends[0]!.url }] } }, harness.context('h1@file'));
  await harness.send({ headers: { host: 'app.test' } });
  t.equal(backends[0]!.lastHeaders.host, 'app.test');
  harness.service = buildService({ loadBalancer: { servers: [{ url: backends[0]!.url }], passHostHeader: false } }, harness.context('h2@file'));
  await harness.send({ headers: { host: 'app.test' } });
  t.equal(backends[0]!.lastHeaders.host, host);
});

t.test('servers a retrying middleware already tried are avoided while another is healthy', async (t) => {
  const backends = await startBackendPool(3);
  const harness = await startServiceHarness();
  t.teardown(async () => {
    await harness.close();
    await closeBackendPool(backends);
  });
  harness.service = buildService({ loadBalancer: { servers: backends.map((b) => ({ url: b.url })) } }, harness.context('retry@file'));
  harness.extraContext = { triedServers: new Set([backends[0]!.url, backends[1]!.url]) };
  t.same(await tally(harness, 6), { c: 6 });
  harness.extraContext = { triedServers: new Set(backends.map((b) => b.url)) };
  t.same(await tally(harness, 6), { a: 2, b: 2, c: 2 }, 'when every server was tried, any may be picked again');
});

t.test('a WebSocket upgrade with no server to take it gets a raw 503 on its socket', async (t) => {
  const harness = await startServiceHarness();
  t.teardown(() => harness.close());
  const service = buildService({ loadBalancer: { servers: [] } }, harness.context('ws@file'));
  const socket = new PassThrough();
  const req = new IncomingMessage(new Socket());
  setContext(req, { entryPoint: 'web', tls: false, remoteAddr: '127.0.0.1', remotePort: 1, host: 'x', path: '/', query: '', start: 0, upgrade: { socket, head: Buffer.alloc(0) } });
  await service.handle(req, new ServerResponse(req));
  t.match(String(socket.read()), /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*\r\n\r\nService Unavailable$/);
});
