import { performance } from 'node:perf_hooks';
import t from 'tap';
import { createLeastTime, createLeastTimeState } from '../../../src/services/least-time.js';
import { createWrrState } from '../../../src/services/wrr.js';

// Picks of a balancer whose servers answered in `ttfb` ms just now (0: never measured) with `inFlight` requests.
// `ageMs`: how long ago each average took its last sample (0 by default).
const picks = (weights: number[], ttfb: number[], inFlight: number[], count: number, eligible: (i: number) => boolean = () => true, ageMs: number[] = []): number[] => {
  const state = createLeastTimeState(weights.length);
  state.ttfb = ttfb;
  state.inFlight = inFlight;
  const now = performance.now();
  state.sampledAt = ttfb.map((_, i) => now - (ageMs[i] ?? 0));
  const balancer = createLeastTime(weights, createWrrState(weights.length), state);
  return Array.from({ length: count }, () => balancer.pick(undefined as never, eligible));
};

// [case name, weights, time to first byte ms, in flight, eligible, expected picks]
const cases: Array<[string, number[], number[], number[], (i: number) => boolean, number[]]> = [
  ['the fastest server wins', [1, 1, 1], [30, 10, 20], [0, 0, 0], () => true, [1, 1, 1]],
  ['requests in flight multiply the time: 10 ms with 2 in flight scores 30', [1, 1], [20, 10], [0, 2], () => true, [0, 0]],
  ['weight divides the score', [3, 1], [20, 10], [0, 0], () => true, [0, 0]],
  ['a server never measured scores 0 and is tried first', [1, 1], [5, 0], [0, 0], () => true, [1, 1]],
  ['servers never measured share by smooth wrr', [1, 1, 1], [0, 0, 0], [0, 0, 0], () => true, [0, 1, 2, 0]],
  ['ties share by weight, smoothly', [2, 1], [0, 0], [0, 0], () => true, [0, 1, 0, 0, 1, 0]],
  ['a faster server that is not eligible is passed over', [1, 1, 1], [30, 10, 20], [0, 0, 0], (i) => i !== 1, [2, 2]],
  ['ineligible servers take no part in a tie', [1, 1, 1], [0, 0, 0], [0, 0, 0], (i) => i !== 0, [1, 2, 1]],
  ['a server of weight 0 is never picked', [0, 1], [0, 10], [0, 0], () => true, [1, 1]],
  ['nothing eligible gives -1', [1, 1], [10, 10], [0, 0], () => false, [-1]],
];

for (const [name, weights, ttfb, inFlight, eligible, expected] of cases) {
  t.test(name, async (t) => {
    t.same(picks(weights, ttfb, inFlight, expected.length, eligible), expected);
  });
}

// An average halves every 10 s without a sample: [case name, time to first byte ms, age of each average ms, in flight, expected pick]
const fading: Array<[string, number[], number[], number[], number]> = [
  ['30 ms measured 10 s ago counts as 15, and beats 16 ms measured now', [30, 16], [10_000, 0], [0, 0], 0],
  ['30 ms measured 10 s ago counts as 15, and loses to 14 ms measured now', [30, 14], [10_000, 0], [0, 0], 1],
  ['40 ms measured 20 s ago counts as 10', [40, 11], [20_000, 0], [0, 0], 0],
  ['both faded: 40 ms 20 s ago (10) against 24 ms 10 s ago (12)', [40, 24], [20_000, 10_000], [0, 0], 0],
  ['a faded average still counts requests in flight: 10 × 3 against 12', [40, 24], [20_000, 10_000], [2, 0], 1],
  ['an average not sampled for hours counts as never measured, and is tried', [5000, 1], [3_600_000 * 5, 0], [0, 0], 0],
];
for (const [name, ttfb, ageMs, inFlight, expected] of fading) {
  t.test(name, async (t) => {
    t.same(picks([1, 1], ttfb, inFlight, 1, () => true, ageMs), [expected]);
  });
}
