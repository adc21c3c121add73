import { readFile, writeFile } from 'node:fs/promises';
import t from 'tap';
import { startKeepAliveLoad } from '../helpers/keep-alive-load.js';
import { runUpgradeCommand, startUpgradableGateway } from '../helpers/upgradable-gateway.js';
import { until } from '../helpers/until.js';
import { isAlive, readPidFile } from '../../src/upgrade/pid-file.js';

// Four gateway processes start here one after another; each loads the TypeScript sources (seconds on a busy machine).
t.setTimeout(360_000);

// Zero-downtime upgrade (security reference §1.3, §1.4): the listening sockets pass to a new process, the
// old one drains and exits, and clients in steady keep-alive loops never see a failed request.

t.test('three upgrades in a row under steady keep-alive load drop no request, and a failed one changes nothing', async (t) => {
  const g = await startUpgradableGateway('upgrade');
  t.teardown(g.close);
  const { dir, pidFile, gw } = g;
  const first = (await readPidFile(pidFile))!;
  t.equal(first, gw.child.pid, 'the pid file names the running process');

  // Steady load: undici keep-alive pools and node:http keep-alive loops, one request after another each.
  const load = startKeepAliveLoad(`http://127.0.0.1:${g.web}/`, 'app');
  t.teardown(() => load.stop());
  const { failures } = load;

  let current = first;
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
    g.pids.add(current);
    await until(`the old process ${before} exits`, () => !isAlive(before));
    t.ok(isAlive(current), `upgrade ${i + 1}: ${before} -> ${current}, the old one exited`);
  }
  t.equal(await gw.exited, 0, 'the first process exited 0 after draining');
  await until('load on the last process', async () => {
    const mark = load.ok();
    await new Promise((r) => setTimeout(r, 300));
    return load.ok() > mark + 10;
  });
  await load.stop();
  t.equal(g.pids.size, 4, 'four generations of pids');
  t.same(failures, [], `no failed request out of ${load.ok()}`);
  const ready = await fetch(`http://127.0.0.1:${g.internal}/ready`);
  t.equal(ready.status, 200, 'the internal entry point moved along (readiness from the newest process)');
  await ready.text();

  // The next version's static configuration is broken: the new process exits at once, the running one serves on.
  const good = await readFile(g.staticFile, 'utf8');
  await writeFile(g.staticFile, good.replace('  web:\n', '  web:\n    unknownKey: true\n'));
  const failed = await runUpgradeCommand(dir, pidFile);
  t.equal(failed.code, 1, 'the upgrade command fails');
  t.match(failed.output, new RegExp(`failed, ${current} keeps serving: the new process exited`), `and says why at once: ${failed.output.trim()}`);
  t.match(gw.output(), /upgrade failed/, 'the running process logs it');
  t.equal(await readPidFile(pidFile), current, 'after a failed upgrade the pid file still names the running process');
  const still = await fetch(`http://127.0.0.1:${g.web}/`);
  t.equal(still.status, 200, 'which keeps serving');
  await still.text();
  await writeFile(g.staticFile, good);

  process.kill(current, 'SIGTERM');
  await until('the last process stops on SIGTERM', () => !isAlive(current));
  t.equal(await readPidFile(pidFile), undefined, 'and removes its pid file');
});
