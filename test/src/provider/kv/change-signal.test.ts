import t from 'tap';
import { createChangeSignal } from '../../../../src/provider/kv/change-signal.js';

t.test('a burst of changes gives one wake-up after the debounce window', async (t) => {
  const changes = createChangeSignal(30);
  const controller = new AbortController();
  const woke = changes.next(controller.signal);
  changes.notify();
  setTimeout(() => changes.notify(), 5);
  setTimeout(() => changes.notify(), 10);
  const started = Date.now();
  t.equal(await woke, true);
  t.ok(Date.now() - started >= 25, 'it waited for the window');
  // The changes inside the window were part of that wake-up: the next one waits for a new change.
  const next = changes.next(controller.signal);
  setTimeout(() => controller.abort(), 50);
  t.equal(await next, false, 'an abort ends the wait with false');
});

t.test('a change made before the reader waits is not lost', async (t) => {
  const changes = createChangeSignal(1);
  changes.notify();
  t.equal(await changes.next(new AbortController().signal), true);
});

t.test('a failure rejects the waiting reader, even inside the window', async (t) => {
  const idle = createChangeSignal(1000);
  const waiting = idle.next(new AbortController().signal);
  idle.fail(new Error('connection lost'));
  await t.rejects(waiting, /connection lost/);

  const busy = createChangeSignal(1000);
  busy.notify();
  const inWindow = busy.next(new AbortController().signal);
  setTimeout(() => busy.fail(new Error('gone')), 10);
  const started = Date.now();
  await t.rejects(inWindow, /gone/);
  t.ok(Date.now() - started < 500, 'the window was cut short');
});
