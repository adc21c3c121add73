import { Redis } from 'ioredis';
import t from 'tap';
import { redisRegistryProvider } from '../../../providers/redis-registry/index.js';
import { silentLogger } from '../../../src/log.js';
import { startBackend, type Backend } from '../../helpers/backends.js';
import { startRedisServer } from '../../helpers/redis-server.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { getWithHost, tallyHost, until } from '../../helpers/provider-checks.js';

const ctx = { log: silentLogger, baseDir: process.cwd() };

const separators = [
  { separator: ':' as const, key: (service: string, id: string) => `reg:${service}:${id}` },
  { separator: '/' as const, key: (service: string, id: string) => `reg/${service}/${id}` },
];

for (const { separator, key } of separators) {
  t.test(`redisRegistry with "${separator}" keys: instances with a TTL become servers and leave when the key expires`, async (t) => {
    const redis = await startRedisServer();
    t.teardown(() => redis.close());
    const client = new Redis({ host: '127.0.0.1', port: redis.port });
    t.teardown(() => client.disconnect());
    const backends: Backend[] = [];
    for (const name of ['one', 'two']) {
      const backend = await startBackend((_req, res) => res.end(name));
      backends.push(backend);
      t.teardown(() => backend.close());
    }
    const [one, two] = backends as [Backend, Backend];
    const entry = (b: Backend, weight: number) => JSON.stringify({ address: '127.0.0.1', port: b.port, weight });
    await client.set(key('cart', 'i-1'), entry(one, 1), 'EX', 60);

    // A long scan interval: within this test only keyspace notifications can carry the changes.
    const provider = redisRegistryProvider.create({ endpoints: [redis.endpoint], prefix: 'reg', separator, defaultRule: 'Host(`{{ .Name }}.test`)', scanInterval: '5m' }, ctx);
    const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
    t.teardown(() => gw.close());
    await until('cart.test routes', async () => (await getWithHost(gw.url('/'), 'cart.test')) === '200 one');

    let before = gw.gateway.version();
    await client.set(key('cart', 'i-2'), entry(two, 3), 'EX', 60);
    await gw.gateway.waitForVersion(before + 1, 5000);
    t.same(await tallyHost(gw.url('/'), 'cart.test', 8), { '200 one': 2, '200 two': 6 }, 'a set key adds its instance with its weight');

    before = gw.gateway.version();
    await client.pexpire(key('cart', 'i-2'), 150);
    await gw.gateway.waitForVersion(before + 1, 8000);
    t.same(await tallyHost(gw.url('/'), 'cart.test', 4), { '200 one': 4 }, 'an expired key removes its instance');

    before = gw.gateway.version();
    await client.del(key('cart', 'i-1'));
    await gw.gateway.waitForVersion(before + 1, 5000);
    t.equal((await getWithHost(gw.url('/'), 'cart.test')).slice(0, 3), '404', 'a deleted last instance removes the service');
    t.match(gw.gateway.view.providerStates().redisregistry, { connected: true });
  });
}

t.test('redisRegistry finds changes by its periodic scan when notifications say nothing', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.close());
  const client = new Redis({ host: '127.0.0.1', port: redis.port });
  t.teardown(() => client.disconnect());
  const backend = await startBackend((_req, res) => res.end('scanned'));
  t.teardown(() => backend.close());
  const provider = redisRegistryProvider.create({ endpoints: [redis.endpoint], prefix: 'reg', defaultRule: 'Host(`{{ .Name }}.test`)', scanInterval: '100ms' }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  await until('the provider is connected', () => gw.gateway.view.providerStates().redisregistry?.connected === true);
  // Turning notifications off after the provider subscribed stands for a server whose events are lost.
  await client.config('SET', 'notify-keyspace-events', '');
  await client.set('reg:late:x', JSON.stringify({ address: '127.0.0.1', port: backend.port }));
  await until('late.test routes', async () => (await getWithHost(gw.url('/'), 'late.test')) === '200 scanned');
  t.pass('the scan picked up the registration');
});

t.test('an unreachable Redis is reported in the provider state', async (t) => {
  const redis = await startRedisServer();
  await redis.close();
  const provider = redisRegistryProvider.create({ endpoints: [redis.endpoint] }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider] });
  t.teardown(() => gw.close());
  await until('the failure is reported', () => /^redis 127\.0\.0\.1:\d+: /.test(gw.gateway.view.providerStates().redisregistry?.lastError ?? ''));
  t.equal(gw.gateway.view.providerStates().redisregistry?.connected, false);
});
