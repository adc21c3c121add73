import t from 'tap';
import { createWrrState, pickSmoothWrr, pickWrrCycle } from '../../../src/services/wrr.js';

const count = (weights: number[], picks: number, eligible: (i: number) => boolean = () => true): number[] => {
  const state = createWrrState(weights.length);
  const counts = weights.map(() => 0);
  for (let i = 0; i < picks; i++) {
    const index = pickSmoothWrr(weights, state, eligible);
    if (index >= 0) counts[index]!++;
  }
  return counts;
};

const proportions: Array<[string, number[], number[]]> = [
  ['two equal weights split 700 picks evenly', [1, 1], [350, 350]],
  ['weights 3 and 1 split 700 picks 525 to 175', [3, 1], [525, 175]],
  ['weights 5, 1 and 1 split 700 picks 500, 100 and 100', [5, 1, 1], [500, 100, 100]],
  ['a weight of 0 is never picked', [2, 0, 1], [467, 0, 233]],
];
for (const [name, weights, expected] of proportions) {
  t.test(name, async (t) => {
    t.same(count(weights, 700), expected);
  });
}

t.test('the sequence is smooth: weights 5, 1, 1 interleave as nginx does', async (t) => {
  const state = createWrrState(3);
  const sequence = Array.from({ length: 7 }, () => 'abc'[pickSmoothWrr([5, 1, 1], state, () => true)]).join('');
  t.equal(sequence, 'aabacaa');
});

t.test('ineligible items are skipped and the rest share the picks', async (t) => {
  t.same(count([1, 1, 1], 300, (i) => i !== 1), [150, 0, 150]);
});

t.test('nothing eligible gives -1', async (t) => {
  t.equal(pickSmoothWrr([1, 1], createWrrState(2), () => false), -1);
  t.equal(pickSmoothWrr([0, 0], createWrrState(2), () => true), -1);
  t.equal(pickSmoothWrr([], createWrrState(0), () => true), -1);
});

// pickWrrCycle walks a listed period of the sequence; without a narrowed `eligible` it must pick exactly what the
// running weights pick over the same members.
const every = (weights: number[]): Uint8Array => new Uint8Array(weights.length).fill(1);
const cycleCases: Array<[string, number[], Uint8Array?]> = [
  ['equal weights', [1, 1, 1, 1]],
  ['equal weights above 1', [3, 3, 3]],
  ['weights 5, 1, 1', [5, 1, 1]],
  ['weights with a common divisor', [10, 20, 30, 40]],
  ['a weight of 0 among others', [2, 0, 1, 4]],
  ['some items not members', [3, 1, 2, 5, 1], Uint8Array.from([1, 0, 1, 1, 0])],
  ['one member', [4, 2], Uint8Array.from([0, 1])],
  ['1,000 equal weights', Array.from({ length: 1000 }, () => 1)],
  ['100 unequal weights', Array.from({ length: 100 }, (_, i) => 1 + (i % 7))],
  ['a period too long to list (running weights instead)', Array.from({ length: 1000 }, (_, i) => 1 + (i % 97) * 1000)],
];
for (const [name, weights, flags] of cycleCases) {
  t.test(`the listed period picks as the running weights do: ${name}`, async (t) => {
    const members = flags ?? every(weights);
    const period = weights.reduce((sum, w, i) => sum + (members[i] === 1 ? w : 0), 0);
    const listed = createWrrState(weights.length);
    const running = createWrrState(weights.length);
    const picks = Math.min(3 * period, 5000);
    const mismatch = Array.from({ length: picks }, () => [
      pickWrrCycle(weights, listed, members, (i) => members[i] === 1),
      pickSmoothWrr(weights, running, (i) => members[i] === 1),
    ]).findIndex(([a, b]) => a !== b);
    t.equal(mismatch, -1, `pick ${mismatch} differs`);
    t.equal(listed.cycle?.order === null, name.includes('too long'), 'listed unless too long');
  });
}

t.test('a narrowed pick takes the next accepted item of the sequence, and the usual picks go on after it', async (t) => {
  const weights = [5, 1, 1];
  const state = createWrrState(3);
  const members = every(weights);
  const all = (): boolean => true;
  const picks = ['abc'[pickWrrCycle(weights, state, members, all)]]; // a
  picks.push('abc'[pickWrrCycle(weights, state, members, (i) => i !== 0)]!); // a passed over, b
  for (let i = 0; i < 5; i++) picks.push('abc'[pickWrrCycle(weights, state, members, all)]!);
  t.equal(picks.join(''), 'abacaaa');
  t.equal(pickWrrCycle(weights, state, members, () => false), -1, 'nothing accepted');
});

t.test('the same flags in a new array continue the sequence; other flags list their own period', async (t) => {
  const weights = [1, 1, 1, 1];
  const state = createWrrState(4);
  const all = (): boolean => true;
  const first = every(weights);
  t.same([0, 1].map(() => pickWrrCycle(weights, state, first, all)), [0, 1]);
  t.equal(pickWrrCycle(weights, state, every(weights), all), 2, 'continued');
  const down = Uint8Array.from([1, 0, 1, 1]);
  const after = Array.from({ length: 6 }, () => pickWrrCycle(weights, state, down, (i) => down[i] === 1));
  t.notOk(after.includes(1), 'a server that left is not picked');
  t.same([...after].sort(), [0, 0, 2, 2, 3, 3], 'the rest share the picks evenly');
  t.equal(pickWrrCycle([1, 1], createWrrState(2), new Uint8Array(2), () => true), -1, 'no member');
  t.equal(pickWrrCycle([0, 0], createWrrState(2), Uint8Array.from([1, 1]), () => true), -1, 'members of weight 0');
});
