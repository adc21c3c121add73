/**
 * Whether two lists hold the same items in the same order (`===` item by item; the same list at once): key
 * lists of configuration maps, which keysOf may hand out as the very same array, and per-server flag arrays.
 */
export function sameItems<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
