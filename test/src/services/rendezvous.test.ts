import t from 'tap';
import { pickRendezvous, seedOf, unitHash } from '../../../src/services/rendezvous.js';

const keys = (count: number, prefix = 'user-'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const servers = (count: number): string[] => Array.from({ length: count }, (_, i) => `http://10.0.0.${i + 1}:8080`);
const all = (): boolean => true;

/** The winner of each key over `ids`, as server ids. */
function assign(ids: string[], weights: number[], list: string[], eligible: (i: number) => boolean = all): string[] {
  const seeds = ids.map(seedOf);
  return list.map((key) => ids[pickRendezvous(key, seeds, weights, eligible)] ?? 'none');
}

const shares: Array<[string, number[]]> = [
  ['equal weights share 20000 keys evenly', [1, 1, 1, 1]],
  ['weights 1, 2, 3 and 4 share keys 10%, 20%, 30% and 40%', [1, 2, 3, 4]],
  ['weights 5, 1 and 1 share keys 5/7, 1/7 and 1/7', [5, 1, 1]],
];
for (const [name, weights] of shares) {
  t.test(name, async (t) => {
    const ids = servers(weights.length);
    const winners = assign(ids, weights, keys(20000));
    const total = weights.reduce((a, b) => a + b, 0);
    ids.forEach((id, i) => {
      const share = winners.filter((w) => w === id).length / winners.length;
      t.ok(Math.abs(share - weights[i]! / total) < 0.015, `${id} gets ${share.toFixed(3)}, expected ${(weights[i]! / total).toFixed(3)}`);
    });
  });
}

for (const n of [2, 4, 9]) {
  t.test(`going from ${n} to ${n + 1} servers moves about 1/${n + 1} of the keys, all of them to the new server`, async (t) => {
    const list = keys(10000);
    const before = assign(servers(n), new Array(n).fill(1), list);
    const after = assign(servers(n + 1), new Array(n + 1).fill(1), list);
    const moved = list.filter((_, i) => before[i] !== after[i]);
    const newcomer = servers(n + 1)[n]!;
    t.ok(Math.abs(moved.length / list.length - 1 / (n + 1)) < 0.02, `moved ${moved.length} of ${list.length}`);
    t.ok(list.every((_, i) => before[i] === after[i] || after[i] === newcomer), 'every moved key went to the new server');
  });
}

t.test('removing a server moves only the keys it had', async (t) => {
  const list = keys(5000);
  const ids = servers(5);
  const before = assign(ids, [1, 1, 1, 1, 1], list);
  const after = assign(ids.filter((_, i) => i !== 2), [1, 1, 1, 1], list);
  const moved = list.filter((_, i) => before[i] !== after[i]);
  t.ok(moved.length > 0);
  t.ok(list.every((_, i) => before[i] === after[i] || before[i] === ids[2]), 'only keys of the removed server moved');
});

t.test('an ineligible server hands each of its keys to that key\'s next choice, and the others keep theirs', async (t) => {
  const list = keys(3000);
  const ids = servers(4);
  const before = assign(ids, [1, 1, 1, 1], list);
  const after = assign(ids, [1, 1, 1, 1], list, (i) => i !== 0);
  t.ok(list.every((_, i) => (before[i] === ids[0] ? after[i] !== ids[0] : after[i] === before[i])));
  // Removing the server from the list gives the same answer as skipping it: failover and reconfiguration agree.
  t.same(after, assign(ids.slice(1), [1, 1, 1], list));
});

t.test('a weight of 0 never wins, and nothing eligible gives -1', async (t) => {
  const seeds = servers(3).map(seedOf);
  t.ok(keys(1000).every((key) => pickRendezvous(key, seeds, [1, 0, 1], all) !== 1));
  t.equal(pickRendezvous('k', seeds, [1, 1, 1], () => false), -1);
  t.equal(pickRendezvous('k', [], [], all), -1);
});

t.test('the unit hash stays inside (0, 1) and averages one half', async (t) => {
  const seed = seedOf('server');
  const values = keys(20000).map((key) => unitHash(seedOf(key), seed));
  t.ok(values.every((v) => v > 0 && v < 1));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  t.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
});
