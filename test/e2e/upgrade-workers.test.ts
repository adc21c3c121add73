import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
// Three generations of a control process with two workers each start one after another on a busy machine.
t.setTimeout(300_000);

// Zero-downtime upgrade in worker mode: the new control process takes the public sockets (held as bound
// handles, passed on to its workers) and the internal one over; the old one drains its workers and exits 0.

function runUpgradeCommand(cwd: string, pidFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'upgrade', `--pidFile=${pidFile}`, '--timeout=120'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

t.test('two upgrades of a control process with two workers under keep-alive load drop no request', async (t) => {
  const backend = await startBackend((_req, res) => res.end('app'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-upgrade-workers-'));
  const [web, internal] = [await freePort(), await freePort()];
  const pidFile = path.join(dir, 'switchyard.pid');
  await mkdir(path.join(dir, 'dyn'));
  await writeFile(
    path.join(dir, 'switchyard.yaml'),
    stringify({
      workers: 2,
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
  // The pid file first: on a machine full of tests, a port just handed out may still answer for another process.
  await until('the pid file names the control process', async () => (await readPidFile(pidFile)) === gw.child.pid);
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200, 120_000);
  await waitForStatus(`http://127.0.0.1:${web}/`, 200, 120_000);
  const first = (await readPidFile(pidFile))!;
  t.equal(first, gw.child.pid, 'the pid file names the control process');
  pids.add(first);
  for (const pid of await children(first)) pids.add(pid);

  // Steady load: undici keep-alive pools and node:http keep-alive loops, one request after another each.
  const load = startKeepAliveLoad(`http://127.0.0.1:${web}/`, 'app');
  t.teardown(() => load.stop());
  const { failures } = load;

  let current = first;
  for (const [i, how] of (['command', 'signal'] as const).entries()) {
    await until('some load has gone through', () => load.ok() > 50 * (i + 1));
    const before = current;
    const oldWorkers = await children(before);
    t.equal(oldWorkers.length, 2, `generation ${i + 1} runs two workers`);
    if (how === 'command') {
      const run = await runUpgradeCommand(dir, pidFile);
      t.equal(run.code, 0, `upgrade ${i + 1} with \`switchyard upgrade\`: ${run.output.trim()}`);
    } else {
      process.kill(before, 'SIGUSR2');
    }
    await until(`upgrade ${i + 1} names a new control process`, async () => {
      const now = await readPidFile(pidFile);
      return now !== undefined && now !== before;
    });
    current = (await readPidFile(pidFile))!;
    pids.add(current);
    await until(`the old control process ${before} exits`, () => !isAlive(before));
    await until(`the old workers ${oldWorkers.join(', ')} exit`, () => oldWorkers.every((pid) => !isAlive(pid)));
    const newWorkers = await children(current);
    for (const pid of newWorkers) pids.add(pid);
    t.ok(isAlive(current), `upgrade ${i + 1}: ${before} -> ${current}, the old control process and its workers exited`);
    t.equal(newWorkers.filter((pid) => !oldWorkers.includes(pid)).length, 2, 'the new control process runs two new workers');
    const mark = load.ok();
    await until(`load on generation ${i + 2}`, () => load.ok() > mark + 20);
  }
  t.equal(await gw.exited, 0, 'the first control process exited 0 after draining');
  await load.stop();
  t.same(failures, [], `no failed request out of ${load.ok()}`);
  const ready = await fetch(`http://127.0.0.1:${internal}/ready`);
  t.equal(ready.status, 200, 'the internal entry point moved along (readiness from the newest control process)');
  await ready.text();

  process.kill(current, 'SIGTERM');
  await until('the last control process exits', () => !isAlive(current));
  t.equal(await readPidFile(pidFile), undefined, 'a plain stop removes the pid file');
});
