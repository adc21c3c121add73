const deepFrozen = new WeakSet<object>();

/** Records that `value` and everything reachable from it are frozen; only the watcher's deepFreeze and frozenCopy call it. */
export function markDeepFrozen(value: object): void {
  deepFrozen.add(value);
}

/** Whether `value` was frozen all the way down by the watcher, so results computed from it can be memoised by identity. */
export function isDeepFrozen(value: unknown): value is object {
  return typeof value === 'object' && value !== null && deepFrozen.has(value);
}
