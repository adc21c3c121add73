import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForwardOutcome } from '../proxy/forwarder.js';
import type { StateStore } from '../runtime/state-store.js';
import type { HashKey } from './hash-key.js';
import { createLeastTime, createLeastTimeState } from './least-time.js';
import { createP2c, createP2cState } from './p2c.js';
import { pickRendezvous, seedOf } from './rendezvous.js';
import { createWrrState, pickSmoothWrr, pickWrrCycle, type WrrState } from './wrr.js';

/** The `loadBalancer.strategy` values. */
export const STRATEGIES = ['wrr', 'p2c', 'leasttime', 'hrw'] as const;

/** One balancing strategy. */
export type Strategy = (typeof STRATEGIES)[number];

/** Chooses among a fixed list of items (servers or child services) for each request. */
export interface Balancer {
  /**
   * Picks an item `eligible` accepts; weight-0 items are never picked; -1 when none is left. `members`, when
   * given, flags (1) the items taking new requests, which `eligible` accepts unless it narrows them further
   * (a retry): wrr then walks one listed period of its sequence instead of every item (issue 8).
   */
  pick(req: IncomingMessage, eligible: (index: number) => boolean, members?: Uint8Array): number;
  /** Runs one forward to item `index`, so strategies that watch load can count it and time its first byte. */
  track(index: number, res: ServerResponse, forward: () => Promise<ForwardOutcome>): Promise<ForwardOutcome>;
}

/** What building a balancer needs. */
export interface BalancerOptions {
  strategy: Strategy;
  /** Stable identifiers of the items (server URLs, child service names): what `hrw` hashes with the key. */
  ids: readonly string[];
  weights: readonly number[];
  state: StateStore;
  /** The service name and a hash of its items: StateStore keys are this prefixed by the strategy. */
  stateKey: string;
  /** The key `hrw` hashes; requests without one are balanced by WRR. */
  hashKey: HashKey;
}

/** Checks a configured strategy name; undefined means `wrr`. Throws a clear Error for an unknown one. */
export function resolveStrategy(value: string | undefined, where: string): Strategy {
  if (value === undefined || value === '') return 'wrr';
  if ((STRATEGIES as readonly string[]).includes(value)) return value as Strategy;
  throw new Error(`${where} "${value}" is unknown (expected ${STRATEGIES.slice(0, -1).join(', ')} or ${STRATEGIES.at(-1)})`);
}

/** The `track` of strategies that keep no per-request state (wrr, hrw): callers may forward directly instead. */
export const untracked = (_index: number, _res: ServerResponse, forward: () => Promise<ForwardOutcome>): Promise<ForwardOutcome> => forward();

/** Builds the balancer of a strategy; its state lives in the StateStore so an unchanged service keeps it across reloads. */
export function createBalancer(options: BalancerOptions): Balancer {
  const { weights, state, stateKey } = options;
  // wrr itself, leasttime's ties and hrw's requests without a key all keep their position under one key.
  const wrr = (): WrrState => state.get<WrrState>(`wrr:${stateKey}`, () => createWrrState(weights.length));
  switch (options.strategy) {
    case 'wrr': {
      const position = wrr();
      return { pick: (_req, eligible, members) => wrrPick(weights, position, eligible, members), track: untracked };
    }
    case 'p2c':
      return createP2c(weights, state.get(`p2c:${stateKey}`, () => createP2cState(weights.length)));
    case 'leasttime':
      return createLeastTime(weights, wrr(), state.get(`leasttime:${stateKey}`, () => createLeastTimeState(weights.length)));
    case 'hrw': {
      const seeds = options.ids.map(seedOf);
      const { hashKey } = options;
      const position = wrr();
      return {
        pick(req, eligible, members) {
          const key = hashKey(req);
          return key ? pickRendezvous(key, seeds, weights, eligible) : wrrPick(weights, position, eligible, members);
        },
        track: untracked,
      };
    }
  }
}

// The listed period when the caller names the members, the running weights (a walk of every item) otherwise.
function wrrPick(weights: readonly number[], state: WrrState, eligible: (index: number) => boolean, members: Uint8Array | undefined): number {
  return members ? pickWrrCycle(weights, state, members, eligible) : pickSmoothWrr(weights, state, eligible);
}
