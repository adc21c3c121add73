import t from 'tap';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { prepareCliFolder, spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';
import { OFF_THREAD_CHARS } from '../../providers/file/parse-off-thread.js';

const route = (name: string, url: string) => ({
  http: { routers: { [name]: { rule: `Path(\`/${name}\`)`, service: name } }, services: { [name]: { loadBalancer: { servers: [{ url }] } } } },
});

async function body(gw: TestGateway, p: string): Promise<string> {
  const response = await fetch(gw.url(p));
  return `${response.status}:${await response.text()}`;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// Traefik #10890: one unparsable file drops the whole directory there; here only that file is held back.
t.test('through the gateway, a broken file keeps serving its last good routes while another file changes', async (t) => {
  const one = await startBackend((_req, res) => res.end('one'));
  const two = await startBackend((_req, res) => res.end('two'));
  t.teardown(async () => Promise.all([one.close(), two.close()]));
  const gw = await startTestGateway({ dynamic: { 'a.yaml': route('a', one.url), 'b.yaml': route('b', one.url) } });
  t.teardown(() => gw.close());
  t.same([await body(gw, '/a'), await body(gw, '/b')], ['200:one', '200:one']);

  await gw.writeDynamic('a.yaml', 'http:\n  routers:\n    a: [unclosed\n', { wait: false });
  t.ok(await eventually(async () => /a\.yaml/.test(gw.gateway.view.providerStates().file?.lastError ?? '')), 'the provider reports the broken file');
  // Polled rather than waited on by version: the broken write may or may not produce a table of its own.
  await gw.writeDynamic('b.yaml', route('b', two.url), { wait: false });
  t.ok(await eventually(async () => (await body(gw, '/b')) === '200:two'), 'the change to the other file applied');
  t.equal(await body(gw, '/a'), '200:one', 'the broken file still serves its last good content');
  t.match(gw.gateway.view.providerStates().file?.lastError, /a\.yaml: line \d+, column \d+/, 'its error names file, line and column');

  await gw.writeDynamic('a.yaml', route('a', two.url), { wait: false });
  t.ok(await eventually(async () => (await body(gw, '/a')) === '200:two'), 'fixing the file applies it');
});

// Kubernetes mounts a ConfigMap as links through `..data`, a link to a timestamped folder replaced by rename.
t.test('through the gateway, ConfigMap ..data swaps re-route requests each time', async (t) => {
  const backends = await Promise.all(['v1', 'v2', 'v3'].map((v) => startBackend((_req, res) => res.end(v))));
  t.teardown(async () => Promise.all(backends.map((b) => b.close())));
  const gw = await startTestGateway();
  t.teardown(() => gw.close());
  const dynamic = path.join(gw.dir, 'dynamic');
  const swap = async (stamp: string, url: string, previous?: string) => {
    await mkdir(path.join(dynamic, stamp));
    await writeFile(path.join(dynamic, stamp, 'routes.yaml'), stringify(route('cm', url)));
    await symlink(stamp, path.join(dynamic, '..data_tmp'));
    await rename(path.join(dynamic, '..data_tmp'), path.join(dynamic, '..data'));
    if (previous) await rm(path.join(dynamic, previous), { recursive: true });
  };
  await swap('..2026_01_01_00_00_00.1', backends[0]!.url);
  await symlink('..data/routes.yaml', path.join(dynamic, 'routes.yaml'));
  t.ok(await eventually(async () => (await body(gw, '/cm')) === '200:v1'), 'the first ConfigMap content serves');
  await swap('..2026_01_01_00_00_00.2', backends[1]!.url, '..2026_01_01_00_00_00.1');
  t.ok(await eventually(async () => (await body(gw, '/cm')) === '200:v2'), 'the first swap re-routes');
  await swap('..2026_01_01_00_00_00.3', backends[2]!.url, '..2026_01_01_00_00_00.2');
  t.ok(await eventually(async () => (await body(gw, '/cm')) === '200:v3'), 'the second swap re-routes');
  t.same(Object.keys(gw.gateway.table()!.status.routers).filter((n) => n.endsWith('@file')), ['cm@file'], 'the timestamped folders are not read as extra files');
  t.notOk(gw.gateway.view.providerStates().file?.lastError, 'and no error is reported');
});

// The real command loads the TypeScript sources itself; its parsing thread must be able to as well.
t.test('through the real command, a big file is parsed on a thread of its own and every rewrite applies', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  t.teardown(() => backend.close());
  const generation = (gen: string) => {
    const routers: Record<string, unknown> = {};
    for (let i = 0; i < 2_500; i++) routers[`r${i}`] = { rule: `Host(\`h${i}.test\`)`, service: 'app' };
    routers.gen = { rule: 'Path(`/gen`)', service: 'app', middlewares: ['generation'] };
    return {
      http: {
        routers,
        middlewares: { generation: { headers: { customResponseHeaders: { 'X-Generation': gen } } } },
        services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } },
      },
    };
  };
  t.ok(stringify(generation('0')).length >= OFF_THREAD_CHARS, 'the file is big enough for the thread');
  const { dir, web } = await prepareCliFolder('big-file', { dynamic: generation('0'), staticConfig: { log: { level: 'INFO' } } });
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const gateway = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.teardown(async () => {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  });
  const served = async () => (await fetch(`http://127.0.0.1:${web}/gen`)).headers.get('x-generation');
  await waitForStatus(`http://127.0.0.1:${web}/gen`, 200);
  t.equal(await served(), '0');
  for (const gen of ['1', '2', '3']) {
    await writeFile(path.join(dir, 'dyn', '.app.yaml.tmp'), stringify(generation(gen)));
    await rename(path.join(dir, 'dyn', '.app.yaml.tmp'), path.join(dir, 'dyn', 'app.yaml'));
    t.ok(await eventually(async () => (await served()) === gen), `generation ${gen} is served`);
  }
  t.match(gateway.output(), /parsed on a thread of their own/, 'the thread started');
  t.notMatch(gateway.output(), /parsing thread stopped/, 'and did not fail');
});
