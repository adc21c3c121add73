import { mkdtemp, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { stringify } from 'yaml';
import { startBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { startKeepAliveLoad } from '../helpers/keep-alive-load.js';
import { spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';
import { isAlive, readPidFile } from '../../src/upgrade/pid-file.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
// Four gateway processes start here one after another; each loads the TypeScript sources (seconds on a busy machine).
t.setTimeout(360_000);

// Zero-downtime upgrade (security reference §1.3, §1.4): the listening sockets pass to a new process, the
// old one drains and exits, and clients in steady keep-alive loops never see a failed request.

/** Runs `switchyard upgrade --pidFile=FILE` and resolves with its exit code and output. */
function runUpgradeCommand(cwd: string, pidFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'upgrade', `--pidFile=${pidFile}`, '--timeout=60'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('three upgrades in a row under steady keep-alive load drop no request, and a failed one changes nothing', async (t) => {
  const backend = await startBackend((_req, res) => res.end('app'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-upgrade-'));
  const [web, internal] = [await freePort(), await freePort()];
  const pidFile = path.join(dir, 'switchyard.pid');
  await mkdir(path.join(dir, 'dyn'));
  await writeFile(
    path.join(dir, 'switchyard.yaml'),
    stringify({
      entryPoints: { web: { address: `127.0.0.1:${web}`, transport: { lifeCycle: { graceTimeOut: '5s' } } }, switchyard: { address: `127.0.0.1:${internal}` } },
      ping: {},
      log: { level: 'WARN' },
      providers: { providersThrottleDuration: 0, file: { directory: 'dyn' } },
    }),
  );
  await writeFile(
    path.join(dir, 'dyn', 'app.yaml'),
    stringify({ http: { routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' } }, services: { app: { loadBalancer: { servers: [{ url: backend.url }] } } } } }),
  );
  const gw = spawnGateway(['--configFile=switchyard.yaml', `--pidFile=${pidFile}`], dir);
  const pids = new Set<number>();
  t.teardown(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200);
  const first = (await readPidFile(pidFile))!;
  t.equal(first, gw.child.pid, 'the pid file names the running process');
  pids.add(first);

  // Steady load: undici keep-alive pools and node:http keep-alive loops, one request after another each.
  const load = startKeepAliveLoad(`http://127.0.0.1:${web}/`, 'app');
  t.teardown(() => load.stop());
  const { failures } = load;

  let current = first;
  const exits: Array<Promise<unknown>> = [gw.exited];
  for (const [i, how] of (['command', 'signal', 'command'] as const).entries()) {
    await until('some load has gone through', () => load.ok() > 50 * (i + 1));
    const before = current;
    if (how === 'command') {
      const run = await runUpgradeCommand(dir, pidFile);
      t.equal(run.code, 0, `upgrade ${i + 1} with \`switchyard upgrade\`: ${run.output.trim()}`);
    } else {
      process.kill(before, 'SIGUSR2');
    }
    await until(`upgrade ${i + 1} names a new process`, async () => {
      const now = await readPidFile(pidFile);
      return now !== undefined && now !== before;
    });
    current = (await readPidFile(pidFile))!;
    pids.add(current);
    await until(`the old process ${before} exits`, () => !isAlive(before));
    t.ok(isAlive(current), `upgrade ${i + 1}: ${before} -> ${current}, the old one exited`);
  }
  t.equal(await exits[0], 0, 'the first process exited 0 after draining');
  await until('load on the last process', async () => {
    const mark = load.ok();
    await new Promise((r) => setTimeout(r, 300));
    return load.ok() > mark + 10;
  });
  await load.stop();
  t.equal(pids.size, 4, 'four generations of pids');
  t.same(failures, [], `no failed request out of ${load.ok()}`);
  const ready = await fetch(`http://127.0.0.1:${internal}/ready`);
  t.equal(ready.status, 200, 'the internal entry point moved along (readiness from the newest process)');
  await ready.text();

  // The next version's static configuration is broken: the new process exits at once, the running one serves on.
  const staticFile = path.join(dir, 'switchyard.yaml');
  const good = await readFile(staticFile, 'utf8');
  await writeFile(staticFile, good.replace('  web:\n', '  web:\n    unknownKey: true\n'));
  process.kill(current, 'SIGUSR2');
  await until('the failed upgrade is logged', () => /upgrade failed/.test(gw.output()));
  t.equal(await readPidFile(pidFile), current, 'after a failed upgrade the pid file still names the running process');
  const still = await fetch(`http://127.0.0.1:${web}/`);
  t.equal(still.status, 200, 'which keeps serving');
  await still.text();
  await writeFile(staticFile, good);

  process.kill(current, 'SIGTERM');
  await until('the last process stops on SIGTERM', () => !isAlive(current));
  t.equal(await readPidFile(pidFile), undefined, 'and removes its pid file');
});

