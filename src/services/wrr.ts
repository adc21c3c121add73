import { sameItems } from '../same-items.js';

/**
 * Smooth weighted round-robin, nginx's algorithm (ngx_http_upstream_get_peer): every pick adds each
 * eligible item's weight to its running weight, takes the largest, and subtracts the eligible total
 * from the winner. The sequence is deterministic and spreads picks evenly (5,1,1 → a a b a c a a),
 * unlike plain WRR which would send bursts.
 *
 * From running weights of zero the sequence over a fixed set of items repeats after as many picks as
 * the weights add up to (divided by their greatest common divisor). `pickWrrCycle` lists that period
 * once per set of items and then walks it, so a pick costs the same at 1,000 servers as at 2 (the
 * running-weight pick walks every item: 14 µs at 1,000, issue 8).
 */

/** One period of the sequence over a set of items, and the position in it. */
interface WrrCycle {
  /** The set the period was listed for (1 = member). */
  members: Uint8Array;
  /** The items in sequence order (empty when no member has a positive weight); null when too long to list. */
  order: Int32Array | null;
  /** Index in `order` of the next pick. */
  at: number;
}

/** Running weights and sequence of one balancer; kept in the StateStore so an unchanged service continues its sequence. */
export interface WrrState {
  /** nginx's running weights, for picks among a changing set (`pickSmoothWrr`). */
  current: number[];
  /** The period `pickWrrCycle` walks; listed at its first pick and again when its members change. */
  cycle: WrrCycle | undefined;
}

/** Creates the initial position for `size` items. */
export function createWrrState(size: number): WrrState {
  return { current: new Array<number>(size).fill(0), cycle: undefined };
}

/** Picks the next item among those `eligible` accepts; weight-0 items are never picked; -1 when none. */
export function pickSmoothWrr(weights: readonly number[], state: WrrState, eligible: (index: number) => boolean): number {
  let best = -1;
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i]!;
    if (weight <= 0 || !eligible(i)) continue;
    state.current[i] = (state.current[i] ?? 0) + weight;
    total += weight;
    if (best === -1 || state.current[i]! > state.current[best]!) best = i;
  }
  if (best !== -1) state.current[best]! -= total;
  return best;
}

// Listing a period simulates it: picks × members steps. Beyond this (1,000 servers of unequal weights, say) or a
// period longer than MAX_PERIOD, picks fall back to the running weights, which cost one walk each.
const LIST_BUDGET = 1 << 22;
const MAX_PERIOD = 1 << 16;

/**
 * Picks the next item of the smooth WRR sequence over `members` (items flagged 1 and of positive weight)
 * that `eligible` accepts. When `eligible` accepts every member (the usual request) the picks are exactly
 * `pickSmoothWrr`'s over the members from zero running weights; when it refuses some (a retry avoiding
 * the servers it tried) the pick is the next accepted item of the sequence, and the items passed over
 * lose that turn. Members with other flags than the last pick's get their own period, continued at the
 * same fraction. -1 when no member is accepted.
 */
export function pickWrrCycle(weights: readonly number[], state: WrrState, members: Uint8Array, eligible: (index: number) => boolean): number {
  let cycle = state.cycle;
  if (cycle === undefined || (cycle.members !== members && !sameItems(cycle.members, members))) {
    cycle = state.cycle = listCycle(weights, members, cycle);
  } else cycle.members = members;
  const { order } = cycle;
  if (order === null) return pickSmoothWrr(weights, state, (i) => members[i] === 1 && eligible(i));
  const length = order.length;
  for (let step = 0; step < length; step++) {
    const item = order[cycle.at]!;
    cycle.at = cycle.at + 1 === length ? 0 : cycle.at + 1;
    if (eligible(item)) return item;
  }
  return -1;
}

// The period over the members from zero running weights (its order null when too long to list), starting at the
// previous period's fraction.
function listCycle(weights: readonly number[], members: Uint8Array, previous: WrrCycle | undefined): WrrCycle {
  const items: number[] = [];
  let divisor = 0;
  let equal = true;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i]!;
    if (weight <= 0 || members[i] !== 1) continue;
    if (!Number.isSafeInteger(weight)) return { members, order: null, at: 0 };
    if (items.length > 0 && weight !== weights[items[0]!]) equal = false;
    divisor = gcd(divisor, weight);
    items.push(i);
  }
  let order: Int32Array;
  if (equal) order = Int32Array.from(items); // equal weights: the members in index order
  else {
    let period = 0;
    for (const i of items) period += weights[i]! / divisor;
    if (period > MAX_PERIOD || period * items.length > LIST_BUDGET) return { members, order: null, at: 0 };
    order = new Int32Array(period);
    const current = new Float64Array(items.length);
    for (let pick = 0; pick < period; pick++) {
      let best = 0;
      for (let k = 0; k < items.length; k++) {
        current[k]! += weights[items[k]!]! / divisor;
        if (current[k]! > current[best]!) best = k;
      }
      current[best]! -= period;
      order[pick] = items[best]!;
    }
  }
  const at = previous?.order?.length ? Math.floor((previous.at / previous.order.length) * order.length) : 0;
  return { members, order, at: at < order.length ? at : 0 };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
