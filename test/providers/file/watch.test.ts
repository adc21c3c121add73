import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { createFileProvider } from '../../../providers/file/file-provider.js';
import { fileProvider } from '../../../providers/file/index.js';
import { silentLogger } from '../../../src/log.js';
import { elementOrigin, type ProviderSnapshot } from '../../../src/provider/provider.js';
import { readSnapshots } from '../../helpers/snapshot-reader.js';

const DEADLINE_MS = 5000;

// Watches a folder (or one file in it, given relative to the folder); `until` reads snapshots until one matches, with a deadline.
// A debounceMs creates the provider directly, with that debounce.
async function watchFolder(t: Test, dir: string, options: { filename?: string; debounceMs?: number } = {}) {
  const where = options.filename !== undefined ? { filename: options.filename } : { directory: '.' };
  const provider =
    options.debounceMs === undefined
      ? fileProvider.create(where, { log: silentLogger, baseDir: dir })
      : createFileProvider({ path: path.join(dir, options.filename ?? ''), mode: options.filename === undefined ? 'directory' : 'filename', watch: true, log: silentLogger, debounceMs: options.debounceMs });
  const { until, controller, ended } = readSnapshots(t, provider, DEADLINE_MS);
  const first = await until('the first snapshot arrived', () => true);
  return { until, first, controller, ended };
}

// Writes files into a fresh temp folder and watches it.
async function startWatching(t: Test, files: Record<string, string>, options: { filename?: string; debounceMs?: number } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-file-watch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const write = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) await write(rel, text);
  return { dir, write, ...(await watchFolder(t, dir, options)) };
}

const services = (s: ProviderSnapshot) => Object.keys(s.config.http?.services ?? {}).sort().join(',');
const svc = (name: string, url = 'http://127.0.0.1:1') => `http:\n  services:\n    ${name}:\n      loadBalancer:\n        servers:\n          - url: ${url}\n`;
const urlOf = (s: ProviderSnapshot, name: string) => s.config.http?.services?.[name]?.loadBalancer?.servers?.[0]?.url;

const reloads: Array<{ name: string; files: Record<string, string>; change(ctx: { dir: string; write(rel: string, text: string): Promise<void> }): Promise<void>; expect(s: ProviderSnapshot): boolean }> = [
  { name: 'changing a file re-reads it', files: { 'a.yaml': svc('a') }, change: ({ write }) => write('a.yaml', svc('a', 'http://changed')), expect: (s) => urlOf(s, 'a') === 'http://changed' },
  { name: 'a new file is picked up', files: { 'a.yaml': svc('a') }, change: ({ write }) => write('b.toml', '[http.services.b.loadBalancer]\n'), expect: (s) => services(s) === 'a,b' },
  { name: 'a new sub-folder with a file is picked up', files: { 'a.yaml': svc('a') }, change: ({ write }) => write('more/deeper/c.json', '{"http":{"services":{"c":{}}}}'), expect: (s) => services(s) === 'a,c' },
  { name: 'deleting a file removes its elements', files: { 'a.yaml': svc('a'), 'b.yaml': svc('b') }, change: ({ dir }) => rm(path.join(dir, 'b.yaml')), expect: (s) => services(s) === 'a' },
  {
    name: 'deleting the only file yields an empty configuration (no routes, #8092)',
    files: { 'a.yaml': svc('a') },
    change: ({ dir }) => rm(path.join(dir, 'a.yaml')),
    expect: (s) => JSON.stringify(s.config) === '{}' && s.errors.length === 0,
  },
  {
    name: 'an editor-style save (write a temp file, rename it over the original) reloads',
    files: { 'a.yaml': svc('a') },
    change: async ({ dir, write }) => {
      await write('.a.yaml.swp', svc('a', 'http://saved'));
      await rename(path.join(dir, '.a.yaml.swp'), path.join(dir, 'a.yaml'));
    },
    expect: (s) => urlOf(s, 'a') === 'http://saved',
  },
];

for (const c of reloads) {
  t.test(c.name, async (t) => {
    const watching = await startWatching(t, c.files);
    await c.change(watching);
    t.ok(await watching.until(c.name, c.expect));
  });
}

t.test('a file that breaks keeps its last good content while another file changes, and recovers when fixed', async (t) => {
  const { write, until } = await startWatching(t, { 'a.yaml': svc('a'), 'b.yaml': svc('b') });
  await write('a.yaml', 'http:\n  services:\n    a: [\n');
  let s = await until('a.yaml reports its error', (s) => s.errors.some((e) => e.startsWith('a.yaml: line ')));
  t.equal(urlOf(s, 'a'), 'http://127.0.0.1:1', 'the last good content of a.yaml stays');
  await write('b.yaml', svc('b', 'http://b2'));
  s = await until('b.yaml changes', (s) => urlOf(s, 'b') === 'http://b2');
  t.equal(urlOf(s, 'a'), 'http://127.0.0.1:1');
  t.match(s.errors, [/^a\.yaml: line \d+, column \d+: /]);
  await write('a.yaml', svc('a', 'http://fixed'));
  s = await until('a.yaml is fixed', (s) => urlOf(s, 'a') === 'http://fixed');
  t.same(s.errors, []);
});

// Kubernetes' atomic writer: files are links through `..data`, a link to a timestamped folder swapped by rename.
async function configMapSwap(dir: string, stamp: string, files: Record<string, string>, previous?: string): Promise<void> {
  await mkdir(path.join(dir, stamp));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, stamp, name), text);
  await symlink(stamp, path.join(dir, '..data_tmp'));
  await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  if (previous) await rm(path.join(dir, previous), { recursive: true });
}

