import { Etcd3 } from 'etcd3';
import t from 'tap';
import { etcdRegistryProvider } from '../../../providers/etcd-registry/index.js';
import { silentLogger } from '../../../src/log.js';
import { startBackend, type Backend } from '../../helpers/backends.js';
import { startEtcdServer } from '../../helpers/etcd-server.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { getWithHost, tallyHost, until } from '../../helpers/provider-checks.js';

const ctx = { log: silentLogger, baseDir: process.cwd() };

t.test('etcdRegistry: instances with leases become servers, and leave when their lease ends', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const client = new Etcd3({ hosts: `http://${etcd.endpoint}` });
  t.teardown(() => client.close());
  const backends: Backend[] = [];
  for (const name of ['one', 'two', 'three']) {
    const backend = await startBackend((_req, res) => res.end(name));
    backends.push(backend);
    t.teardown(() => backend.close());
  }
  const [one, two, three] = backends as [Backend, Backend, Backend];
  const entry = (b: Backend, extra: Record<string, unknown> = {}) => JSON.stringify({ address: '127.0.0.1', port: b.port, ...extra });

  const lease1 = client.lease(30);
  await lease1.put('reg/shop/i-1').value(entry(one, { weight: 1 }));
  const provider = etcdRegistryProvider.create({ endpoints: [etcd.endpoint], prefix: 'reg', defaultRule: 'Host(`{{ normalize .Name }}.test`)' }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  const host = 'shop.test';

  await until('shop.test routes', async () => (await getWithHost(gw.url('/'), host)) === '200 one');
  t.match(gw.gateway.view.providerStates().etcdregistry, { connected: true });

  const lease2 = client.lease(30);
  let before = gw.gateway.version();
  await lease2.put('reg/shop/i-2').value(entry(two, { weight: 3, tags: ['v2'], metadata: { zone: 'a' } }));
  await gw.gateway.waitForVersion(before + 1, 5000);
  // Another table may be applied first (a loaded machine delivers the watch events apart), so wait for the instance itself.
  await until('the second instance routes', async () => Object.keys(await tallyHost(gw.url('/'), host, 4)).includes('200 two'), 15_000);
  t.same(await tallyHost(gw.url('/'), host, 8), { '200 one': 2, '200 two': 6 }, 'a second instance joins with its weight');

  before = gw.gateway.version();
  await lease2.revoke();
  await gw.gateway.waitForVersion(before + 1, 5000);
  await until('the revoked instance leaves', async () => !Object.keys(await tallyHost(gw.url('/'), host, 4)).includes('200 two'), 15_000);
  t.same(await tallyHost(gw.url('/'), host, 4), { '200 one': 4 }, 'a revoked lease removes its instance');

  // A lease nobody keeps alive: etcd deletes the key when it expires (etcd's minimum TTL is about 1.5 s).
  const short = client.lease(1, { autoKeepAlive: false });
  await short.grant();
  before = gw.gateway.version();
  await short.put('reg/shop/i-3').value(entry(three));
  await gw.gateway.waitForVersion(before + 1, 5000);
  t.ok(Object.keys(await tallyHost(gw.url('/'), host, 6)).includes('200 three'), 'the short-lived instance takes traffic');
  await until('the expired lease removes the instance', async () => !Object.keys(await tallyHost(gw.url('/'), host, 4)).includes('200 three'), 15_000);

  before = gw.gateway.version();
  await client.put('reg/shop/broken').value('{"address": "127.0.0.1"}');
  await gw.gateway.waitForVersion(before + 1, 5000);
  t.match(gw.gateway.view.providerStates().etcdregistry?.lastError, /key "reg\/shop\/broken": "port" must be an integer/, 'a bad entry is reported by key');
  t.equal(await getWithHost(gw.url('/'), host), '200 one', 'and the valid instances keep serving');

  before = gw.gateway.version();
  await lease1.revoke();
  await client.delete().key('reg/shop/broken');
  await gw.gateway.waitForVersion(before + 1, 5000);
  await until('the service is gone', async () => (await getWithHost(gw.url('/'), host)).startsWith('404'));
  t.pass('the last instance leaving removes the service and its router');
});

t.test('etcdRegistry without a default rule makes services only, for routers defined elsewhere', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const backend = await startBackend((_req, res) => res.end('api'));
  t.teardown(() => backend.close());
  await etcd.etcdctl(['put', 'switchyard/services/api/a', JSON.stringify({ address: '127.0.0.1', port: backend.port })]);
  const provider = etcdRegistryProvider.create({ endpoints: [etcd.endpoint] }, ctx);
  const gw = await startTestGateway({
    extraProviders: [provider],
    waitForFirst: false,
    dynamic: { 'routes.yaml': { http: { routers: { api: { rule: 'Host(`api.test`)', service: 'api@etcdregistry' } } } } },
  });
  t.teardown(() => gw.close());
  await until('api.test routes through the registry service', async () => (await getWithHost(gw.url('/'), 'api.test')) === '200 api');
  t.notOk(Object.keys(gw.gateway.table()?.status.routers ?? {}).some((name) => name.endsWith('@etcdregistry')), 'no router is made');
});

t.test('etcdRegistry keeps its routes while etcd is down and refreshes them when it is back', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const backends: Backend[] = [];
  for (const name of ['a', 'b']) {
    const backend = await startBackend((_req, res) => res.end(name));
    backends.push(backend);
    t.teardown(() => backend.close());
  }
  const put = (id: string, b: Backend) => etcd.etcdctl(['put', `switchyard/services/svc/${id}`, JSON.stringify({ address: '127.0.0.1', port: b.port })]);
  await put('a', backends[0]!);
  const provider = etcdRegistryProvider.create({ endpoints: [etcd.endpoint], defaultRule: 'Host(`svc.test`)' }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  await until('svc.test routes', async () => (await getWithHost(gw.url('/'), 'svc.test')) === '200 a');

  await etcd.stop();
  await until('the outage is reported', () => gw.gateway.view.providerStates().etcdregistry?.connected === false, 15_000);
  t.equal(await getWithHost(gw.url('/'), 'svc.test'), '200 a', 'the last good routes keep serving');

  await etcd.start();
  await put('b', backends[1]!);
  await until('the new instance is picked up after the restart', async () => Object.keys(await tallyHost(gw.url('/'), 'svc.test', 4)).length === 2, 20_000);
  t.match(gw.gateway.view.providerStates().etcdregistry, { connected: true });
});
