import { isDeepStrictEqual } from 'node:util';
import { isDeepFrozen } from '../config/deep-frozen.js';
import { keysOf } from '../config/frozen-keys.js';

// Past this depth (deeper than any configuration, so likely a cycle) the comparison is node's, which follows cycles.
const MAX_DEPTH = 64;

/**
 * isDeepStrictEqual for configuration values, cheaper when they share objects: the same object is equal
 * without a look inside, and plain mappings are walked key by key down to the first difference (node lists
 * and checks every key of both first: about 3 ms for two maps of 10,000 routers, issue 8). Anything other
 * than plain mappings and dense arrays is compared by node itself.
 */
export function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth > MAX_DEPTH || kind(a) !== kind(b) || kind(a) === 'other' || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return isDeepStrictEqual(a, b);
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], other[i], depth + 1)) return false;
    return true;
  }
  if (isDeepFrozen(a) && isDeepFrozen(b)) {
    // Frozen maps: their key lists may be known already (frozen-keys.ts); as many keys, each found in b, is the same keys.
    const keys = keysOf(a);
    if (keys.length !== keysOf(b).length) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (!Object.hasOwn(b, key) || !sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return true;
  }
  let count = 0;
  for (const key in a) {
    if (!Object.hasOwn(a, key)) continue;
    count++;
    if (!Object.hasOwn(b, key) || !sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
  }
  for (const key in b) if (Object.hasOwn(b, key)) count--;
  return count === 0;
}

function kind(value: object): 'array' | 'plain' | 'other' {
  if (Array.isArray(value)) return Object.keys(value).length === value.length ? 'array' : 'other';
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null ? 'plain' : 'other';
}
