import t from 'tap';
import { silentLogger } from '../../../src/log.js';
import type { AppliedConfiguration } from '../../../src/provider/watcher.js';
import { createSnapshotWatcher } from '../../../src/workers/snapshot-watcher.js';

const applied = (version: number): AppliedConfiguration => ({ version, config: { http: { routers: {}, services: {} } }, errors: [], providers: ['file'] });

t.test('configurations pushed before start are applied once started, newest only', async (t) => {
  const acks: number[] = [];
  const seen: number[] = [];
  const snapshots = createSnapshotWatcher(silentLogger, (v) => acks.push(v));
  const watcher = snapshots.create(async (a) => void seen.push(a.version));
  snapshots.push(applied(1));
  snapshots.push(applied(2));
  t.notOk(watcher.ready(), 'not ready before anything is applied');
  watcher.start();
  await watcher.stop();
  t.same(seen, [2], 'only the newest pending configuration is applied');
  t.same(acks, [2], 'and acknowledged');
});

t.test('an older version arriving after a newer one is ignored', async (t) => {
  const seen: number[] = [];
  const snapshots = createSnapshotWatcher(silentLogger, () => undefined);
  const watcher = snapshots.create(async (a) => void seen.push(a.version));
  watcher.start();
  snapshots.push(applied(3));
  await new Promise((r) => setImmediate(r));
  snapshots.push(applied(2));
  snapshots.push(applied(4));
  await new Promise((r) => setTimeout(r, 10));
  t.same(seen, [3, 4]);
  t.ok(watcher.ready(), 'ready after the first applied configuration');
  t.equal(watcher.providerStates().control?.connected, true);
});

t.test('a configuration that fails to apply is not acknowledged and the next one still is', async (t) => {
  const acks: number[] = [];
  const snapshots = createSnapshotWatcher(silentLogger, (v) => acks.push(v));
  const watcher = snapshots.create(async (a) => {
    if (a.version === 1) throw new Error('boom');
  });
  watcher.start();
  snapshots.push(applied(1));
  await new Promise((r) => setTimeout(r, 10));
  snapshots.push(applied(2));
  await new Promise((r) => setTimeout(r, 10));
  t.same(acks, [2]);
});
