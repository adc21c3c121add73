import { createHash } from 'node:crypto';

/**
 * Weighted rendezvous (highest random weight) hashing, after Thaler & Ravishankar and the weighted
 * form of Schindelhauer & Schomaker: each item's score for a key is -weight / ln(h), h a uniform
 * hash of (key, item) in (0, 1); the highest score wins. An item wins a key with probability
 * weight / total, and adding or removing an item moves only the keys that item wins or won.
 */

/** A 64-bit seed per item, derived from its stable identifier (server URL or child service name). */
export type Seed = readonly [number, number];

/** Derives an item's seed from its identifier. */
export function seedOf(id: string): Seed {
  const digest = createHash('sha256').update(id).digest();
  return [digest.readUInt32LE(0), digest.readUInt32LE(4)];
}

// murmur3's 32-bit finaliser: full avalanche, so neighbouring keys and seeds score independently.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform value in (0, 1) for (key digest, item seed); 53 bits, never 0 or 1. */
export function unitHash(key: Seed, seed: Seed): number {
  const a = fmix32((key[0] ^ seed[0]) >>> 0);
  const b = fmix32((key[1] ^ seed[1] ^ Math.imul(a, 0x9e3779b1)) >>> 0);
  const c = fmix32((a ^ Math.imul(b, 0x27d4eb2f)) >>> 0);
  return ((c >>> 6) * 2 ** 27 + (b >>> 5) + 0.5) / 2 ** 53;
}

/** Picks the eligible item with the highest weighted score for `key`; weight-0 items never win; -1 when none is eligible. */
export function pickRendezvous(key: string, seeds: readonly Seed[], weights: readonly number[], eligible: (index: number) => boolean): number {
  const digest = seedOf(key);
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < seeds.length; i++) {
    const weight = weights[i]!;
    if (weight <= 0 || !eligible(i)) continue;
    const score = -weight / Math.log(unitHash(digest, seeds[i]!));
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
