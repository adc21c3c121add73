import t from 'tap';
import { createP2c, createP2cState } from '../../../src/services/p2c.js';

const PICKS = 20_000;

// Shares of PICKS picks with nothing in flight: then the first draw decides, so the shares are the weights'
// among the eligible servers. Math.random cannot be seeded: 0.03 is over ten standard deviations here.
const shares = (weights: number[], eligible: (i: number) => boolean, inFlight?: number[]): number[] => {
  const state = createP2cState(weights.length);
  if (inFlight) state.inFlight = inFlight;
  const balancer = createP2c(weights, state);
  const counts = weights.map(() => 0);
  for (let i = 0; i < PICKS; i++) {
    const index = balancer.pick(undefined as never, eligible);
    if (index >= 0) counts[index]!++;
  }
  return counts.map((c) => c / PICKS);
};

const all = (): boolean => true;
const thousand = Array.from({ length: 1000 }, () => 1);

// [case name, weights, eligible, in flight, expected shares (by index; unlisted indices expect 0)]
const cases: Array<[string, number[], (i: number) => boolean, number[] | undefined, Record<number, number>]> = [
  ['weights 3 and 1 share 3 to 1', [3, 1], all, undefined, { 0: 0.75, 1: 0.25 }],
  ['a server of weight 0 is never picked', [1, 0, 1], all, undefined, { 0: 0.5, 2: 0.5 }],
  ['an ineligible server is never picked; the others keep their weights', [3, 1, 0, 2], (i) => i !== 3, undefined, { 0: 0.75, 1: 0.25 }],
  ['with 2 of 1,000 servers eligible, those two share the picks', thousand, (i) => i === 7 || i === 500, undefined, { 7: 0.5, 500: 0.5 }],
  ['with one eligible server of 1,000, it gets every pick', thousand, (i) => i === 999, undefined, { 999: 1 }],
  ['the busier of two draws is avoided', [1, 1], all, [5, 0], { 1: 1 }],
  ['the busier server is avoided among the eligible ones', [1, 1, 1], (i) => i !== 2, [5, 0, 0], { 1: 1 }],
  ['load counts per unit of weight', [4, 1], all, [2, 1], { 0: 1 }],
];

for (const [name, weights, eligible, inFlight, expected] of cases) {
  t.test(name, async (t) => {
    const got = shares(weights, eligible, inFlight);
    for (const [i, want] of Object.entries(expected)) t.ok(Math.abs(got[Number(i)]! - want) < 0.03, `server ${i}: share ${got[Number(i)]!.toFixed(3)}, expected ${want}`);
    const others = got.map((share, i) => (i in expected ? 0 : share)).reduce((a, b) => a + b, 0);
    t.equal(others, 0, 'no other server is ever picked');
  });
}

t.test('nothing to pick gives -1', async (t) => {
  t.equal(createP2c([1, 1], createP2cState(2)).pick(undefined as never, () => false), -1);
  t.equal(createP2c([0, 0], createP2cState(2)).pick(undefined as never, all), -1);
  t.equal(createP2c([], createP2cState(0)).pick(undefined as never, all), -1);
  t.equal(createP2c(thousand, createP2cState(1000)).pick(undefined as never, () => false), -1);
});
