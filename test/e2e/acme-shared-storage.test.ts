import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBackend } from '../helpers/backends.js';
import { preparePebble, startHttpreqBridge, httpsGet } from '../helpers/pebble.js';
import { SHARED_HOST, servedSerial, startSharedAcmeGateways } from '../helpers/shared-acme.js';

// Two gateway processes start side by side; cold starts on a loaded 2-core machine take long.
t.setTimeout(300_000);

// Two gateway processes (the real `switchyard` command) share one acme.json: the order lock makes
// them order once, and the process that waited serves the certificate the other one obtained.
const pebble = await preparePebble();
await pebble.start({});
const bridge = await startHttpreqBridge(pebble.challtestsrv);
const backend = await startBackend((_req, res) => res.end('shared backend'));
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-shared-'));
t.teardown(async () => {
  await backend.close();
  await bridge.close();
  await pebble.close();
  await rm(dir, { recursive: true, force: true });
});

t.test('two gateway processes sharing a storage file order the certificate once and serve the same one', async (t) => {
  const storage = path.join(dir, 'acme.json');
  const gateways = await startSharedAcmeGateways({ dir, storage, pebble, backendUrl: backend.url, httpreqEndpoint: bridge.endpoint });
  t.teardown(() => gateways.forEach((g) => g.process.child.kill('SIGKILL')));

  const root = await pebble.root();
  const serials = await Promise.all(gateways.map((g) => servedSerial(g.ports.websecure, root)));
  t.equal(serials[0], serials[1], 'both processes serve the same certificate');
  t.equal(bridge.calls.filter((c) => c.startsWith('/present')).length, 1, 'one DNS challenge published: one order');
  const stored = JSON.parse(await readFile(storage, 'utf8')) as { dns: { Certificates: unknown[]; Account: { Registration: { uri: string } } } };
  t.equal(stored.dns.Certificates.length, 1);
  t.equal((pebble.log().match(/There are now \d+ accounts in memory/g) ?? []).length, 1, 'one account registered between them');
  t.equal((await httpsGet(gateways[1]!.ports.websecure, SHARED_HOST, root)).body, 'shared backend');
});
