import { isDeepFrozen } from './deep-frozen.js';

// The key lists of deep-frozen maps, listed once: a frozen object's keys never change. Listing the keys of a
// map of 10,000 routers (Object.keys or for…in) costs 1–2 ms, and a reload walked the same frozen maps about
// ten times between the file's patch, validation, merging, the status and the compile (issue 8).
const listed = new WeakMap<object, readonly string[]>();

// Smaller objects (an element's own fields) are listed each time: that is cheap, and remembering a list for
// each of 10,000 elements would cost more memory than it saves time.
const REMEMBERED_FROM = 64;

/** Object.keys of an object; the list of a deep-frozen map of many keys is listed once and shared (do not change it). */
export function keysOf(map: object): readonly string[] {
  if (!isDeepFrozen(map)) return Object.keys(map);
  let keys = listed.get(map);
  if (keys !== undefined) return keys;
  keys = Object.keys(map);
  if (keys.length >= REMEMBERED_FROM) listed.set(map, Object.freeze(keys));
  return keys;
}

/**
 * Records the keys of a deep-frozen map its builder listed as it built it (in order, own enumerable ones),
 * so the next reader does not list them again; sharing the list of the map it was built from is fine.
 */
export function rememberKeys(map: object, keys: readonly string[]): void {
  if (keys.length >= REMEMBERED_FROM && isDeepFrozen(map)) listed.set(map, Object.isFrozen(keys) ? keys : Object.freeze(keys));
}
