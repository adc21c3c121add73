import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { fileProvider } from '../../../providers/file/index.js';
import { silentLogger } from '../../../src/log.js';
import { elementOrigin, type ProviderSnapshot } from '../../../src/provider/provider.js';

// Writes files into a fresh temp folder and returns every snapshot of a watch:false provider over it.
async function readOnce(t: Test, files: Record<string, string>, options: { filename?: string } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-file-read-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  const where = options.filename !== undefined ? { filename: options.filename } : { directory: '.' };
  const provider = fileProvider.create({ ...where, watch: false }, { log: silentLogger, baseDir: dir });
  const snapshots: ProviderSnapshot[] = [];
  for await (const snapshot of provider.watch(new AbortController().signal)) snapshots.push(snapshot);
  return { provider, snapshots, snapshot: snapshots[0]! };
}

const router = (service: string) => `http:\n  routers:\n    web:\n      rule: Host(\`a.test\`)\n      service: ${service}\n`;

interface Case {
  name: string;
  files: Record<string, string>;
  routers?: Record<string, unknown>;
  services?: string[];
  errors?: RegExp[];
  origins?: Record<string, string>;
  config?: unknown;
}

const cases: Case[] = [
  {
    name: 'YAML, TOML and JSON files in one folder all contribute',
    files: {
      'a.yaml': router('one'),
      'b.toml': '[http.services.one.loadBalancer]\nservers = [{ url = "http://127.0.0.1:1" }]\n',
      'c.json': '{"http":{"services":{"two":{"loadBalancer":{"servers":[]}}}}}',
    },
    routers: { web: { rule: 'Host(`a.test`)', service: 'one' } },
    services: ['one', 'two'],
    errors: [],
    origins: { 'router:web': 'a.yaml', 'service:one': 'b.toml', 'service:two': 'c.json' },
  },
  {
    name: 'files in sub-folders are read recursively and named relative to the folder',
    files: { 'x/y/deep.yml': router('deep') },
    routers: { web: { rule: 'Host(`a.test`)', service: 'deep' } },
    origins: { 'router:web': 'x/y/deep.yml' },
  },
  {
    name: 'other extensions, hidden files and hidden folders are ignored',
    files: { 'notes.txt': 'not: config', '.hidden.yaml': router('hidden'), '.git/x.yaml': router('git'), 'ok.yaml': router('ok') },
    routers: { web: { rule: 'Host(`a.test`)', service: 'ok' } },
    errors: [],
  },
  {
    name: 'a name defined twice keeps the first file in path order and reports both files',
    files: { 'z.yaml': router('from-z'), 'm/a.yaml': router('from-m'), 'a.yaml': 'http:\n  services: {}\n' },
    routers: { web: { rule: 'Host(`a.test`)', service: 'from-m' } },
    errors: [/^z\.yaml: router "web" is already defined in m\/a\.yaml; the first definition is kept$/],
    origins: { 'router:web': 'm/a.yaml' },
  },
  {
    name: 'a file broken from the start contributes nothing and its error names file, line and column',
    files: { 'dyn/routes.yaml': 'http:\n  routers:\n    a: 1\n   b: 2\n', 'ok.yaml': router('ok') },
    routers: { web: { rule: 'Host(`a.test`)', service: 'ok' } },
    errors: [/^dyn\/routes\.yaml: line 4, column 1: /],
  },
  {
    name: 'empty sections and an empty file are an empty configuration, not an error',
    files: { 'empty.yaml': '', 'sections.yaml': 'http:\n  routers: {}\n  middlewares:\ntls: {}\n' },
    config: {},
    errors: [],
  },
  {
    name: 'an empty folder is an empty configuration',
    files: {},
    config: {},
    errors: [],
  },
  {
    name: 'an unknown top-level key is reported with its file and the rest applies',
    files: { 'a.yaml': `${router('x')}htp: {}\n` },
    routers: { web: { rule: 'Host(`a.test`)', service: 'x' } },
    errors: [/^a\.yaml: unknown key "htp"/],
  },
  {
    name: 'TLS certificates from several files are concatenated',
    files: { 'a.yaml': 'tls:\n  certificates:\n    - certFile: a.crt\n      keyFile: a.key\n', 'b.yaml': 'tls:\n  certificates:\n    - certFile: b.crt\n      keyFile: b.key\n' },
    config: { tls: { certificates: [{ certFile: 'a.crt', keyFile: 'a.key' }, { certFile: 'b.crt', keyFile: 'b.key' }] } },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { snapshot } = await readOnce(t, c.files);
    if (c.routers) t.same(snapshot.config.http?.routers, c.routers);
    if (c.services) t.same(Object.keys(snapshot.config.http?.services ?? {}).sort(), c.services);
    if (c.config) t.same(snapshot.config, c.config);
    if (c.origins) for (const [key, file] of Object.entries(c.origins)) t.equal(elementOrigin(snapshot, key), file, `origin of ${key}`);
    if (c.errors) {
      t.equal(snapshot.errors.length, c.errors.length, snapshot.errors.join('\n'));
      c.errors.forEach((pattern, i) => t.match(snapshot.errors[i], pattern));
    }
  });
}

t.test('watch: false yields exactly one snapshot and then ends', async (t) => {
  const { snapshots } = await readOnce(t, { 'a.yaml': router('x') });
  t.equal(snapshots.length, 1);
});

t.test('filename mode reads the one file, resolved against baseDir, and names it as configured', async (t) => {
  const { snapshot } = await readOnce(t, { 'conf/dynamic.yaml': router('x'), 'conf/other.yaml': router('y') }, { filename: 'conf/dynamic.yaml' });
  t.same(snapshot.config.http?.routers, { web: { rule: 'Host(`a.test`)', service: 'x' } });
  t.equal(elementOrigin(snapshot, 'router:web'), 'conf/dynamic.yaml');
  t.same(snapshot.origins, {}, 'one file lists nothing per element');
});

t.test('filename mode reports a missing file and yields an empty configuration', async (t) => {
  const { snapshot } = await readOnce(t, {}, { filename: 'missing.yaml' });
  t.same(snapshot.config, {});
  t.match(snapshot.errors, [/^missing\.yaml: file not found$/]);
});

t.test('state() says connected with the snapshot time and the last error after the first read', async (t) => {
  const { provider } = await readOnce(t, { 'bad.json': '{', 'ok.yaml': router('x') });
  const state = provider.state();
  t.equal(state.connected, true);
  t.ok(state.lastSnapshotAt && !Number.isNaN(Date.parse(state.lastSnapshotAt)));
  t.match(state.lastError, /^bad\.json: /);
});

t.test('state() before any read says not connected', async (t) => {
  const provider = fileProvider.create({ directory: '.', watch: false }, { log: silentLogger, baseDir: os.tmpdir() });
  t.same(provider.state(), { connected: false });
  t.equal(provider.name, 'file');
});

const invalidOptions: Array<[string, Record<string, unknown>]> = [
  ['setting both filename and directory is a startup error', { filename: 'a.yaml', directory: 'd' }],
  ['setting neither filename nor directory is a startup error', { watch: true }],
];
for (const [name, options] of invalidOptions) {
  t.test(name, async (t) => {
    t.throws(() => fileProvider.create(options, { log: silentLogger, baseDir: os.tmpdir() }), { code: 'SY_ERR_STATIC_INVALID', message: /exactly one of "filename" or "directory"/ });
  });
}
