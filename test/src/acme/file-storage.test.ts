import t from 'tap';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileStorage } from '../../../src/acme/file-storage.js';

const tempFile = async (t: { teardown(fn: () => unknown): void }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-acme-storage-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { dir, file: path.join(dir, 'acme.json') };
};

const cert = { domain: { main: 'a.test', sans: ['b.test'] }, certificate: '-----BEGIN CERTIFICATE-----\nx\n', key: '-----BEGIN PRIVATE KEY-----\ny\n' };

t.test('data round-trips through a 0600 file shaped like acme.json, leaving no temp files', async (t) => {
  const { dir, file } = await tempFile(t);
  const storage = fileStorage(file);
  t.same(await storage.read('le'), { certificates: [] }, 'a missing file reads as empty');
  await storage.update('le', (d) => ({ ...d, account: { email: 'e@x', url: 'https://ca/acct/1', privateKey: 'PEM', caServer: 'https://ca/dir' }, certificates: [cert] }));
  await storage.update('other', (d) => ({ ...d, certificates: [] }));
  t.same(await storage.read('le'), { account: { email: 'e@x', url: 'https://ca/acct/1', privateKey: 'PEM', caServer: 'https://ca/dir' }, certificates: [cert] });
  const raw = JSON.parse(await readFile(file, 'utf8'));
  t.same(Object.keys(raw).sort(), ['le', 'other'], 'resolvers sharing a file keep their own sections');
  t.equal(raw.le.Account.Email, 'e@x');
  t.equal(Buffer.from(raw.le.Certificates[0].certificate, 'base64').toString(), cert.certificate, 'PEM is stored base64 as in Traefik');
  t.equal((await stat(file)).mode & 0o777, 0o600);
  t.same((await readdir(dir)).sort(), ['acme.json'], 'no temp or lock file is left behind');
});

t.test('concurrent updates from two backends on one file lose nothing', async (t) => {
  const { file } = await tempFile(t);
  const a = fileStorage(file);
  const b = fileStorage(file);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).update('le', (d) => ({ ...d, certificates: [...d.certificates, { ...cert, domain: { main: `n${i}.test`, sans: [] } }] }))),
  );
  t.equal((await a.read('le')).certificates.length, 10);
});

t.test('a lock is exclusive across backends sharing the file and passes on release', async (t) => {
  const { file } = await tempFile(t);
  const a = fileStorage(file);
  const b = fileStorage(file);
  const unlockA = await a.lock('order:le:a.test');
  let bHolds = false;
  const bLocked = b.lock('order:le:a.test').then((unlock) => {
    bHolds = true;
    return unlock;
  });
  await new Promise((r) => setTimeout(r, 200));
  t.notOk(bHolds, 'the second holder waits');
  const unlockOther = await b.lock('order:le:other.test');
  t.pass('a lock with another name is independent');
  await unlockOther();
  await unlockA();
  const unlockB = await bLocked;
  t.ok(bHolds);
  await unlockB();
});

t.test('a lock left by a crashed holder is taken over once stale', async (t) => {
  const { file } = await tempFile(t);
  const storage = fileStorage(file);
  const unlock = await storage.lock('x');
  // Simulate a crash: the lock file stays, and its heartbeat stops (mtime in the past).
  const lockFile = (await readdir(path.dirname(file))).find((f) => f.endsWith('.lock'))!;
  const old = new Date(Date.now() - 120_000);
  await utimes(path.join(path.dirname(file), lockFile), old, old);
  const again = await fileStorage(file).lock('x');
  t.pass('taken over');
  await again();
  await unlock();
});

t.test('an aborted wait for a lock rejects', async (t) => {
  const { file } = await tempFile(t);
  const storage = fileStorage(file);
  const unlock = await storage.lock('x');
  await t.rejects(storage.lock('x', AbortSignal.timeout(100)));
  await unlock();
});

t.test('a crash while writing never leaves a half-written acme.json: writes go through a renamed temp file', async (t) => {
  const { dir, file } = await tempFile(t);
  const storage = fileStorage(file);
  await storage.update('le', (d) => ({ ...d, certificates: [cert] }));
  // A stray temp file from a process that died mid-write does not affect reads.
  await writeFile(path.join(dir, 'acme.json.999.dead.tmp'), '{"le": {"Certificates": [');
  t.equal((await storage.read('le')).certificates.length, 1);
});
