import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { takePidFileFlag } from '../../../src/upgrade/command.js';
import { isAlive, readPidFile, readUpgradeFailure, removePidFile, upgradeFailureFile, writePidFile, writeUpgradeFailure } from '../../../src/upgrade/pid-file.js';

const flags: Array<[string, string[], { pidFile: string | undefined; rest: string[] }]> = [
  ['--pidFile=FILE is taken out of the static flags', ['--configFile=a.yaml', '--pidFile=run/sy.pid'], { pidFile: 'run/sy.pid', rest: ['--configFile=a.yaml'] }],
  ['--pidFile FILE (two words) works too', ['--pidFile', 'sy.pid', '--log.level=DEBUG'], { pidFile: 'sy.pid', rest: ['--log.level=DEBUG'] }],
  ['without the flag nothing changes', ['--configFile=a.yaml'], { pidFile: undefined, rest: ['--configFile=a.yaml'] }],
];
for (const [name, argv, expected] of flags) {
  t.test(name, async (t) => {
    t.same(takePidFileFlag(argv), expected);
  });
}

t.test('a pid file is written whole, read back, and removed only by the process it names', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-pid-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'sy.pid');
  t.equal(await readPidFile(file), undefined, 'a missing file names nobody');
  await writePidFile(file, 4242);
  t.equal(await readFile(file, 'utf8'), '4242\n');
  t.equal(await readPidFile(file), 4242);
  await removePidFile(file, 1111);
  t.equal(await readPidFile(file), 4242, 'another process (the one before an upgrade) leaves it alone');
  await removePidFile(file, 4242);
  t.equal(await readPidFile(file), undefined, 'the process it names removes it');
  await writeFile(file, 'not a pid\n');
  t.equal(await readPidFile(file), undefined, 'garbage names nobody');
});

t.test('isAlive tells a running process from a pid nobody has', async (t) => {
  t.equal(isAlive(process.pid), true);
  // Above the default pid_max of Linux: no such process.
  t.equal(isAlive(4_194_305), false);
});

t.test('a failed upgrade is recorded next to the pid file, read back, and removed with the pid file', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-upgrade-failure-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'sy.pid');
  t.equal(await readUpgradeFailure(file), undefined, 'none recorded');
  const failure = { pid: process.pid, at: 1_700_000_000_000, message: 'the new process exited (1) before it was ready' };
  await writeUpgradeFailure(file, failure);
  t.same(await readUpgradeFailure(file), failure);
  for (const broken of ['', 'not json', '{"pid":"1","at":2,"message":"x"}', '{"pid":1,"message":"x"}']) {
    await writeFile(upgradeFailureFile(file), broken);
    t.equal(await readUpgradeFailure(file), undefined, `unreadable record ${JSON.stringify(broken)} counts as none`);
  }
  await writePidFile(file, process.pid);
  await writeUpgradeFailure(file, failure);
  await removePidFile(file, process.pid);
  await t.rejects(readFile(upgradeFailureFile(file)), 'a plain stop leaves no record behind');
});
