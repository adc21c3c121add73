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
    // As for objects below: no copy is built while every item comes back as the earlier one.
    let out: unknown[] | undefined = before !== undefined && before.length === value.length ? undefined : new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copy(value[i], depth + 1, before?.[i]);
      if (out === undefined) {
        if (Object.is(item, before![i])) continue;
        out = before!.slice(0, i);
        out.length = value.length;
      }
      out[i] = item;
    }
    return out === undefined ? before : frozen(out);
  }
  if (proto !== Object.prototype && proto !== null) throw UNSUPPORTED;
  const before = isFrozenPlain(previous) ? previous : undefined;
  const keys = Object.keys(value);
  // Same keys in the same order (iteration order shows: status and API listings follow it): then an object whose
  // items all come back as the earlier ones is the earlier object, and no copy is built for it at all (a reload
  // changing one element of 10,000 would otherwise allocate a throw-away copy of the rest).
  const sameKeys = before !== undefined && sameKeyOrder(before, keys);
  let out: Plain | undefined = sameKeys ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const earlier = before !== undefined && (sameKeys || Object.hasOwn(before, key)) ? before[key] : undefined;
    const item = copy((value as Plain)[key], depth + 1, earlier);
    if (out === undefined) {
      if (Object.is(item, earlier)) continue;
      out = {};
      for (let j = 0; j < i; j++) put(out, keys[j]!, before![keys[j]!]);
    }
    put(out, key, item);
  }
  return out === undefined ? before : frozen(out);
}

function sameKeyOrder(before: Plain, keys: string[]): boolean {
  let i = 0;
  // for…in walks the frozen object's own keys in order without building a list (its prototype has no enumerable keys).
  for (const key in before) if (keys[i++] !== key) return false;
  return i === keys.length;
}

function put(out: Plain, key: string, item: unknown): void {
  // defineProperty keeps a `__proto__` key a plain key, as structuredClone does.
  if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  else out[key] = item;
}

function frozen<T extends object>(value: T): T {
  markDeepFrozen(value);
  return Object.freeze(value);
}

function isFrozenPlain(value: unknown): value is Plain {
  return isDeepFrozen(value) && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
