// The mark is a non-enumerable symbol property set before freezing: a WeakSet of every frozen object
// cost a 10,000-router compile about a tenth of its time (ephemeron table inserts and their GC work).
// Objects someone else froze first cannot take the property; those go to the WeakSet.
const MARK = Symbol('switchyard.deepFrozen');
const deepFrozen = new WeakSet<object>();

/**
 * Records that `value` and everything reachable from it are (about to be) frozen, and returns it; only the
 * watcher's deepFreeze and frozenCopy, and validation for a section made of such elements, call it.
 */
export function markDeepFrozen<T extends object>(value: T): T {
  if (Object.isExtensible(value)) Object.defineProperty(value, MARK, { value: true });
  else deepFrozen.add(value);
  return value;
}

/** Whether `value` was frozen all the way down by the watcher, so results computed from it can be memoised by identity. */
export function isDeepFrozen(value: unknown): value is object {
  return typeof value === 'object' && value !== null && ((value as { [MARK]?: true })[MARK] === true || deepFrozen.has(value));
}
