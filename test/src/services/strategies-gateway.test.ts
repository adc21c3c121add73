import t from 'tap';
import { request } from 'undici';
import { closeBackendPool, startBackendPool } from '../../helpers/backend-pool.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';

/** Sends one GET through the gateway and returns the answering backend's id (or the status). */
async function get(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await request(url, { headers });
  const body = await res.body.text();
  return res.statusCode === 200 ? body : String(res.statusCode);
}

t.test('strategies and highestRandomWeight are accepted from a file and route through the gateway', async (t) => {
  const backends = await startBackendPool(4);
  const [a, b, c, d] = backends.map((x) => x.url);
  const gw = await startTestGateway({
    dynamic: {
      'app.yaml': {
        http: {
          routers: {
            tenants: { rule: 'PathPrefix(`/tenants`)', service: 'by-tenant' },
            fast: { rule: 'PathPrefix(`/fast`)', service: 'fastest' },
            pairs: { rule: 'PathPrefix(`/pairs`)', service: 'pair' },
            zones: { rule: 'PathPrefix(`/zones`)', service: 'zones' },
          },
          services: {
            'by-tenant': { loadBalancer: { strategy: 'hrw', hash: { source: 'query', name: 'tenant' }, servers: [{ url: a }, { url: b }, { url: c }] } },
            fastest: { loadBalancer: { strategy: 'leasttime', servers: [{ url: a }, { url: b }] } },
            pair: { loadBalancer: { strategy: 'p2c', servers: [{ url: c }, { url: d, weight: 2 }] } },
            'zone-1': { loadBalancer: { servers: [{ url: a }] } },
            'zone-2': { loadBalancer: { servers: [{ url: d }] } },
            zones: { highestRandomWeight: { services: [{ name: 'zone-1' }, { name: 'zone-2', weight: 2 }], hash: { source: 'cookie', name: 'uid' } } },
          },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await closeBackendPool(backends);
  });
  const status = gw.gateway.table()!.status.services;
  t.same(
    Object.fromEntries(['by-tenant', 'fastest', 'pair', 'zones'].map((n) => [n, [status[`${n}@file`]?.status, status[`${n}@file`]?.type]])),
    { 'by-tenant': ['enabled', 'loadbalancer'], fastest: ['enabled', 'loadbalancer'], pair: ['enabled', 'loadbalancer'], zones: ['enabled', 'highestrandomweight'] },
  );

  for (let i = 0; i < 10; i++) {
    const first = await get(gw.url(`/tenants?tenant=t${i}`));
    t.equal(await get(gw.url(`/tenants/x?tenant=t${i}`)), first, `tenant t${i} stays on ${first}`);
  }
  const zones = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const first = await get(gw.url('/zones'), { cookie: `uid=u${i}` });
    zones.add(first);
    t.equal(await get(gw.url('/zones'), { cookie: `uid=u${i}` }), first);
  }
  t.same([...zones].sort(), ['a', 'd'], 'users spread over both zones');
  t.ok(['a', 'b'].includes(await get(gw.url('/fast'))));
  t.ok(['c', 'd'].includes(await get(gw.url('/pairs'))));
});

t.test('an unknown strategy disables the service with a clear error', async (t) => {
  const gw = await startTestGateway({
    dynamic: {
      'app.yaml': {
        http: {
          routers: { r: { rule: 'PathPrefix(`/`)', service: 's' } },
          services: { s: { loadBalancer: { strategy: 'random', servers: [{ url: 'http://127.0.0.1:1' }] } } },
        },
      },
    },
  });
  t.teardown(() => gw.close());
  const service = gw.gateway.table()!.status.services['s@file']!;
  t.equal(service.status, 'disabled');
  t.same(service.error, ['loadBalancer.strategy "random" is unknown (expected wrr, p2c, leasttime or hrw)']);
});

t.test('a reload that leaves a leasttime service unchanged keeps its measurements', async (t) => {
  const backends = await startBackendPool(2);
  backends[0]!.delay = 60;
  const service = { loadBalancer: { strategy: 'leasttime', servers: backends.map((b) => ({ url: b.url })) } };
  const gw = await startTestGateway({ dynamic: { 'app.yaml': { http: { routers: { r: { rule: 'PathPrefix(`/`)', service: 'fastest' } }, services: { fastest: service } } } } });
  t.teardown(async () => {
    await gw.close();
    await closeBackendPool(backends);
  });
  const first = [await get(gw.url('/')), await get(gw.url('/')), await get(gw.url('/'))];
  t.same(first, ['a', 'b', 'b'], 'the unmeasured tie goes to a, then b is measured faster');
  await gw.writeDynamic('other.yaml', { http: { routers: { other: { rule: 'Host(`other.test`)', service: 'fastest' } } } });
  // A fresh balancer would send this request to a (both unmeasured, WRR picks the first).
  t.equal(await get(gw.url('/')), 'b');
});
