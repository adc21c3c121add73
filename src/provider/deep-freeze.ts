import { isDeepFrozen, markDeepFrozen } from '../config/deep-frozen.js';
import { keysOf } from '../config/frozen-keys.js';
import { sameItems } from '../same-items.js';
import { putOwn } from '../records.js';

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
 * A part that is already deep-frozen (marked by deepFreeze or this copy: nothing can change it) needs no
 * copy: it is `previous`'s object when it is that object or equal to it, else itself. A provider that hands
 * out deep-frozen values sharing their unchanged parts (the file provider does) is thus copied in time
 * proportional to what changed.
 */
export function frozenCopy<T>(value: T, previous?: unknown): T {
  try {
    return copy(value, 0, previous) as T;
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
    return deepFreeze(structuredClone(value));
  } finally {
    // The copy's key stack keeps no names of this snapshot once it is done.
    keyStack.length = 0;
    keyTop = 0;
  }
}

// The keys of the objects being copied, one frame per object above its parent's: listing each object's keys
// with Object.keys made an array per object, 50,000 of them for a snapshot of 10,000 routers (issue 8).
const keyStack: string[] = [];
let keyTop = 0;

type Plain = Record<string, unknown>;

function copy(value: unknown, depth: number, previous: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw UNSUPPORTED;
    return value;
  }
  // Already frozen all the way down: walked only as far as it matches `previous`, never copied.
  // A provider's own objects are extensible: that bit answers for them without looking the mark up (a first
  // snapshot of 10,000 routers is 50,000 objects).
  const settled: boolean = !Object.isExtensible(value) && (isDeepFrozen(value) as boolean);
  if (settled && value === previous) return value;
  if (depth > MAX_DEPTH) {
    if (settled) return value;
    throw UNSUPPORTED;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || Object.keys(value).length !== value.length) throw UNSUPPORTED;
    const before = Array.isArray(previous) && isDeepFrozen(previous) ? previous : undefined;
    // As for objects below: no copy is built while every item comes back as the earlier one.
    let out: unknown[] | undefined = before !== undefined && before.length === value.length ? undefined : new Array<unknown>(value.length);
    if (out !== undefined && settled) return value;
    for (let i = 0; i < value.length; i++) {
      const item = copy(value[i], depth + 1, before?.[i]);
      if (out === undefined) {
        if (Object.is(item, before![i])) continue;
        if (settled) return value;
        out = before!.slice(0, i);
        out.length = value.length;
      }
      out[i] = item;
    }
    return out === undefined ? before : frozen(out);
  }
  if (proto !== Object.prototype && proto !== null) throw UNSUPPORTED;
  const before = isFrozenPlain(previous) ? previous : undefined;
  if (settled) return settledCopy(value as Plain, before, depth);
  // The own enumerable keys in Object.keys order (for…in gives own keys first, in that order).
  const base = keyTop;
  for (const key in value) if (Object.hasOwn(value, key)) keyStack[keyTop++] = key;
  const count = keyTop - base;
  try {
    // Same keys in the same order (iteration order shows: status and API listings follow it): then an object whose
    // items all come back as the earlier ones is the earlier object, and no copy is built for it at all (a reload
    // changing one element of 10,000 would otherwise allocate a throw-away copy of the rest).
    const sameKeys = before !== undefined && sameKeyOrder(before, base, count);
    let out: Plain | undefined = sameKeys ? undefined : {};
    for (let i = 0; i < count; i++) {
      const key = keyStack[base + i]!;
      const earlier = before !== undefined && (sameKeys || Object.hasOwn(before, key)) ? before[key] : undefined;
      const item = copy((value as Plain)[key], depth + 1, earlier);
      if (out === undefined) {
        if (Object.is(item, earlier)) continue;
        out = {};
        for (let j = 0; j < i; j++) putOwn(out, keyStack[base + j]!, before![keyStack[base + j]!]);
      }
      putOwn(out, key, item);
    }
    return out === undefined ? before : frozen(out);
  } finally {
    keyTop = base;
  }
}

// A deep-frozen mapping: `before` when it has the same keys in the same order and every value comes back as
// `before`'s, else the mapping itself. The key lists of big maps are remembered (frozen-keys.ts), so a map
// the file provider rebuilt with the same keys is compared without listing them.
function settledCopy(value: Plain, before: Plain | undefined, depth: number): unknown {
  if (before === undefined) return value;
  const keys = keysOf(value);
  if (!sameItems(keys, keysOf(before))) return value;
  for (let i = 0; i < keys.length; i++) {
    const earlier = before[keys[i]!];
    if (!Object.is(copy(value[keys[i]!], depth + 1, earlier), earlier)) return value;
  }
  return before;
}

function sameKeyOrder(before: Plain, base: number, count: number): boolean {
  let i = 0;
  // for…in walks the frozen object's own keys in order without building a list; it gives own keys first, so a
  // key past the last one compared is either one more own key or an enumerable key on Object.prototype.
  for (const key in before) {
    if (i === count) return !Object.hasOwn(before, key);
    if (keyStack[base + i++] !== key) return false;
  }
  return i === count;
}

function frozen<T extends object>(value: T): T {
  markDeepFrozen(value);
  return Object.freeze(value);
}

function isFrozenPlain(value: unknown): value is Plain {
  return isDeepFrozen(value) && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
