import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startBackend } from '../helpers/backends.js';
import { preparePebble, startHttpreqBridge, httpsGet } from '../helpers/pebble.js';
import { SHARED_HOST, servedSerial, startSharedAcmeGateways } from '../helpers/shared-acme.js';
import { startRedisServer } from '../helpers/redis-server.js';

// Two gateway processes start side by side; cold starts on a loaded 2-core machine take long.
t.setTimeout(300_000);

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

t.test('two gateway processes sharing a Redis storage order the certificate once and serve the same one', async (t) => {
  const storage = `redis://${redis.endpoint}/0?prefix=shared`;
  const gateways = await startSharedAcmeGateways({ dir, storage, pebble, backendUrl: backend.url, httpreqEndpoint: bridge.endpoint });
  t.teardown(() => gateways.forEach((g) => g.process.child.kill('SIGKILL')));

  const root = await pebble.root();
  const serials = await Promise.all(gateways.map((g) => servedSerial(g.ports.websecure, root)));
  t.equal(serials[0], serials[1], 'both processes serve the same certificate');
  t.equal(bridge.calls.filter((c) => c.startsWith('/present')).length, 1, 'one DNS challenge published: one order');
  const client = new Redis({ host: '127.0.0.1', port: redis.port });
  t.teardown(() => client.disconnect());
  const stored = JSON.parse((await client.get('shared:resolver:dns'))!) as { account: { url: string }; certificates: unknown[] };
  t.equal(stored.certificates.length, 1, 'one certificate in Redis');
  t.ok(stored.account.url, 'the account is in Redis too');
  // Both processes hold the order lock in turn, the one that waited only to find the certificate, and it
  // polls for the lock every 100-200 ms: a moment without a lock can fall between the two. "None left"
  // therefore means none seen for a whole second (a lock left behind would stay for its 30 s TTL).
  const deadline = Date.now() + 15_000;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if ((await client.keys('shared:lock:*')).length) quietSince = Date.now();
    else if (Date.now() - quietSince >= 1_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.same(await client.keys('shared:lock:*'), [], 'no lock is left behind');
  t.equal((pebble.log().match(/There are now \d+ accounts in memory/g) ?? []).length, 1, 'one account registered between them');
  t.equal((await httpsGet(gateways[1]!.ports.websecure, SHARED_HOST, root)).body, 'shared backend');
});
