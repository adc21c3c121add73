import t from 'tap';
import { consulProvider } from '../../../providers/consul/index.js';
import { builtinMiddlewares } from '../../../src/builtins.js';
import { silentLogger } from '../../../src/log.js';
import { startBackend } from '../../helpers/backends.js';
import { startConsulFake } from '../../helpers/consul-fake.js';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { getWithHost, until } from '../../helpers/provider-checks.js';

const ctx = { log: silentLogger, baseDir: process.cwd(), middlewares: builtinMiddlewares() };

t.test('the consul KV provider loads the tree, wakes on blocking queries and follows every change', async (t) => {
  const consul = await startConsulFake({ token: 's3cret' });
  t.teardown(() => consul.close());
  const backend = await startBackend((req, res) => res.end(`app ${req.url}`));
  t.teardown(() => backend.close());
  consul.putKv('traefik/http/routers/app/rule', 'Host(`kv.test`)');
  consul.putKv('traefik/http/routers/app/service', 'app');
  consul.putKv('traefik/http/routers/app/middlewares/0', 'add');
  consul.putKv('traefik/http/middlewares/add/addPrefix/prefix', '/p');
  consul.putKv('traefik/http/services/app/loadbalancer/servers/0/url', backend.url);
  consul.putKv('other/http/routers/x/rule', 'Host(`outside.test`)');

  const provider = consulProvider.create({ endpoints: [consul.address], token: 's3cret' }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  const get = (host: string, path = '/') => getWithHost(gw.url(path), host);

  await until('kv.test routes', async () => (await get('kv.test', '/x')) === '200 app /p/x');
  t.match(gw.gateway.view.providerStates().consul, { connected: true, lastError: undefined }, 'the state is connected');
  await until('the provider hangs in a blocking query', () => consul.blocked() > 0);
  t.ok(consul.requests.some((r) => /^\/v1\/kv\/traefik\/\?recurse=true&index=\d+&wait=300s$/.test(r.url)), 'it sends index and wait');

  const cases = [
    { name: 'a changed rule moves the route', change: () => consul.putKv('traefik/http/routers/app/rule', 'Host(`kv2.test`)'), host: 'kv2.test', expect: '200 app /p/' },
    { name: 'a lower-case key is read like its camel-case spelling', change: () => consul.putKv('traefik/http/middlewares/add/addprefix/prefix', '/q'), host: 'kv2.test', expect: '200 app /q/' },
    { name: 'a deleted middleware reference leaves the router without it', change: () => consul.deleteKv('traefik/http/routers/app/middlewares/', true), host: 'kv2.test', expect: '200 app /' },
  ];
  for (const c of cases) {
    const before = gw.gateway.version();
    c.change();
    // The blocking query has a 5 minute wait: only a wake-up on the index change can apply this in time.
    await gw.gateway.waitForVersion(before + 1, 5000);
    t.equal(await get(c.host), c.expect, c.name);
  }

  const before = gw.gateway.version();
  consul.deleteKv('traefik/', true);
  await gw.gateway.waitForVersion(before + 1, 5000);
  t.equal((await get('kv2.test')).slice(0, 3), '404', 'an emptied root removes the routes');
});

t.test('a wrong token is reported in the provider state and nothing is loaded', async (t) => {
  const consul = await startConsulFake({ token: 's3cret' });
  t.teardown(() => consul.close());
  consul.putKv('traefik/http/routers/app/rule', 'Host(`kv.test`)');
  const provider = consulProvider.create({ endpoints: [consul.url], token: 'wrong' }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider] });
  t.teardown(() => gw.close());
  await until('the denial is reported', () => /access denied \(403 ACL not found\)/.test(gw.gateway.view.providerStates().consul?.lastError ?? ''));
  t.equal(gw.gateway.view.providerStates().consul?.connected, false);
});

t.test('an unreachable agent is reported and the last good routes stay', async (t) => {
  const consul = await startConsulFake();
  const backend = await startBackend((_req, res) => res.end('kept'));
  t.teardown(() => backend.close());
  consul.putKv('traefik/http/routers/app/rule', 'Host(`kv.test`)');
  consul.putKv('traefik/http/routers/app/service', 'app');
  consul.putKv('traefik/http/services/app/loadbalancer/servers/0/url', backend.url);
  const provider = consulProvider.create({ endpoints: [consul.address] }, ctx);
  const gw = await startTestGateway({ extraProviders: [provider], waitForFirst: false });
  t.teardown(() => gw.close());
  await until('kv.test routes', async () => (await getWithHost(gw.url('/'), 'kv.test')) === '200 kept');
  await consul.close();
  await until('the failure is reported', () => gw.gateway.view.providerStates().consul?.connected === false);
  t.equal(await getWithHost(gw.url('/'), 'kv.test'), '200 kept', 'routes keep serving');
});
