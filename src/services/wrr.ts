/**
 * Smooth weighted round-robin, nginx's algorithm (ngx_http_upstream_get_peer): every pick adds each
 * eligible item's weight to its running weight, takes the largest, and subtracts the eligible total
 * from the winner. The sequence is deterministic and spreads picks evenly (5,1,1 → a a b a c a a),
 * unlike plain WRR which would send bursts.
 */

/** Running weights of one balancer; kept in the StateStore so an unchanged service continues its sequence. */
export interface WrrState {
  current: number[];
}

/** Creates the initial position for `size` items. */
export function createWrrState(size: number): WrrState {
  return { current: new Array<number>(size).fill(0) };
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
