import t from 'tap';
import { startKeepAliveLoad } from '../helpers/keep-alive-load.js';
import { childPids, runUpgradeCommand, startUpgradableGateway } from '../helpers/upgradable-gateway.js';
import { until } from '../helpers/until.js';
import { isAlive, readPidFile } from '../../src/upgrade/pid-file.js';

// Three generations of a control process with two workers each start one after another on a busy machine.
t.setTimeout(300_000);

// Zero-downtime upgrade in worker mode: the new control process takes the public sockets (held as bound
// handles, passed on to its workers) and the internal one over; the old one drains its workers and exits 0.

t.test('two upgrades of a control process with two workers under keep-alive load drop no request', async (t) => {
  const g = await startUpgradableGateway('upgrade-workers', { workers: 2 });
  t.teardown(g.close);
  const { dir, pidFile, gw } = g;
  const first = (await readPidFile(pidFile))!;
  t.equal(first, gw.child.pid, 'the pid file names the control process');
  for (const pid of await childPids(first)) g.pids.add(pid);

  // Steady load: undici keep-alive pools and node:http keep-alive loops, one request after another each.
  const load = startKeepAliveLoad(`http://127.0.0.1:${g.web}/`, 'app');
  t.teardown(() => load.stop());
  const { failures } = load;

  let current = first;
  for (const [i, how] of (['command', 'signal'] as const).entries()) {
    await until('some load has gone through', () => load.ok() > 50 * (i + 1), 120_000);
    const before = current;
    const oldWorkers = await childPids(before);
    t.equal(oldWorkers.length, 2, `generation ${i + 1} runs two workers`);
    if (how === 'command') {
      const run = await runUpgradeCommand(dir, pidFile, 120);
      t.equal(run.code, 0, `upgrade ${i + 1} with \`switchyard upgrade\`: ${run.output.trim()}`);
    } else {
      process.kill(before, 'SIGUSR2');
    }
    await until(
      `upgrade ${i + 1} names a new control process`,
      async () => {
        const now = await readPidFile(pidFile);
        return now !== undefined && now !== before;
      },
      120_000,
    );
    current = (await readPidFile(pidFile))!;
    g.pids.add(current);
    await until(`the old control process ${before} exits`, () => !isAlive(before), 120_000);
    await until(`the old workers ${oldWorkers.join(', ')} exit`, () => oldWorkers.every((pid) => !isAlive(pid)), 120_000);
    const newWorkers = await childPids(current);
    for (const pid of newWorkers) g.pids.add(pid);
    t.ok(isAlive(current), `upgrade ${i + 1}: ${before} -> ${current}, the old control process and its workers exited`);
    t.equal(newWorkers.filter((pid) => !oldWorkers.includes(pid)).length, 2, 'the new control process runs two new workers');
    const mark = load.ok();
    await until(`load on generation ${i + 2}`, () => load.ok() > mark + 20, 120_000);
  }
  t.equal(await gw.exited, 0, 'the first control process exited 0 after draining');
  await load.stop();
  t.same(failures, [], `no failed request out of ${load.ok()}`);
  const ready = await fetch(`http://127.0.0.1:${g.internal}/ready`);
  t.equal(ready.status, 200, 'the internal entry point moved along (readiness from the newest control process)');
  await ready.text();

  process.kill(current, 'SIGTERM');
  await until('the last control process exits', () => !isAlive(current), 120_000);
  t.equal(await readPidFile(pidFile), undefined, 'a plain stop removes the pid file');
});
