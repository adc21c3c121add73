import type { Balancer } from './strategy.js';

/** Requests in flight per server; kept in the StateStore so a reload does not forget the load already sent. */
export interface P2cState {
  inFlight: number[];
}

/** A fresh state for `size` servers. */
export function createP2cState(size: number): P2cState {
  return { inFlight: new Array<number>(size).fill(0) };
}

// A draw in proportion to weight among the indices in `pool`.
function draw(pool: readonly number[], weights: readonly number[], total: number): number {
  let at = Math.random() * total;
  for (const i of pool) {
    at -= weights[i]!;
    if (at < 0) return i;
  }
  return pool[pool.length - 1]!;
}

// Draws tried before falling back to listing the eligible servers: with most of them eligible (the usual case)
// one or two draws do, and a pick costs a binary search instead of a walk over every server (issue 8).
const ATTEMPTS = 8;

/**
 * Power of two random choices (Mitzenmacher): draw two distinct servers, each in proportion to its
 * weight, and send to the one with fewer requests in flight per unit of weight. On a tie the first
 * drawn wins, so with no load at all the split follows the weights exactly (the first draw's
 * distribution); under load the busier of the two is avoided.
 *
 * Each draw is made among all servers by weight (a binary search of the running totals) and redrawn
 * while it lands on one `eligible` refuses (or on the first, for the second draw): that is exactly a
 * draw by weight among the acceptable ones. After a few misses (most servers down) the acceptable
 * ones are listed and drawn from directly, which gives the same distribution.
 */
export function createP2c(weights: readonly number[], state: P2cState): Balancer {
  const load = (i: number): number => state.inFlight[i]! / weights[i]!;
  // ends[i]: the total weight of servers 0..i (weight 0 or below adds nothing, so such a server is never drawn).
  const ends = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) ends[i] = sum += Math.max(weights[i]!, 0);
  const byWeight = (): number => {
    const at = Math.random() * sum;
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! > at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const sample = (eligible: (index: number) => boolean, not: number): number => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const i = byWeight();
      if (i !== not && weights[i]! > 0 && eligible(i)) return i;
    }
    return -1;
  };
  const listed = (eligible: (index: number) => boolean, not: number): number => {
    const pool: number[] = [];
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      if (i === not || weights[i]! <= 0 || !eligible(i)) continue;
      pool.push(i);
      total += weights[i]!;
    }
    return pool.length === 0 ? -1 : draw(pool, weights, total);
  };
  return {
    pick(_req, eligible) {
      if (sum <= 0) return -1;
      let first = sample(eligible, -1);
      if (first === -1) first = listed(eligible, -1);
      if (first === -1) return -1;
      let second = sample(eligible, first);
      if (second === -1) second = listed(eligible, first);
      if (second === -1) return first;
      return load(second) < load(first) ? second : first;
    },
    async track(index, _res, forward) {
      state.inFlight[index]!++;
      try {
        return await forward();
      } finally {
        state.inFlight[index]!--;
      }
    },
  };
}
