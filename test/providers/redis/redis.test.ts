import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import t, { type Test } from 'tap';
import { freePort } from '../../helpers/free-port.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness.js';
import { get, startNamedBackend, untilRouted, untilState } from '../../helpers/kv-gateway.js';

function clientOf(t: Test, server: RedisServer, password?: string): Redis {
  const client = new Redis({ port: server.port, host: '127.0.0.1', ...(password && { password }), lazyConnect: false });
  client.on('error', () => undefined);
  t.teardown(() => client.disconnect());
  return client;
}

async function gatewayOn(t: Test, server: RedisServer, extra: Record<string, unknown> = {}): Promise<TestGateway> {
  const gw = await startTestGateway({ static: { providers: { redis: { endpoints: [server.endpoint], ...extra } } } });
  t.teardown(() => gw.close());
  return gw;
}

const routeTo = (name: string, host: string, url: string): string[] => [
  `traefik/http/routers/${name}/rule`, `Host(\`${host}\`)`,
  `traefik/http/routers/${name}/service`, name,
  `traefik/http/services/${name}/loadbalancer/servers/0/url`, url,
];

t.test('redis provider with keyspace notifications', async (t) => {
  const server = await startRedisServer();
  t.teardown(() => server.close());
  const redis = clientOf(t, server);
  const one = await startNamedBackend('one');
  const two = await startNamedBackend('two');
  t.teardown(() => Promise.all([one.close(), two.close()]));

  await redis.mset(...routeTo('app', 'app.test', one.url));
  const gw = await gatewayOn(t, server);
  await untilRouted(gw, async () => (await get(gw, 'app.test')).body === 'one');
  t.pass('keys present at start are routed');
  t.match(await redis.config('GET', 'notify-keyspace-events'), ['notify-keyspace-events', /K/], 'the provider turned keyspace notifications on');

  await redis.mset(...routeTo('api', 'api.test', two.url));
  await untilRouted(gw, async () => (await get(gw, 'api.test')).body === 'two');
  t.pass('an added router is routed');

  await redis.set('traefik/http/services/app/loadbalancer/servers/0/url', two.url);
  await untilRouted(gw, async () => (await get(gw, 'app.test')).body === 'two');
  t.pass('a changed value is followed');

  await redis.del('traefik/http/routers/api/rule', 'traefik/http/routers/api/service');
  await untilRouted(gw, async () => (await get(gw, 'api.test')).status === 404);
  t.pass('a removed router stops routing');

  await redis.pexpire('traefik/http/routers/app/rule', 50);
  await untilRouted(gw, async () => (await get(gw, 'app.test')).status === 404);
  t.pass('an expired key is followed');

  await redis.flushdb();
  await untilState(gw, (s) => s?.connected === true, 'redis');
  t.equal(gw.gateway.table()?.version, gw.gateway.version(), 'the table in service is current');
});

t.test('an emptied root removes the routes and a restarted Redis is read afresh', async (t) => {
  let server = await startRedisServer();
  const port = server.port;
  t.teardown(() => server.close());
  const one = await startNamedBackend('one');
  const two = await startNamedBackend('two');
  t.teardown(() => Promise.all([one.close(), two.close()]));
  const first = clientOf(t, server);
  await first.mset(...routeTo('web', 'web.test', one.url));
  const gw = await gatewayOn(t, server);
  await untilRouted(gw, async () => (await get(gw, 'web.test')).body === 'one');

  await server.close();
  await untilState(gw, (s) => s?.connected === false && /redis/.test(String(s.lastError)), 'redis');
  t.same(await get(gw, 'web.test'), { status: 200, body: 'one' }, 'routes are kept while Redis is down');

  server = await startRedisServer({ port });
  const second = clientOf(t, server);
  await second.mset(...routeTo('web', 'web.test', two.url));
  await untilRouted(gw, async () => (await get(gw, 'web.test')).body === 'two', 60_000);
  t.pass('after the restart the new keys are routed');
  await untilState(gw, (s) => s?.connected === true, 'redis');

  await second.del(...(await second.keys('traefik/*')));
  await untilRouted(gw, async () => (await get(gw, 'web.test')).status === 404);
  t.pass('an emptied root removes the routes (unlike Traefik #8092)');
});

