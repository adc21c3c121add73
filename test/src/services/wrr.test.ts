import t from 'tap';
import { createWrrState, pickSmoothWrr } from '../../../src/services/wrr.js';

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
