import { badRequest, KubeError } from './status.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

// The directives kubectl's client-side apply puts into a strategic merge patch for lists with a merge key
// (`$setElementOrder/<field>`), for deletions (`$patch: delete`) and for primitive lists (`$deleteFromPrimitiveList/<field>`).
function mergeKeyOf(order: Json | undefined): string | undefined {
  if (!Array.isArray(order) || !isObject(order[0])) return undefined;
  return Object.keys(order[0])[0];
}

/**
 * A strategic merge patch without the Go type schema: maps merge like a merge patch; a list merges by key when
 * the patch names its order (`$setElementOrder/<field>`, which kubectl always sends for such lists), otherwise
 * it is replaced, as it is for lists that have no merge key.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return strategicMergePatch({}, rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) {
      const m = /^\$deleteFromPrimitiveList\/(.+)$/.exec(k);
      if (m && Array.isArray(out[m[1]!]) && Array.isArray(v)) out[m[1]!] = (out[m[1]!] as Json[]).filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const mergeKey = mergeKeyOf(patch[`$setElementOrder/${k}`]);
    if (Array.isArray(v) && mergeKey) {
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as Json[]) : [], v, mergeKey, patch[`$setElementOrder/${k}`] as Json[]);
    } else {
      const merged = strategicMergePatch(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged as Json;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    const m = /^\$setElementOrder\/(.+)$/.exec(k);
    if (m && !(m[1]! in patch) && Array.isArray(out[m[1]!])) out[m[1]!] = mergeList(out[m[1]!] as Json[], [], mergeKeyOf(v) ?? '', v as Json[]);
  }
  return out;
}

function mergeList(current: Json[], patch: Json[], mergeKey: string, order: Json[]): Json[] {
  const byKey = new Map<Json, Json>();
  for (const item of current) if (isObject(item)) byKey.set(item[mergeKey] ?? null, item);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const id = item[mergeKey] ?? null;
    if (item.$patch === 'delete') byKey.delete(id);
    else byKey.set(id, strategicMergePatch(byKey.get(id), item) as Json);
  }
  const ordered: Json[] = [];
  for (const entry of order) {
    const id = isObject(entry) ? (entry[mergeKey] ?? null) : null;
    if (byKey.has(id)) {
      ordered.push(byKey.get(id)!);
      byKey.delete(id);
    }
  }
  return [...ordered, ...byKey.values()];
}

// RFC 6901 pointer into a parent container and the last token.
function resolve(doc: Json, pointer: string): { parent: Json; token: string } {
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer: ${JSON.stringify(pointer)}`);
  const tokens = pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    parent = Array.isArray(parent) ? (parent[Number(t)] as Json) : isObject(parent) ? (parent[t] as Json) : null;
    if (parent === undefined || parent === null) throw new KubeError(422, 'Invalid', `jsonpatch: path ${pointer} does not exist`);
  }
  return { parent, token: tokens[tokens.length - 1]! };
}

function getAt(doc: Json, pointer: string): Json {
  if (pointer === '') return doc;
  const { parent, token } = resolve(doc, pointer);
  const v = Array.isArray(parent) ? parent[Number(token)] : isObject(parent) ? parent[token] : undefined;
  if (v === undefined) throw new KubeError(422, 'Invalid', `jsonpatch: path ${pointer} does not exist`);
  return v;
}

function removeAt(doc: Json, pointer: string): Json {
  const value = getAt(doc, pointer);
  const { parent, token } = resolve(doc, pointer);
  if (Array.isArray(parent)) parent.splice(Number(token), 1);
  else delete (parent as JsonObject)[token];
  return value;
}

function addAt(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  if (pointer === '') return value;
  if (replace) getAt(doc, pointer);
  const { parent, token } = resolve(doc, pointer);
  if (Array.isArray(parent)) {
    const index = token === '-' ? parent.length : Number(token);
    parent.splice(index, replace ? 1 : 0, value);
  } else if (isObject(parent)) parent[token] = value;
  return doc;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  let doc = structuredClone(target) as Json;
  for (const op of ops as Array<{ op: string; path: string; from?: string; value?: Json }>) {
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, structuredClone(op.value ?? null), false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, structuredClone(op.value ?? null), true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move':
        doc = addAt(doc, op.path, removeAt(doc, op.from ?? ''), false);
        break;
      case 'copy':
        doc = addAt(doc, op.path, structuredClone(getAt(doc, op.from ?? '')), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw new KubeError(422, 'Invalid', `jsonpatch: test failed at ${op.path}`);
        break;
      default:
        throw badRequest(`unknown json patch operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}