t.test('without CONFIG and notifications the provider polls at pollInterval', async (t) => {
  const server = await startRedisServer({ args: ['--rename-command', 'CONFIG', ''] });
  t.teardown(() => server.close());
  const one = await startNamedBackend('one');
  t.teardown(() => one.close());
  const redis = clientOf(t, server);
  const gw = await gatewayOn(t, server, { pollInterval: '200ms', db: 0 });
  await redis.mset(...routeTo('late', 'late.test', one.url));
  await untilRouted(gw, async () => (await get(gw, 'late.test')).body === 'one');
  t.pass('a key added after start is found by polling');
});

t.test('with requirepass, a wrong password is reported and the right one loads the routes', async (t) => {
  const server = await startRedisServer({ args: ['--requirepass', 's3cret'] });
  t.teardown(() => server.close());
  const one = await startNamedBackend('one');
  t.teardown(() => one.close());
  const redis = clientOf(t, server, 's3cret');
  await redis.mset(...routeTo('app', 'app.test', one.url));

  const bad = await gatewayOn(t, server, { password: 'wrong' });
  await untilState(bad, (s) => s?.connected === false && /WRONGPASS|invalid password|NOAUTH/i.test(String(s.lastError)), 'redis');
  t.pass('the authentication failure is in the provider state');
  t.equal((await get(bad, 'app.test')).status, 404, 'nothing is routed');

  const good = await gatewayOn(t, server, { password: 's3cret' });
  await untilRouted(good, async () => (await get(good, 'app.test')).body === 'one');
  t.pass('the right password loads the routes');
});

t.test('a custom root key and database are honoured', async (t) => {
  const server = await startRedisServer();
  t.teardown(() => server.close());
  const one = await startNamedBackend('one');
  t.teardown(() => one.close());
  const redis = clientOf(t, server);
  await redis.select(3);
  await redis.mset(...routeTo('x', 'x.test', one.url).map((part) => part.replace(/^traefik\//, 'edge/prod/')));
  const gw = await gatewayOn(t, server, { rootKey: 'edge/prod', db: 3 });
  await untilRouted(gw, async () => (await get(gw, 'x.test')).body === 'one');
  await redis.set('edge/prod/http/routers/x/rule', 'Host(`y.test`)');
  await untilRouted(gw, async () => (await get(gw, 'y.test')).body === 'one');
  t.pass('changes in db 3 under edge/prod are followed');
});

t.test('through Redis Sentinel the provider finds the master by name', async (t) => {
  const master = await startRedisServer();
  t.teardown(() => master.close());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-sentinel-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  // Sentinel rewrites its configuration file, so it needs one of its own.
  await writeFile(path.join(dir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor mymaster 127.0.0.1 ${master.port} 1\n`);
  const child = spawn('redis-server', [path.join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
  t.teardown(() => void child.kill('SIGTERM'));
  const sentinel = { port, endpoint: `127.0.0.1:${port}` } as RedisServer;
  for (let ready = false; !ready; ) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    ready = await probe.connect().then(() => probe.call('SENTINEL', 'get-master-addr-by-name', 'mymaster')).then((addr) => addr !== null, () => false);
    probe.disconnect();
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const one = await startNamedBackend('one');
  t.teardown(() => one.close());
  const redis = clientOf(t, master);
  await redis.mset(...routeTo('s', 's.test', one.url));
  const gw = await gatewayOn(t, sentinel, { sentinel: { masterName: 'mymaster' } });
  await untilRouted(gw, async () => (await get(gw, 's.test')).body === 'one');
  await redis.set('traefik/http/routers/s/rule', 'Host(`t.test`)');
  await untilRouted(gw, async () => (await get(gw, 't.test')).body === 'one');
  t.pass('keys on the master named by the sentinel are read and watched');
});
