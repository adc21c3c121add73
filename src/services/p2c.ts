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

/**
 * Power of two random choices (Mitzenmacher): draw two distinct servers, each in proportion to its
 * weight, and send to the one with fewer requests in flight per unit of weight. On a tie the first
 * drawn wins, so with no load at all the split follows the weights exactly (the first draw's
 * distribution); under load the busier of the two is avoided.
 */
export function createP2c(weights: readonly number[], state: P2cState): Balancer {
  const load = (i: number): number => state.inFlight[i]! / weights[i]!;
  return {
    pick(_req, eligible) {
      const pool: number[] = [];
      let total = 0;
      for (let i = 0; i < weights.length; i++) {
        if (weights[i]! <= 0 || !eligible(i)) continue;
        pool.push(i);
        total += weights[i]!;
      }
      if (pool.length <= 1) return pool[0] ?? -1;
      const first = draw(pool, weights, total);
      const rest = pool.filter((i) => i !== first);
      const second = draw(rest, weights, total - weights[first]!);
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
