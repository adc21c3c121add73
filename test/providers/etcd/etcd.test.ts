import t, { type Test } from 'tap';
import { startEtcdServer, type EtcdServer } from '../../helpers/etcd-server.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness.js';
import { get, startNamedBackend, untilRouted, untilState } from '../../helpers/kv-gateway.js';

async function put(etcd: EtcdServer, keys: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(keys)) await etcd.etcdctl(['put', key, value]);
}

async function gatewayOn(t: Test, etcd: EtcdServer, extra: Record<string, unknown> = {}): Promise<TestGateway> {
  const gw = await startTestGateway({ static: { providers: { etcd: { endpoints: [etcd.endpoint], rootKey: 'traefik', ...extra } } } });
  t.teardown(() => gw.close());
  return gw;
}

const routeTo = (name: string, host: string, url: string) => ({
  [`traefik/http/routers/${name}/rule`]: `Host(\`${host}\`)`,
  [`traefik/http/routers/${name}/service`]: name,
  [`traefik/http/services/${name}/loadbalancer/servers/0/url`]: url,
});

t.test('etcd provider', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const one = await startNamedBackend('one');
  const two = await startNamedBackend('two');
  t.teardown(() => Promise.all([one.close(), two.close()]));

  await t.test('keys present at start are routed, then added, changed and removed keys follow', async (t) => {
    await put(etcd, routeTo('app', 'app.test', one.url));
    const gw = await gatewayOn(t, etcd);
    await untilRouted(gw, async () => (await get(gw, 'app.test')).body === 'one');
    t.same(await get(gw, 'app.test'), { status: 200, body: 'one' }, 'the initial keys are routed');

    await put(etcd, routeTo('api', 'api.test', two.url));
    await untilRouted(gw, async () => (await get(gw, 'api.test')).body === 'two');
    t.pass('an added router is routed');

    await etcd.etcdctl(['put', 'traefik/http/services/app/loadbalancer/servers/0/url', two.url]);
    await untilRouted(gw, async () => (await get(gw, 'app.test')).body === 'two');
    t.pass('a changed server URL is followed');

    await etcd.etcdctl(['del', '--prefix', 'traefik/http/routers/api/']);
    await untilRouted(gw, async () => (await get(gw, 'api.test')).status === 404);
    t.pass('a removed router stops routing');

    await etcd.etcdctl(['del', '--prefix', 'traefik/']);
    await untilRouted(gw, async () => (await get(gw, 'app.test')).status === 404);
    t.pass('an emptied root removes every route (unlike Traefik #8092)');
    t.match(gw.gateway.view.providerStates().etcd, { connected: true });
  });

  await t.test('the last routes keep serving while etcd is down and are refreshed once it is back', async (t) => {
    await put(etcd, routeTo('web', 'web.test', one.url));
    const gw = await gatewayOn(t, etcd);
    await untilRouted(gw, async () => (await get(gw, 'web.test')).body === 'one');
    await etcd.stop();
    await untilState(gw, (s) => s?.connected === false && typeof s.lastError === 'string', 'etcd');
    t.same(await get(gw, 'web.test'), { status: 200, body: 'one' }, 'routes are kept during the outage');
    t.match(gw.gateway.view.providerStates().etcd, { connected: false, lastError: /etcd/ });
    await etcd.start();
    await etcd.etcdctl(['put', 'traefik/http/services/web/loadbalancer/servers/0/url', two.url]);
    await untilRouted(gw, async () => (await get(gw, 'web.test')).body === 'two', 60_000);
    t.pass('the change made after the restart is routed');
    await untilState(gw, (s) => s?.connected === true, 'etcd');
    await etcd.etcdctl(['del', '--prefix', 'traefik/']);
  });

  await t.test('a broken key is reported and the rest of the element still loads', async (t) => {
    await put(etcd, { ...routeTo('odd', 'odd.test', one.url), 'traefik/http/routers/odd/bogus': 'x' });
    const gw = await gatewayOn(t, etcd);
    await untilRouted(gw, async () => (await get(gw, 'odd.test')).body === 'one');
    t.match(gw.gateway.view.providerStates().etcd, { lastError: /traefik\/http\/routers\/odd\/bogus/ });
    await etcd.etcdctl(['del', '--prefix', 'traefik/']);
  });
});

t.test('a root key written with a leading slash reads keys stored with one', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const one = await startNamedBackend('one');
  t.teardown(() => one.close());
  const keys = Object.fromEntries(Object.entries(routeTo('lead', 'lead.test', one.url)).map(([key, value]) => [key.replace(/^traefik\//, '/edge/'), value]));
  await put(etcd, { ...keys, '/edgeless/http/routers/x/rule': 'Host(`x.test`)' });
  const gw = await gatewayOn(t, etcd, { rootKey: '/edge' });
  await untilRouted(gw, async () => (await get(gw, 'lead.test')).body === 'one');
  t.same(gw.gateway.view.providerStates().etcd?.lastError, undefined, 'keys of a sibling prefix are not read');
});

t.test('with etcd authentication on, a wrong password is reported and the right one loads the routes', async (t) => {
  const etcd = await startEtcdServer();
  t.teardown(() => etcd.close());
  const one = await startNamedBackend('one');
  t.teardown(() => one.close());
  await put(etcd, routeTo('app', 'app.test', one.url));
  await etcd.etcdctl(['user', 'add', 'root:rootpw']);
  await etcd.etcdctl(['user', 'grant-role', 'root', 'root']).catch(() => undefined);
  await etcd.etcdctl(['auth', 'enable']);

  const bad = await startTestGateway({ static: { providers: { etcd: { endpoints: [etcd.endpoint], username: 'root', password: 'wrong' } } } });
  t.teardown(() => bad.close());
  await untilState(bad, (s) => s?.connected === false && /authentication failed/i.test(String(s.lastError)), 'etcd');
  t.pass('the authentication failure is in the provider state');
  t.equal((await get(bad, 'app.test')).status, 404, 'nothing is routed');

  const good = await gatewayOn(t, etcd, { username: 'root', password: 'rootpw' });
  await untilRouted(good, async () => (await get(good, 'app.test')).body === 'one');
  t.pass('the right password loads the routes');
});
