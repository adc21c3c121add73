import { createServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import t from 'tap';
import { startBackend } from '../helpers/backends.js';
import { prepareCliFolder, spawnGateway } from '../helpers/spawn-gateway.js';
import { runUpgradeCommand, startUpgradableGateway } from '../helpers/upgradable-gateway.js';
import { isAlive, upgradeFailureFile } from '../../src/upgrade/pid-file.js';

t.setTimeout(240_000);

// What an upgrade or a start cannot do is refused with its reason, and what runs keeps running.

t.test('a single process is not upgraded into worker mode: the command says why and the old process serves on', async (t) => {
  const g = await startUpgradableGateway('upgrade-to-workers');
  t.teardown(g.close);
  const running = (await g.current())!;
  const good = await readFile(g.staticFile, 'utf8');
  await writeFile(g.staticFile, `workers: 2\n${good}`);
  const run = await runUpgradeCommand(g.dir, g.pidFile);
  t.equal(run.code, 1, 'the command fails');
  t.match(run.output, /switching to worker mode needs a restart/, `naming the reason: ${run.output.trim()}`);
  t.equal(await g.current(), running, 'the pid file still names the running process');
  t.ok(isAlive(running), 'which is alive');
  const res = await fetch(`http://127.0.0.1:${g.web}/`);
  t.equal(res.status, 200, 'and serves');
  t.equal(await res.text(), 'app');
  await t.rejects(readFile(upgradeFailureFile(g.pidFile)), 'the command took the failure record away');

  // The same static configuration once more, after a restart it would work: a second attempt is possible at once.
  await writeFile(g.staticFile, good);
  const again = await runUpgradeCommand(g.dir, g.pidFile);
  t.equal(again.code, 0, `a later upgrade with a single-process configuration works: ${again.output.trim()}`);
  const next = (await g.current())!;
  g.pids.add(next);
  t.not(next, running, 'a new process serves');
});

t.test('an entry point whose address is taken stops the start with a message naming it', async (t) => {
  const backend = await startBackend((_req, res) => res.end('app'));
  const { dir, web, internal } = await prepareCliFolder('address-in-use', {
    dynamic: { http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } },
  });
  t.teardown(() => backend.close());
  for (const [name, port] of [['web', web], ['switchyard', internal]] as const) {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    for (const workers of [1, 2]) {
      const gw = spawnGateway(['--configFile=switchyard.yaml', ...(workers > 1 ? [`--workers=${workers}`] : [])], dir);
      const mode = workers === 1 ? 'one process' : 'worker mode';
      t.equal(await gw.exited, 1, `${name} taken, ${mode}: exits 1`);
      const last = gw.output().trim().split('\n').at(-1) ?? '';
      t.match(last, new RegExp(`in use 127\\.0\\.0\\.1:${port} \\(entry point ${name}\\)`), `and names the address and the entry point: ${last}`);
    }
    await new Promise((resolve) => squatter.close(resolve));
  }
});
