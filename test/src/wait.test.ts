import t from 'tap';
import { sleep, withTimeout } from '../../src/wait.js';

t.test('withTimeout settles as the promise does, or rejects with the message when it is late', async (t) => {
  t.equal(await withTimeout(Promise.resolve(7), 1000, 'late'), 7);
  await t.rejects(withTimeout(Promise.reject(new Error('own failure')), 1000, 'late'), /own failure/);
  const never = new Promise<never>(() => undefined);
  await t.rejects(withTimeout(never, 20, 'list /api/v1/services: no answer in 20 ms'), /no answer in 20 ms/);
  const lateFailure = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('after')), 60));
  await t.rejects(withTimeout(lateFailure, 10, 'too slow'), /too slow/, 'a rejection after the timeout is ignored, not unhandled');
  await new Promise((r) => setTimeout(r, 80));
});

t.test('sleep returns early when its signal aborts, and at once when it already has', async (t) => {
  const controller = new AbortController();
  const slept = sleep(60_000, controller.signal);
  controller.abort();
  await slept;
  t.pass('an abort ends a one-minute sleep');
  await sleep(60_000, controller.signal);
  t.pass('an aborted signal does not wait');
});
