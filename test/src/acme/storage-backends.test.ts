import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileStorage } from '../../../src/acme/file-storage.js';
import { createStorage } from '../../../src/acme/storage-factory.js';
import type { StorageBackend, StoredCertificate } from '../../../src/acme/storage.js';
import { startEtcdServer } from '../../helpers/etcd-server.js';
import { startKubeFake } from '../../helpers/kube-fake/index.js';
import { startRedisServer } from '../../helpers/redis-server.js';

// The same contract, run against every backend on real servers: what replicas sharing ACME storage rely on.
// Four backends, each with a lock holder in a child process: longer than the default file timeout on a busy machine.
t.setTimeout(300_000);
const etcd = await startEtcdServer();
const redis = await startRedisServer();
const kube = await startKubeFake();
const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-backends-'));
t.teardown(async () => {
  await Promise.all([etcd.close(), redis.close(), kube.close()]);
  await rm(dir, { recursive: true, force: true });
});

// Locks expire this long after their holder's last heartbeat; short so a dead holder's test is quick.
const TTL = '3s';
const STALE_MS = 3000;

/** One backend: `where(space)` names a store no other case uses; `open` makes an independent instance on it. */
interface BackendRow {
  name: string;
  where(space: string): string;
  open(where: string): StorageBackend;
}

const rows: BackendRow[] = [
  { name: 'file', where: (space) => path.join(dir, space, 'acme.json'), open: (file) => fileStorage(file, { staleLockMs: STALE_MS }) },
  { name: 'etcd', where: (space) => `etcd://${etcd.endpoint}/test/${space}?lockTtl=${TTL}`, open: (url) => createStorage(url, dir) },
  { name: 'redis', where: (space) => `redis://${redis.endpoint}/0?prefix=test:${space}&lockTtl=${TTL}`, open: (url) => createStorage(url, dir) },
  { name: 'kubernetes', where: (space) => `kubernetes://default/t-${space}?kubeconfig=${encodeURIComponent(kube.kubeconfigPath)}&lockDuration=${TTL}`, open: (url) => createStorage(url, dir) },
];

const cert = (main: string): StoredCertificate => ({ domain: { main, sans: [] }, certificate: `-----BEGIN CERTIFICATE-----\n${main}\n`, key: '-----BEGIN PRIVATE KEY-----\nk\n' });
let spaces = 0;

/** Two instances on a fresh store, closed at the end of the test. */
function pair(t: { teardown(fn: () => unknown): void }, row: BackendRow) {
  const where = row.where(`s${++spaces}`);
  const a = row.open(where);
  const b = row.open(where);
  t.teardown(async () => {
    await a.close?.();
    await b.close?.();
  });
  return { where, a, b };
}

/** Resolves true when the promise settles within `ms`, false otherwise (a negative check of waiting). */
const settlesWithin = (promise: Promise<unknown>, ms: number) => Promise.race([promise.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

/** Runs a holder in another process that takes `lock` and never lets go, then kills it with SIGKILL. */
async function holderThatDies(row: BackendRow, where: string, lock: string): Promise<void> {
  const spec = JSON.stringify({
    row: row.name,
    where,
    lock,
    staleLockMs: STALE_MS,
    dir,
    file: new URL('../../../src/acme/file-storage.ts', import.meta.url).href,
    factory: new URL('../../../src/acme/storage-factory.ts', import.meta.url).href,
  });
  const code = `
    const spec = JSON.parse(process.env.SY_SPEC);
    const { fileStorage } = await import(spec.file);
    const { createStorage } = await import(spec.factory);
    const storage = spec.row === 'file' ? fileStorage(spec.where, { staleLockMs: spec.staleLockMs }) : createStorage(spec.where, spec.dir);
    await storage.lock(spec.lock);
    process.stdout.write('locked\\n');
    setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { ...process.env, SY_SPEC: spec }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      output += d;
      if (output.includes('locked')) resolve();
    });
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${output}`)));
  });
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

for (const row of rows) {
  t.test(`${row.name} storage`, async (t) => {
    t.test('an empty store reads as no data, and written data round-trips', async (t) => {
      const { a, b } = pair(t, row);
      t.same(await a.read('le'), { certificates: [] });
      const account = { email: 'ops@app.test', url: 'https://ca/acct/1', privateKey: 'PEM', caServer: 'https://ca/dir' };
      await a.update('le', (d) => ({ ...d, account, certificates: [cert('a.test')] }));
      await a.update('Other_Resolver', (d) => ({ ...d, certificates: [cert('other.test')] }));
      t.same(await b.read('le'), { account, certificates: [cert('a.test')] }, 'another instance reads it');
      t.same((await b.read('Other_Resolver')).certificates, [cert('other.test')], 'resolvers keep their own data');
    });

    t.test('updates are atomic under 20 concurrent updaters from two instances', async (t) => {
      const { a, b } = pair(t, row);
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update('le', (d) => ({ ...d, certificates: [...d.certificates, cert(`n${i}.test`)] }))));
      const names = (await a.read('le')).certificates.map((c) => c.domain.main).sort();
      t.same(names, Array.from({ length: 20 }, (_, i) => `n${i}.test`).sort(), 'no update is lost');
    });

    t.test('a lock is exclusive between two instances and passes on when unlocked', async (t) => {
      const { a, b } = pair(t, row);
      const unlockA = await a.lock('order:le:a.test');
      const bLocked = b.lock('order:le:a.test');
      t.notOk(await settlesWithin(bLocked, 1000), 'the second instance waits while the first holds it');
      const other = await b.lock('order:le:other.test');
      t.pass('a lock with another name is independent');
      await other();
      await unlockA();
      const unlockB = await bLocked;
      t.pass('the waiter gets the lock once it is released');
      await unlockB();
      const again = await a.lock('order:le:a.test');
      t.pass('and it can be taken again after that');
      await again();
    });

    t.test('an aborted wait for a lock rejects', async (t) => {
      const { a, b } = pair(t, row);
      const unlock = await a.lock('x');
      await t.rejects(b.lock('x', AbortSignal.timeout(300)));
      await unlock();
    });

    t.test('a lock whose holder dies is released after its time-to-live', async (t) => {
      const { where, a } = pair(t, row);
      await holderThatDies(row, where, 'order:le:dead.test');
      const started = Date.now();
      const unlock = await Promise.race([a.lock('order:le:dead.test'), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not released within 30 s')), 30_000))]);
      t.ok(Date.now() - started >= 500, 'it was still held right after the holder died');
      await unlock();
    });

    t.test("watch fires when another instance writes", async (t) => {
      const { a, b } = pair(t, row);
      let fired = false;
      const off = a.watch!(() => (fired = true));
      t.teardown(off);
      // The watch is set up asynchronously: keep writing until it reports one.
      const deadline = Date.now() + 20_000;
      for (let i = 0; !fired; i++) {
        if (Date.now() > deadline) throw new Error('watch did not fire within 20 s');
        await b.update('le', (d) => ({ ...d, certificates: [cert(`w${i}.test`)] }));
        await new Promise((r) => setTimeout(r, 200));
      }
      t.ok(fired);
    });
  });
}
