import t from 'tap';
import { createLatestWinsThrottle } from '../../../src/provider/throttle.js';

async function eventually(what: string, condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

t.test('the first value goes out at once', async (t) => {
  const out: number[] = [];
  const throttle = createLatestWinsThrottle<number>(1000, (v) => out.push(v));
  throttle.push(1);
  t.same(out, [1]);
  throttle.cancel();
});

t.test('values pushed during the interval collapse into the latest, sent when the interval ends', async (t) => {
  const out: Array<[number, number]> = [];
  const started = Date.now();
  const throttle = createLatestWinsThrottle<number>(50, (v) => out.push([v, Date.now() - started]));
  for (let i = 1; i <= 5; i++) throttle.push(i);
  await eventually('the latest value is sent', () => out.length === 2);
  t.same(out.map(([v]) => v), [1, 5]);
  t.ok(out[1]![1] >= 48, `the second send waited ${out[1]![1]} ms`);
  throttle.cancel();
});

t.test('an interval of 0 sends every value at once', async (t) => {
  const out: number[] = [];
  const throttle = createLatestWinsThrottle<number>(0, (v) => out.push(v));
  for (let i = 1; i <= 5; i++) throttle.push(i);
  t.same(out, [1, 2, 3, 4, 5]);
});

t.test('cancel drops the buffered value', async (t) => {
  const out: number[] = [];
  const throttle = createLatestWinsThrottle<number>(20, (v) => out.push(v));
  throttle.push(1);
  throttle.push(2);
  throttle.cancel();
  throttle.push(3);
  await eventually('the value after cancel is sent', () => out.length === 2);
  t.same(out, [1, 3]);
  throttle.cancel();
});
