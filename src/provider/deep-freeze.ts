import { isDeepFrozen, markDeepFrozen } from '../config/deep-frozen.js';

/**
 * Freezes a value and everything reachable from it, so a configuration can be shared instead of copied.
 * Objects this module froze before are skipped, which keeps re-freezing a merge of mostly unchanged
 * elements cheap.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || isDeepFrozen(value)) return value;
  // Marked first, so a cycle ends here.
  markDeepFrozen(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}

const UNSUPPORTED = Symbol('unsupported');
// Deeper than any configuration; past it a cycle is the likelier reason, which structuredClone handles.
const MAX_DEPTH = 256;

/**
 * A deep-frozen private copy of a provider's snapshot, as `deepFreeze(structuredClone(value))` gives, in one
 * pass and without serialising: plain objects, arrays and primitives (all a configuration is made of) are
 * copied here, and anything else (dates, maps, class instances, cycles, sparse arrays, functions) is left
 * to structuredClone so it keeps its exact semantics, including throwing for what it cannot copy.
 * Parts equal to the same place in `previous` (an earlier result) are that earlier object itself, so an
 * unchanged element keeps its identity from one snapshot to the next and per-element memos can key on it.
 */
export function frozenCopy<T>(value: T, previous?: unknown): T {
  try {
    return copy(value, 0, previous) as T;
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
    return deepFreeze(structuredClone(value));
  }
}

type Plain = Record<string, unknown>;

function copy(value: unknown, depth: number, previous: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw UNSUPPORTED;
    return value;
  }
  if (depth > MAX_DEPTH) throw UNSUPPORTED;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || Object.keys(value).length !== value.length) throw UNSUPPORTED;
    const before = Array.isArray(previous) && isDeepFrozen(previous) ? previous : undefined;
    const out = new Array<unknown>(value.length);
    let same = before !== undefined && before.length === value.length;
    for (let i = 0; i < value.length; i++) {
      out[i] = copy(value[i], depth + 1, before?.[i]);
      same &&= Object.is(out[i], before![i]);
    }
    return same ? before : frozen(out);
  }
  if (proto !== Object.prototype && proto !== null) throw UNSUPPORTED;
  const before = isFrozenPlain(previous) ? previous : undefined;
  const keys = Object.keys(value);
  const out: Plain = {};
  const beforeKeys = before === undefined ? [] : Object.keys(before);
  // Same keys in the same order: iteration order shows (status and API listings follow it).
  let same = before !== undefined && beforeKeys.length === keys.length;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const earlier = before !== undefined && Object.hasOwn(before, key) ? before[key] : undefined;
    const item = copy((value as Plain)[key], depth + 1, earlier);
    same &&= beforeKeys[i] === key && Object.is(item, earlier);
    // defineProperty keeps a `__proto__` key a plain key, as structuredClone does.
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return same ? before : frozen(out);
}

function frozen<T extends object>(value: T): T {
  markDeepFrozen(value);
  return Object.freeze(value);
}

function isFrozenPlain(value: unknown): value is Plain {
  return isDeepFrozen(value) && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
