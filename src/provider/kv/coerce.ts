import { compileSchema } from '../../config/ajv.js';
import type { KeyNode } from './key-tree.js';

/** A JSON schema as TypeBox builds it (only the keywords the KV layout needs are read). */
export type JsonSchema = Record<string, unknown>;

const TRUE = new Set(['1', 't', 'true']);
const FALSE = new Set(['0', 'f', 'false']);

/** Merges nodes whose names differ only in case (`loadbalancer` and `loadBalancer`), since keys are case-insensitive. */
export function mergeNodes(nodes: KeyNode[]): KeyNode {
  if (nodes.length === 1) return nodes[0]!;
  const merged: KeyNode = { key: nodes[0]!.key, children: new Map() };
  for (const node of nodes) {
    if (node.value !== undefined) merged.value = node.value;
    for (const [name, child] of node.children) {
      const previous = merged.children.get(name);
      merged.children.set(name, previous ? mergeNodes([previous, child]) : child);
    }
  }
  return merged;
}

/** Groups a node's children by the schema property each maps to, or by lower-case name for unknown ones. */
export function groupChildren(node: KeyNode, properties: string[]): Array<{ name: string | undefined; node: KeyNode }> {
  const byLower = new Map(properties.map((name) => [name.toLowerCase(), name]));
  const groups = new Map<string, { name: string | undefined; nodes: KeyNode[] }>();
  for (const [segment, child] of node.children) {
    const name = byLower.get(segment.toLowerCase());
    const id = name ?? `?${segment.toLowerCase()}`;
    const group = groups.get(id) ?? { name, nodes: [] };
    group.nodes.push(child);
    groups.set(id, group);
  }
  return [...groups.values()].map((group) => ({ name: group.name, node: mergeNodes(group.nodes) }));
}

function scalar(value: string, schema: JsonSchema): unknown {
  const type = schema.type;
  if (type === 'integer') return /^[-+]?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (type === 'number') return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  if (type === 'boolean') {
    const lower = value.trim().toLowerCase();
    return TRUE.has(lower) ? true : FALSE.has(lower) ? false : value;
  }
  return value;
}

/** Decodes a subtree without a schema: numbered children become arrays, values stay strings. */
export function decodeLoose(node: KeyNode): unknown {
  if (node.children.size === 0) return node.value ?? '';
  const names = [...node.children.keys()];
  if (names.every((name) => /^\d+$/.test(name))) {
    return names.sort((a, b) => Number(a) - Number(b)).map((name) => decodeLoose(node.children.get(name)!));
  }
  return Object.fromEntries(names.map((name) => [name, decodeLoose(node.children.get(name)!)]));
}

/**
 * Turns a key subtree into the value the schema describes: properties matched case-insensitively,
 * user-named map keys kept as written, numbered keys as arrays, strings coerced to the scalar types.
 * Keys that fit nowhere go to `errors` and are left out; values that do not coerce stay strings so
 * validation names them.
 */
export function coerceNode(node: KeyNode, schema: JsonSchema, errors: string[]): unknown {
  if (Array.isArray(schema.anyOf)) return coerceUnion(node, schema.anyOf as JsonSchema[], errors);
  if (schema.type === 'array') return coerceArray(node, (schema.items ?? {}) as JsonSchema, errors);
  if (schema.type === 'object') return coerceObject(node, schema, errors);
  if (schema.type === undefined && schema.const === undefined) return decodeLoose(node);
  if (node.children.size > 0) {
    for (const child of node.children.values()) errors.push(`key "${child.key}": "${node.key.split('/').at(-1)}" takes a single value, not keys below it`);
  }
  return scalar(node.value ?? '', schema);
}

function coerceUnion(node: KeyNode, branches: JsonSchema[], errors: string[]): unknown {
  // Numbers first, so a bare `10` for a duration becomes seconds as Traefik reads it.
  const ordered = [...branches].sort((a, b) => rank(a) - rank(b));
  for (const branch of ordered) {
    const scratch: string[] = [];
    const value = coerceNode(node, branch, scratch);
    if (scratch.length === 0 && compileSchema(branch)(value)) return value;
  }
  return coerceNode(node, ordered.at(-1)!, errors);
}

const rank = (schema: JsonSchema): number => (schema.type === 'integer' || schema.type === 'number' ? 0 : schema.type === 'boolean' ? 1 : 2);

function coerceArray(node: KeyNode, items: JsonSchema, errors: string[]): unknown[] {
  if (node.children.size === 0) {
    // Traefik also reads a list of plain values written as one comma-separated value.
    const value = node.value ?? '';
    if (value === '') return [];
    return value.split(',').map((part) => coerceNode({ key: node.key, value: part.trim(), children: new Map() }, items, errors));
  }
  const out: Array<{ index: number; value: unknown }> = [];
  for (const [segment, child] of node.children) {
    if (!/^\d+$/.test(segment)) {
      errors.push(`key "${child.key}": "${segment}" is not a list index`);
      continue;
    }
    out.push({ index: Number(segment), value: coerceNode(child, items, errors) });
  }
  return out.sort((a, b) => a.index - b.index).map((entry) => entry.value);
}

function coerceObject(node: KeyNode, schema: JsonSchema, errors: string[]): unknown {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const pattern = Object.values((schema.patternProperties ?? {}) as Record<string, JsonSchema>)[0];
  const extra = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as JsonSchema) : undefined;
  const mapValue = pattern ?? extra;
  if (node.children.size === 0 && node.value !== undefined) {
    // `…/tls` = `true` switches a section on with its defaults; `false` leaves it out.
    const lower = node.value.trim().toLowerCase();
    if (TRUE.has(lower) || lower === '') return {};
    if (FALSE.has(lower)) return undefined;
    errors.push(`key "${node.key}": expected keys below it, got the value "${node.value}"`);
    return {};
  }
  const out: Record<string, unknown> = {};
  if (mapValue && Object.keys(properties).length === 0) {
    // User-chosen names (header names, router names) keep their spelling.
    for (const [segment, child] of node.children) out[segment] = coerceNode(child, mapValue, errors);
    return out;
  }
  for (const { name, node: child } of groupChildren(node, Object.keys(properties))) {
    if (name === undefined) {
      if (schema.additionalProperties === true || mapValue) {
        out[child.key.split('/').at(-1)!] = mapValue ? coerceNode(child, mapValue, errors) : decodeLoose(child);
      } else {
        errors.push(`key "${child.key}": unknown option "${child.key.split('/').at(-1)}"`);
      }
      continue;
    }
    const value = coerceNode(child, properties[name]!, errors);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
