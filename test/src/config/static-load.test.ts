import t from 'tap';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadStaticConfig } from '../../../src/config/static-load.js';
import { SwitchyardError } from '../../../src/errors.js';

const dirs: string[] = [];
const made = async (dir: Promise<string>) => {
  dirs.push(await dir);
  return dirs.at(-1)!;
};
t.teardown(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await made(mkdtemp(path.join(os.tmpdir(), 'sy-load-')));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const formats: Array<[string, string, string]> = [
  ['YAML files are read', 'conf.yaml', 'entryPoints:\n  web:\n    address: ":81"\n'],
  ['.yml files are read as YAML', 'conf.yml', 'entryPoints:\n  web:\n    address: ":81"\n'],
  ['TOML files are read', 'conf.toml', '[entryPoints.web]\naddress = ":81"\n'],
  ['JSON files are read', 'conf.json', '{"entryPoints": {"web": {"address": ":81"}}}'],
];
for (const [name, file, text] of formats) {
  t.test(name, async (t) => {
    const cwd = await tempDir({ [file]: text });
    const loaded = await loadStaticConfig({ argv: [`--configFile=${file}`], env: {}, cwd, searchDirs: [] });
    t.equal(loaded.config.entryPoints.web?.port, 81);
    t.equal(loaded.source, 'file');
    t.equal(loaded.file, path.join(cwd, file));
  });
}

t.test('durations in files may be strings or numbers', async (t) => {
  const cwd = await tempDir({ 'switchyard.toml': '[providers]\nprovidersThrottleDuration = 3\n[serversTransport.forwardingTimeouts]\ndialTimeout = "1m30s"\n' });
  const { config } = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.'] });
  t.equal(config.providers.providersThrottleDuration, 3000);
  t.equal(config.serversTransport.forwardingTimeouts.dialTimeout, 90_000);
});

t.test('YAML anchors and merge keys work', async (t) => {
  const text = 'entryPoints:\n  a:\n    address: ":1"\n    transport:\n      respondingTimeouts: &t\n        readTimeout: 5s\n  b:\n    address: ":2"\n    transport:\n      respondingTimeouts:\n        <<: *t\n        idleTimeout: 1s\n';
  const cwd = await tempDir({ 'switchyard.yaml': text });
  const { config } = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.'] });
  t.same(config.entryPoints.b?.transport.respondingTimeouts, { readTimeout: 5000, writeTimeout: 0, idleTimeout: 1000, readHeaderTimeout: 5000, bodyIdleTimeout: 60_000 });
});

t.test('file keys are matched case-insensitively, as Traefik does', async (t) => {
  const cwd = await tempDir({ 'switchyard.yaml': 'EntryPoints:\n  Web:\n    Address: ":82"\n' });
  const { config } = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.'] });
  t.equal(config.entryPoints.Web?.port, 82);
});

t.test('an empty YAML section means enabled', async (t) => {
  const cwd = await tempDir({ 'switchyard.yaml': 'ping:\napi:\n' });
  const { config } = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.'] });
  t.ok(config.ping);
  t.ok(config.api);
});

t.test('discovery prefers yaml, then yml, then toml in the first directory that has one', async (t) => {
  const cwd = await tempDir({ 'switchyard.yml': 'log:\n  level: INFO\n', 'switchyard.toml': '[log]\nlevel = "WARN"\n', 'etc/switchyard.yaml': 'log:\n  level: DEBUG\n' });
  const loaded = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.', 'etc'] });
  t.equal(loaded.config.log.level, 'INFO');
  t.equal(loaded.file, path.join(cwd, 'switchyard.yml'));
});

t.test('discovery falls back to the next directory', async (t) => {
  const cwd = await tempDir();
  const etc = await tempDir({ 'switchyard.toml': '[log]\nlevel = "warn"\n' });
  const loaded = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.', etc] });
  t.equal(loaded.config.log.level, 'WARN');
  t.equal(loaded.file, path.join(etc, 'switchyard.toml'));
});

t.test('--configFile wins over discovery', async (t) => {
  const cwd = await tempDir({ 'switchyard.yaml': 'log:\n  level: INFO\n', 'other.yaml': 'log:\n  level: DEBUG\n' });
  const loaded = await loadStaticConfig({ argv: ['--configfile', 'other.yaml'], env: {}, cwd, searchDirs: ['.'] });
  t.equal(loaded.config.log.level, 'DEBUG');
});

t.test('nothing anywhere gives the defaults', async (t) => {
  const loaded = await loadStaticConfig({ argv: [], env: {}, cwd: await tempDir(), searchDirs: ['.'] });
  t.equal(loaded.source, 'default');
  t.same(loaded.sources, []);
  t.same(Object.keys(loaded.config.entryPoints), ['http']);
});

const precedence: Array<[string, string | undefined, string[], Record<string, string>, string, string[]]> = [
  ['env overrides a single key of the file and keeps the rest', 'log:\n  level: INFO\n  format: json\n', [], { SWITCHYARD_LOG_LEVEL: 'DEBUG' }, 'DEBUG json', ['file', 'env']],
  ['flags override env and the file', 'log:\n  level: INFO\n', ['--log.level=WARN'], { SWITCHYARD_LOG_LEVEL: 'DEBUG' }, 'WARN common', ['file', 'env', 'flags']],
  ['flags override env without a file', undefined, ['--log.level=WARN'], { SWITCHYARD_LOG_LEVEL: 'DEBUG', SWITCHYARD_LOG_FORMAT: 'json' }, 'WARN json', ['env', 'flags']],
  ['flags alone are a source', undefined, ['--log.level=TRACE'], {}, 'TRACE common', ['flags']],
];
for (const [name, file, argv, env, expected, sources] of precedence) {
  t.test(name, async (t) => {
    const cwd = await tempDir(file === undefined ? {} : { 'switchyard.yaml': file });
    const loaded = await loadStaticConfig({ argv, env, cwd, searchDirs: ['.'] });
    t.equal(`${loaded.config.log.level} ${loaded.config.log.format}`, expected);
    t.same(loaded.sources, sources);
    t.equal(loaded.source, sources[0]);
  });
}

t.test('env reaches a camelCase entry point name of the file', async (t) => {
  const cwd = await tempDir({ 'switchyard.yaml': 'entryPoints:\n  webSecure:\n    address: ":443"\n' });
  const { config } = await loadStaticConfig({ argv: [], env: { SWITCHYARD_ENTRYPOINTS_WEBSECURE_ADDRESS: ':8443' }, cwd, searchDirs: ['.'] });
  t.same(Object.keys(config.entryPoints), ['webSecure']);
  t.equal(config.entryPoints.webSecure?.port, 8443);
});

t.test('a bracket-indexed flag changes one field of a list item from the file', async (t) => {
  const cwd = await tempDir({ 'switchyard.yaml': 'entryPoints:\n  websecure:\n    address: ":443"\n    http:\n      tls:\n        domains:\n          - main: a.test\n            sans: [b.test]\n' });
  const { config } = await loadStaticConfig({ argv: ['--entrypoints.websecure.http.tls.domains[0].main=c.test'], env: {}, cwd, searchDirs: ['.'] });
  t.same(config.entryPoints.websecure?.http.tls?.domains, [{ main: 'c.test', sans: ['b.test'] }]);
});

const fileErrors: Array<[string, Record<string, string>, string, RegExp]> = [
  ['a missing --configFile is reported', {}, 'missing.yaml', /^missing\.yaml: cannot be read \(ENOENT\)$/],
  ['broken YAML reports line and column', { 'bad.yaml': 'log:\n  level: [\n' }, 'bad.yaml', /^bad\.yaml: line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a \]$/],
  ['broken TOML reports line and column', { 'bad.toml': '[log]\nlevel = \n' }, 'bad.toml', /^bad\.toml: line 2, column \d+: /],
  ['broken JSON reports line and column when the parser gives an offset', { 'bad.json': '{\n  "log": 1,\n}' }, 'bad.json', /^bad\.json: line 3, column 1: Expected double-quoted property name in JSON$/],
  ['broken JSON without an offset still quotes the parser', { 'bad.json': '{\n  "log": }\n' }, 'bad.json', /^bad\.json: Unexpected token '\}'/],
  ['an unknown extension is reported', { 'conf.ini': 'x=1' }, 'conf.ini', /^conf\.ini: unsupported file extension "\.ini"/],
  ['a file whose top level is a list is reported', { 'list.yaml': '- a\n- b\n' }, 'list.yaml', /^list\.yaml: must contain a mapping of keys at the top level$/],
];
for (const [name, files, file, message] of fileErrors) {
  t.test(name, async (t) => {
    const cwd = await tempDir(files);
    const error = await loadStaticConfig({ argv: [`--configFile=${file}`], env: {}, cwd, searchDirs: [] }).catch((e: unknown) => e);
    t.ok(error instanceof SwitchyardError);
    t.equal((error as SwitchyardError).code, 'SY_ERR_STATIC_FILE');
    t.match((error as Error).message, message);
  });
}

t.test('an empty file is an empty configuration', async (t) => {
  const cwd = await tempDir({ 'switchyard.yaml': '' });
  const loaded = await loadStaticConfig({ argv: [], env: {}, cwd, searchDirs: ['.'] });
  t.equal(loaded.source, 'file');
  t.same(Object.keys(loaded.config.entryPoints), ['http']);
});