for (const mode of ['directory', 'filename'] as const) {
  t.test(`a Kubernetes ConfigMap ..data swap reloads, again and again, in ${mode} mode`, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-file-cm-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await configMapSwap(dir, '..2026_01_01_00_00_00.1', { 'routes.yaml': svc('a', 'http://v1') });
    await symlink('..data/routes.yaml', path.join(dir, 'routes.yaml'));
    const { first, until } = await watchFolder(t, dir, mode === 'filename' ? { filename: 'routes.yaml' } : {});
    t.equal(urlOf(first, 'a'), 'http://v1');
    await configMapSwap(dir, '..2026_01_01_00_00_00.2', { 'routes.yaml': svc('a', 'http://v2') }, '..2026_01_01_00_00_00.1');
    await until('v2 is read', (s) => urlOf(s, 'a') === 'http://v2');
    await configMapSwap(dir, '..2026_01_01_00_00_00.3', { 'routes.yaml': svc('a', 'http://v3') }, '..2026_01_01_00_00_00.2');
    const s = await until('v3 is read', (s) => urlOf(s, 'a') === 'http://v3');
    t.same(services(s), 'a', 'the timestamped folders are not read a second time');
    t.same(s.errors, []);
  });
}

t.test('filename mode sees an atomic rename over the file (how Docker bind mounts and editors replace it, #5589)', async (t) => {
  const { dir, write, until, first } = await startWatching(t, { 'dynamic.yaml': svc('a'), 'other.yaml': svc('other') }, { filename: 'dynamic.yaml' });
  t.equal(services(first), 'a', 'only the named file is read');
  await write('incoming.tmp', svc('a', 'http://renamed'));
  await rename(path.join(dir, 'incoming.tmp'), path.join(dir, 'dynamic.yaml'));
  const s = await until('the renamed content is read', (s) => urlOf(s, 'a') === 'http://renamed');
  t.equal(elementOrigin(s, 'service:a'), 'dynamic.yaml');
});

// Chokidar reports no second change of a file within 50 ms of the first: a re-read must start after that window.
for (const mode of ['directory', 'filename'] as const) {
  t.test(`saves right after each other are all read, however short the debounce asked for (${mode} mode)`, async (t) => {
    const { dir, write, until } = await startWatching(t, { 'dynamic.yaml': svc('a') }, { debounceMs: 10, ...(mode === 'filename' && { filename: 'dynamic.yaml' }) });
    for (const version of ['v1', 'v2', 'v3']) {
      await write('incoming.tmp', svc('a', `http://${version}`));
      await rename(path.join(dir, 'incoming.tmp'), path.join(dir, 'dynamic.yaml'));
      // The next save follows as soon as this one is read, inside chokidar's window.
      await until(`${version} is read`, (s) => urlOf(s, 'a') === `http://${version}`);
    }
    t.pass();
  });
}

t.test('aborting the signal ends the snapshot stream', async (t) => {
  const { controller, ended } = await startWatching(t, { 'a.yaml': svc('a') });
  controller.abort();
  t.equal(await ended(), true);
});

t.test('a watched folder that goes away keeps its last good content, reports it, and ends the watch with an error to be restarted', async (t) => {
  const { dir, until, ended } = await startWatching(t, { 'a.yaml': svc('a') });
  await rename(dir, `${dir}-moved`);
  t.teardown(() => rm(`${dir}-moved`, { recursive: true, force: true }));
  const s = await until('the folder error is reported', (s) => s.errors.length > 0);
  t.equal(services(s), 'a', 'the last good content stays');
  t.match(s.errors, [/ENOENT|no such file/]);
  await t.rejects(ended(), /the watched folder is gone/);
});

// An in-place save truncates the file before writing it: the empty moment must not become "no routes".
t.test('a file truncated and rewritten in place never yields an empty snapshot', async (t) => {
  const { dir, until } = await startWatching(t, { 'a.yaml': svc('a') });
  const { open } = await import('node:fs/promises');
  const seen: string[] = [];
  // Read snapshots while the file is rewritten, as the configuration watcher does.
  const rewritten = until('the rewritten content arrived', (s) => {
    seen.push(services(s));
    return urlOf(s, 'a') === 'http://rewritten';
  });
  const handle = await open(path.join(dir, 'a.yaml'), 'w');
  // Long enough for the change debounce to fire while the file is empty, short of the retry window.
  await new Promise((resolve) => setTimeout(resolve, 90));
  await handle.writeFile(svc('a', 'http://rewritten'));
  await handle.close();
  await rewritten;
  t.notOk(seen.includes(''), `no snapshot without the service (saw ${JSON.stringify(seen)})`);
});

t.test('a file emptied for good yields an empty snapshot after a short look', async (t) => {
  const { write, until } = await startWatching(t, { 'a.yaml': svc('a') });
  await write('a.yaml', '');
  await until('the service is gone', (s) => services(s) === '');
  t.pass();
});

t.test('a change to one file does not parse the others again: their elements stay the same objects', async (t) => {
  const { write, until, first } = await startWatching(t, { 'a.yaml': svc('a'), 'b.yaml': svc('b') });
  const before = first.config.http?.services?.a;
  t.ok(before);
  const changed = until('b changed', (snapshot) => urlOf(snapshot, 'b') === 'http://changed');
  await write('b.yaml', svc('b', 'http://changed'));
  const after = await changed;
  t.equal(after.config.http?.services?.a, before, 'a.yaml was read, found unchanged and not parsed');
  await write('a.yaml', svc('a', 'http://also-changed'));
  const later = await until('a changed', (snapshot) => urlOf(snapshot, 'a') === 'http://also-changed');
  t.not(later.config.http?.services?.a, before, 'a changed file is parsed again');
});
