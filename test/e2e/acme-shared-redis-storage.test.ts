import t from 'tap';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { freePort } from '../helpers/free-port.js';
import { spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';
import { startBackend } from '../helpers/backends.js';
import { preparePebble, startHttpreqBridge, httpsGet } from '../helpers/pebble.js';
import { startRedisServer } from '../helpers/redis-server.js';

// Two gateway processes (the real `switchyard` command) with separate folders share one Redis storage,
// as replicas on different machines would: the Redis lock makes them order once, and the process
// that waited serves the certificate the other one obtained.
const redis = await startRedisServer();
const pebble = await preparePebble();
await pebble.start({});
const bridge = await startHttpreqBridge(pebble.challtestsrv);
const backend = await startBackend((_req, res) => res.end('shared backend'));
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-redis-'));
t.teardown(async () => {
  await backend.close();
  await bridge.close();
  await pebble.close();
  await redis.close();
  await rm(dir, { recursive: true, force: true });
});

/** Polls a spawned gateway's HTTPS port until it serves a certificate from pebble (the process is outside this one). */
async function servedSerial(port: number, root: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await httpsGet(port, 'shared.app.test', root).catch(() => undefined);
    if (answer?.issuer.includes('Pebble')) return answer.serial;
    if (Date.now() > deadline) throw new Error(`port ${port} did not serve a pebble certificate in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.test('two gateway processes sharing a Redis storage order the certificate once and serve the same one', async (t) => {
  const storage = `redis://${redis.endpoint}/0?prefix=shared`;
  const gateways = [];
  for (const name of ['one', 'two']) {
    const home = path.join(dir, name);
    await mkdir(path.join(home, 'dynamic'), { recursive: true });
    const ports = { web: await freePort(), websecure: await freePort(), internal: await freePort() };
    await writeFile(
      path.join(home, 'switchyard.yaml'),
      stringify({
        entryPoints: { web: { address: `127.0.0.1:${ports.web}` }, websecure: { address: `127.0.0.1:${ports.websecure}`, http: { tls: {} } }, switchyard: { address: `127.0.0.1:${ports.internal}` } },
        ping: {},
        log: { level: 'ERROR' },
        providers: { providersThrottleDuration: 0, file: { directory: 'dynamic' } },
        certificatesResolvers: {
          dns: { acme: { email: 'ops@app.test', storage, caServer: pebble.directoryUrl, keyType: 'EC256', caCertificates: [pebble.apiCertFile], dnsChallenge: { provider: 'httpreq', resolvers: [pebble.dnsServer] } } },
        },
      }),
    );
    await writeFile(
      path.join(home, 'dynamic', 'app.yaml'),
      stringify({
        http: {
          routers: { app: { rule: 'Host(`shared.app.test`)', entryPoints: ['websecure'], service: 'app', tls: { certResolver: 'dns' } } },
          services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
        },
      }),
    );
    gateways.push({ ports, home });
  }
  // Both start at once, so both want the certificate at the same moment.
  process.env.HTTPREQ_ENDPOINT = bridge.endpoint;
  const processes = gateways.map((g) => spawnGateway(['--configFile=switchyard.yaml'], g.home));
  t.teardown(() => processes.forEach((p) => p.child.kill('SIGKILL')));
  await Promise.all(gateways.map((g) => waitForStatus(`http://127.0.0.1:${g.ports.internal}/ping`, 200)));

  const root = await pebble.root();
  const serials = await Promise.all(gateways.map((g) => servedSerial(g.ports.websecure, root)));
  t.equal(serials[0], serials[1], 'both processes serve the same certificate');
  t.equal(bridge.calls.filter((c) => c.startsWith('/present')).length, 1, 'one DNS challenge published: one order');
  const client = new Redis({ host: '127.0.0.1', port: redis.port });
  t.teardown(() => client.disconnect());
  const stored = JSON.parse((await client.get('shared:resolver:dns'))!) as { account: { url: string }; certificates: unknown[] };
  t.equal(stored.certificates.length, 1, 'one certificate in Redis');
  t.ok(stored.account.url, 'the account is in Redis too');
  // The process that waited may still be releasing its lock when its certificate is already served.
  const deadline = Date.now() + 15_000;
  while ((await client.keys('shared:lock:*')).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.same(await client.keys('shared:lock:*'), [], 'no lock is left behind');
  t.equal((pebble.log().match(/There are now \d+ accounts in memory/g) ?? []).length, 1, 'one account registered between them');
  t.equal((await httpsGet(gateways[1]!.ports.websecure, 'shared.app.test', root)).body, 'shared backend');
});
