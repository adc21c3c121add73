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

t.test('structured clones are applied frozen, unchanged elements as the objects applied before', async (t) => {
  // What the control process sends: every configuration a fresh structured clone, as IPC delivers it.
  const config = (path: string) => ({
    http: {
      routers: { 'a@file': { rule: `Path(\`${path}\`)`, service: 's@file' }, 'b@file': { rule: 'Path(`/b`)', service: 's@file' } },
      services: { 's@file': { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } },
    },
  });
  const seen: AppliedConfiguration[] = [];
  const snapshots = createSnapshotWatcher(silentLogger, () => undefined);
  const watcher = snapshots.create(async (a) => void seen.push(a));
  watcher.start();
  snapshots.push(structuredClone({ version: 1, config: config('/a'), errors: [], providers: ['file'] }));
  await new Promise((r) => setImmediate(r));
  snapshots.push(structuredClone({ version: 2, config: config('/changed'), errors: [], providers: ['file'] }));
  await watcher.stop();
  const [first, second] = seen as [AppliedConfiguration, AppliedConfiguration];
  t.ok(Object.isFrozen(second.config.http!.services!['s@file']!.loadBalancer), 'frozen all the way down');
  t.equal(second.config.http!.services!['s@file'], first.config.http!.services!['s@file'], 'the unchanged service is the object applied before');
  t.equal(second.config.http!.routers!['b@file'], first.config.http!.routers!['b@file'], 'so is the unchanged router');
  t.not(second.config.http!.routers!['a@file'], first.config.http!.routers!['a@file'], 'the changed router is new');
  t.equal(second.config.http!.routers!['a@file']!.rule, 'Path(`/changed`)');
});
