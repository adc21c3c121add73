import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Balancer } from './strategy.js';
import { pickSmoothWrr, type WrrState } from './wrr.js';

/** Per-server load and answer time; kept in the StateStore so a reload keeps what was learnt. */
export interface LeastTimeState {
  inFlight: number[];
  /** Moving average of the time to the response headers, in ms; 0 until the first answer. */
  ttfb: number[];
  /** When each average last took a sample (performance.now()). */
  sampledAt: number[];
}

/** A fresh state for `size` servers: nothing in flight, nothing measured. */
export function createLeastTimeState(size: number): LeastTimeState {
  return { inFlight: new Array<number>(size).fill(0), ttfb: new Array<number>(size).fill(0), sampledAt: new Array<number>(size).fill(0) };
}

// Weight of a new sample in the moving average: recent enough to follow a server that slows down, smooth enough to ignore one outlier.
const ALPHA = 0.3;
// A server that failed without answering (refused, reset, timed out) counts as this slow, so a fast failure does not attract traffic.
const FAILURE_MS = 1000;
// An average fades by half every this many ms without a sample, so a server that once answered slowly
// (or failed) is tried again eventually instead of being starved forever on one bad measurement.
const HALF_LIFE_MS = 10_000;
// How far the epoch of the scores' powers may fall behind (2^100 at most, far from overflowing).
const REBASE_MS = 100 * HALF_LIFE_MS;

/** Calls `mark` the first time headers are written to `res` (the server's answer being relayed). */
function onHeaders(res: ServerResponse, mark: () => void): void {
  const writeHead = res.writeHead;
  let seen = false;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!seen) {
      seen = true;
      mark();
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * Least time: score = average time to first byte × (1 + requests in flight) / weight, lowest wins
 * (Traefik's formula). Servers not measured yet score 0, so each gets traffic until it has an
 * average; ties are broken by smooth WRR. Unlike Traefik, an average fades while its server gets
 * no traffic, so a server is re-measured after a while instead of being judged by its past forever.
 */
export function createLeastTime(weights: readonly number[], wrr: WrrState, state: LeastTimeState): Balancer {
  const average = (i: number, now: number): number => state.ttfb[i]! * 2 ** (-(now - state.sampledAt[i]!) / HALF_LIFE_MS);
  const record = (i: number, sample: number): void => {
    const now = performance.now();
    const previous = state.ttfb[i] === 0 ? sample : average(i, now);
    state.ttfb[i] = Math.max(previous + ALPHA * (sample - previous), Number.MIN_VALUE);
    state.sampledAt[i] = now;
  };
  // A server's average at `now` is ttfb × 2^((sampledAt - epoch) / HALF_LIFE) × 2^(-(now - epoch) / HALF_LIFE); the last
  // factor is the same for every server, so scores are compared without it, and the power before it is computed once
  // per sample (`grownAt` holds the sampledAt it was computed for) instead of once per server per pick (issue 8). The
  // epoch moves up now and then so the powers stay in range.
  let epoch = performance.now();
  const growth = new Float64Array(weights.length);
  const grownAt = new Float64Array(weights.length).fill(Number.NaN);
  // Each pick's scores, kept for its tie-break (a pick runs to its end synchronously); Infinity marks a server not in the running.
  const scores = new Float64Array(weights.length);
  let best = Infinity;
  const tied = (i: number): boolean => scores[i] === best;
  return {
    pick(_req, eligible) {
      const now = performance.now();
      if (now - epoch > REBASE_MS) {
        epoch = now;
        grownAt.fill(Number.NaN);
      }
      // One pass, no closure or set per pick, and no power per server (issue 8: 55 µs at 1,000 servers).
      best = Infinity;
      let first = -1;
      let ties = 0;
      for (let i = 0; i < weights.length; i++) {
        const weight = weights[i]!;
        if (weight <= 0 || !eligible(i)) {
          scores[i] = Infinity;
          continue;
        }
        const ttfb = state.ttfb[i]!;
        let score = 0;
        if (ttfb !== 0) {
          const at = state.sampledAt[i]!;
          if (grownAt[i] !== at) {
            growth[i] = 2 ** ((at - epoch) / HALF_LIFE_MS);
            grownAt[i] = at;
          }
          score = (ttfb * growth[i]! * (1 + state.inFlight[i]!)) / weight;
        }
        scores[i] = score;
        if (score < best) {
          best = score;
          first = i;
          ties = 1;
        } else if (score === best) ties++;
      }
      return ties <= 1 ? first : pickSmoothWrr(weights, wrr, tied);
    },
    async track(index, res, forward) {
      const start = performance.now();
      let headersAt: number | undefined;
      onHeaders(res, () => (headersAt = performance.now()));
      state.inFlight[index]!++;
      try {
        const outcome = await forward();
        // Committed only once the outcome says the server answered: a gateway 502 writes headers too.
        if (outcome.responded && headersAt !== undefined) record(index, headersAt - start);
        else if (!outcome.responded && outcome.error && outcome.error !== 'client-gone') record(index, Math.max(performance.now() - start, FAILURE_MS));
        return outcome;
      } finally {
        state.inFlight[index]!--;
      }
    },
  };
}
