import t from 'tap';
import { createOrderQueue } from '../../../src/acme/order-queue.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

t.test('no more than maxConcurrent orders run at once', async (t) => {
  const queue = createOrderQueue({ maxConcurrent: 2, perMinute: 100 });
  const gates = [deferred(), deferred(), deferred()];
  let running = 0;
  let peak = 0;
  const jobs = gates.map((g) =>
    queue.run(async () => {
      peak = Math.max(peak, ++running);
      await g.promise;
      running--;
    }),
  );
  t.same(queue.pending(), { waiting: 1, running: 2 });
  gates.forEach((g) => g.resolve());
  await Promise.all(jobs);
  t.equal(peak, 2);
});

t.test('no more than perMinute orders start within a minute; the rest wait for the window', async (t) => {
  let clock = 0;
  const queue = createOrderQueue({ maxConcurrent: 10, perMinute: 3 }, () => clock);
  const started: number[] = [];
  const jobs = [1, 2, 3, 4, 5].map((n) => queue.run(async () => void started.push(n)));
  await Promise.all(jobs.slice(0, 3));
  t.same(started, [1, 2, 3]);
  t.same(queue.pending(), { waiting: 2, running: 0 });
  queue.close();
  await t.rejects(jobs[3]!, /closed/);
  await t.rejects(jobs[4]!, /closed/, 'waiting jobs are rejected when the queue closes');
});

t.test('a failing job rejects its caller and frees its slot', async (t) => {
  const queue = createOrderQueue({ maxConcurrent: 1, perMinute: 100 });
  await t.rejects(queue.run(async () => Promise.reject(new Error('boom'))), /boom/);
  t.equal(await queue.run(async () => 'next'), 'next');
});
