import t from 'tap';
import { mock } from 'node:test';
import { runInNewContext } from 'node:vm';
import { releaseMemory, scheduleRelease } from '../../src/release-memory.js';

t.test('releaseMemory gives the pages of freed garbage back to the system, without leaving gc exposed', async (t) => {
  t.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  // A burst like a reload's: many small objects that live a while (promoted), then all dropped.
  let burst: Array<{ name: string; list: number[] }> | undefined = [];
  for (let i = 0; i < 600_000; i++) burst.push({ name: `router-${i}`, list: [i, i + 1, i + 2] });
  t.ok(burst.length);
  burst = undefined;
  const before = process.memoryUsage.rss();
  t.equal(await releaseMemory(), true);
  const after = process.memoryUsage.rss();
  t.ok(before - after > 80 * 1048576, `resident memory fell by ${Math.round((before - after) / 1048576)} MB (from ${Math.round(before / 1048576)} MB)`);
  t.equal(runInNewContext('typeof gc'), 'undefined', 'a new context gets no gc either');
  t.equal(await releaseMemory(), true, 'a second release works the same');
});

// Release times (ms) for changes at the given times, with a 100 ms delay and a 300 ms longest wait.
const every40 = Array.from({ length: 26 }, (_, i) => i * 40);
const cases: Array<[string, number[], number[]]> = [
  ['one change: released after the delay', [0], [100]],
  ['changes closer than the delay: one release after the last', [0, 50, 100, 150], [250]],
  ['two bursts: one release each', [0, 20, 500, 510], [120, 610]],
  ['changes that never pause: at most the longest wait after the first unreleased one', every40, [300, 620, 940, 1100]],
];
for (const [name, changes, expected] of cases) {
  t.test(`scheduleRelease: ${name}`, async (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    t.teardown(() => mock.timers.reset());
    const released: number[] = [];
    const schedule = scheduleRelease({ delayMs: 100, maxWaitMs: 300, release: async () => (released.push(Date.now()), true) });
    for (let now = 0; now <= 1500; now += 10) {
      if (changes.includes(now)) schedule.changed();
      mock.timers.tick(10);
      await Promise.resolve();
    }
    t.same(released, expected);
    schedule.close();
  });
}

t.test('scheduleRelease: 0 never releases, close cancels, a failed release does not stop the next', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  t.teardown(() => mock.timers.reset());
  let calls = 0;
  const never = scheduleRelease({ delayMs: 0, release: async () => (calls++, true) });
  never.changed();
  mock.timers.tick(10_000);
  t.equal(calls, 0, 'delay 0');

  const closed = scheduleRelease({ delayMs: 100, release: async () => (calls++, true) });
  closed.changed();
  mock.timers.tick(50);
  closed.close();
  mock.timers.tick(1000);
  t.equal(calls, 0, 'closed before the delay');

  const reports: number[] = [];
  let fail = true;
  const flaky = scheduleRelease({
    delayMs: 100,
    release: async () => {
      calls++;
      if (fail) throw new Error('no collector');
      return true;
    },
    onReleased: ({ ms }) => reports.push(ms),
  });
  flaky.changed();
  mock.timers.tick(100);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(calls, 1);
  t.same(reports, [], 'a failed release is not reported');
  fail = false;
  flaky.changed();
  mock.timers.tick(100);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(calls, 2, 'the next change releases again');
  t.equal(reports.length, 1);
  flaky.close();
});
