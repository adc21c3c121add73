import { isDeepFrozen, markDeepFrozen } from '../../src/config/deep-frozen.js';
import { keysOf, rememberKeys } from '../../src/config/frozen-keys.js';
import { deepFreeze } from '../../src/provider/deep-freeze.js';
import { putOwn } from '../../src/records.js';
import { sameItems } from '../../src/same-items.js';

/**
 * How a parsed file's value differs from the file's previous value, in a form the parsing thread can post
 * cheaply: a reload that changes one router of a 10,000-router file sends that router and no other (the
 * structured copy of the whole value cost the serving thread 8–20 ms per reload, issue 8), and the serving
 * thread rebuilds the value around the objects it already holds, so unchanged elements keep their identity
 * and every per-element memo downstream still applies.
 *
 * Mappings are compared key by key down to PATCH_DEPTH levels (top, group, section: an element is the unit);
 * anything deeper is either the same (equal values with keys in the same order) or sent whole.
 */
export type ValuePatch =
  | { same: true }
  | { value: unknown }
  /** A mapping: `keys` (all of them, in order) only when they differ from the previous keys; the values that changed. */
  | { keys?: string[]; changed: Map<string, ValuePatch> };

/** Levels of mappings compared key by key: the top level, `http`, `http.routers`. */
export const PATCH_DEPTH = 3;
// Deeper than any configuration element; a cycle (a YAML alias to an ancestor) ends here as "different".
const MAX_COMPARE_DEPTH = 64;

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The patch that turns `before` into a value equal to `after`, keys in the same order. */
export function diffValue(before: unknown, after: unknown, depth = PATCH_DEPTH): ValuePatch {
  if (depth === 0 || !isMapping(before) || !isMapping(after)) return sameParsed(before, after, 0) ? { same: true } : { value: after };
  const keys = Object.keys(after);
  const sameKeys = sameItems(Object.keys(before), keys);
  const changed = new Map<string, ValuePatch>();
  for (const key of keys) {
    const patch = Object.hasOwn(before, key) ? diffValue(before[key], after[key], depth - 1) : { value: after[key] };
    if (!('same' in patch)) changed.set(key, patch);
  }
  if (sameKeys && changed.size === 0) return { same: true };
  return sameKeys ? { changed } : { keys, changed };
}

/**
 * `before` (deep-frozen) with `patch` applied, deep-frozen: unchanged parts are `before`'s own objects, and
 * only what the patch brings is walked to freeze it. Throws when the patch does not fit `before` (it was
 * made against another value), so the caller can parse the text itself instead.
 */
export function applyPatch(before: unknown, patch: ValuePatch): unknown {
  if ('same' in patch) return before;
  if ('value' in patch) return deepFreeze(patch.value);
  if (!isMapping(before) || !isDeepFrozen(before)) throw new Error('the patch changes keys of a value that is not a frozen mapping');
  const out: Mapping = {};
  const keys = patch.keys ?? keysOf(before);
  if (patch.keys === undefined) {
    // The same keys (a reload that changed values only): every value is copied, then each changed one replaced,
    // which keeps its position; no lookup in the patch for each of 10,000 keys.
    for (let i = 0; i < keys.length; i++) putOwn(out, keys[i]!, before[keys[i]!]);
    for (const [key, change] of patch.changed) {
      if (!Object.hasOwn(before, key)) throw new Error(`the patch changes "${key}", which the value does not have`);
      putOwn(out, key, applyPatch(before[key], change));
    }
  } else {
    for (const key of keys) {
      const change = patch.changed.get(key);
      if (change === undefined && !Object.hasOwn(before, key)) throw new Error(`the patch keeps "${key}", which the value does not have`);
      putOwn(out, key, change === undefined ? before[key] : applyPatch(before[key], change));
    }
  }
  Object.freeze(markDeepFrozen(out));
  // The next readers (validation, the watcher's copy, the merge) take this list instead of listing the map again.
  rememberKeys(out, keys);
  return out;
}

// Equal as parsed values (primitives, arrays, plain mappings with keys in the same order). Anything else is
// "different", which only costs sending it.
function sameParsed(a: unknown, b: unknown, depth: number): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > MAX_COMPARE_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameParsed(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (!isMapping(a) || !isMapping(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (!sameItems(keys, Object.keys(b))) return false;
  for (const key of keys) if (!sameParsed(a[key], b[key], depth + 1)) return false;
  return true;
}
