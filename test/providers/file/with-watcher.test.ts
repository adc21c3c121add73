import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { fileProvider } from '../../../providers/file/index.js';
import { silentLogger } from '../../../src/log.js';
import { MiddlewareRegistry } from '../../../src/middleware/registry.js';
import { createConfigWatcher, type AppliedConfiguration } from '../../../src/provider/watcher.js';

async function eventually(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

t.test('through the watcher, file elements are qualified @file and their errors name the file', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-file-watcher-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'dyn'));
  await writeFile(path.join(dir, 'dyn/routes.yaml'), 'http:\n  routers:\n    web:\n      rule: Host(`a.test`)\n      service: app\n    broken:\n      rule: Host(`b.test`)\n');
  await writeFile(path.join(dir, 'bad.toml'), 'x = = 1\n');
  const applied: AppliedConfiguration[] = [];
  const watcher = createConfigWatcher({
    providers: [fileProvider.create({ directory: dir }, { log: silentLogger, baseDir: dir })],
    middlewares: new MiddlewareRegistry(),
    throttleMs: 0,
    log: silentLogger,
    onConfiguration: (configuration) => void applied.push(configuration),
  });
  watcher.start();
  t.teardown(() => watcher.stop());
  await eventually('the first configuration is applied', () => watcher.ready());
  const first = applied[0]!;
  t.same(Object.keys(first.config.http!.routers!), ['web@file']);
  t.ok(first.errors.some((e) => e.kind === 'router' && e.name === 'broken@file' && e.message.includes('dyn/routes.yaml')), 'the router error names its file');
  t.ok(first.errors.some((e) => e.kind === 'config' && /^provider "file": bad\.toml: line 1, column \d+: /.test(e.message)), 'the parse error names file and line');
  t.match(watcher.providerStates().file, { connected: true, lastError: /bad\.toml/ });

  await rm(path.join(dir, 'dyn/routes.yaml'));
  await eventually('the deleted routes are gone', () => Object.keys(applied.at(-1)!.config.http!.routers!).length === 0);
});

t.test('a folder that goes away and comes back is watched again after the watcher restarts the provider', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-file-watcher-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.teardown(() => rm(`${dir}-moved`, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'a.yaml'), 'http:\n  routers:\n    a:\n      rule: Host(`a.test`)\n      service: app\n');
  const applied: AppliedConfiguration[] = [];
  const watcher = createConfigWatcher({
    providers: [fileProvider.create({ directory: dir }, { log: silentLogger, baseDir: dir })],
    middlewares: new MiddlewareRegistry(),
    throttleMs: 0,
    log: silentLogger,
    onConfiguration: (configuration) => void applied.push(configuration),
    restartBackoff: { initialMs: 20, maxMs: 100 },
  });
  watcher.start();
  t.teardown(() => watcher.stop());
  const routers = () => Object.keys(applied.at(-1)?.config.http?.routers ?? {}).join(',');
  await eventually('a is applied', () => routers() === 'a@file');
  await rename(dir, `${dir}-moved`);
  await eventually('the provider state shows the folder is gone', () => /watched folder is gone/.test(watcher.providerStates().file?.lastError ?? ''));
  t.equal(routers(), 'a@file', 'the last good configuration stays');
  await mkdir(dir);
  await writeFile(path.join(dir, 'b.yaml'), 'http:\n  routers:\n    b:\n      rule: Host(`b.test`)\n      service: app\n');
  await eventually('the new folder content is applied', () => routers() === 'b@file');
  await writeFile(path.join(dir, 'b.yaml'), 'http:\n  routers:\n    c:\n      rule: Host(`c.test`)\n      service: app\n');
  await eventually('a change in the new folder is seen', () => routers() === 'c@file');
});
