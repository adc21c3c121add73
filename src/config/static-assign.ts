import type { TSchema } from '@sinclair/typebox';
import { canonicalizeKeys, childSchema, kindOf, type Segment } from './schema-path.js';

/** What one flag or environment variable does to the configuration tree. */
export type AssignmentOp = { op: 'set'; value: unknown } | { op: 'enable' } | { op: 'delete' };

/** One key set by a flag or environment variable, with the label errors name it by. */
export interface Assignment {
  path: Segment[];
  change: AssignmentOp;
  /** `flag --entrypoints.web.address` or `env SWITCHYARD_ENTRYPOINTS_WEB_ADDRESS`. */
  origin: string;
}

/** Marks a flag given without a value (`--api.insecure`). */
export const BARE = Symbol('bare');

function scalar(text: string, schema: TSchema | undefined): unknown {
  switch (kindOf(schema)) {
    case 'boolean':
      return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : text;
    case 'number':
    case 'integer':
      // Leaving non-numbers as text lets the schema report "must be number" with the key path.
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    default:
      return text;
  }
}

/** Converts flag or env text into a change, guided by the target's schema (lists split on commas). */
export function coerce(text: string | typeof BARE, schema: TSchema | undefined): AssignmentOp {
  const kind = kindOf(schema);
  if (kind === 'object' || kind === 'map') {
    // A section given as a switch (`--ping`, `SWITCHYARD_PING=true`) enables it; `false` removes it.
    if (text === BARE || text === '' || /^true$/i.test(text)) return { op: 'enable' };
    if (/^false$/i.test(text)) return { op: 'delete' };
    return { op: 'set', value: text };
  }
  if (text === BARE) return { op: 'set', value: true };
  if (kind === 'array') {
    const items = text === '' ? [] : text.split(',').map((item) => scalar(item.trim(), childSchema(schema, 0)));
    return { op: 'set', value: items };
  }
  return { op: 'set', value: scalar(text, schema) };
}

type Container = Record<string, unknown> | unknown[];

/** The existing key matching a segment: exact first, else case-insensitive, so env's lower-case names reach `webSecure`. */
function matchKey(node: Container, segment: Segment): Segment {
  if (Array.isArray(node) || typeof segment === 'number' || Object.hasOwn(node, segment)) return segment;
  const lower = segment.toLowerCase();
  return Object.keys(node).find((key) => key.toLowerCase() === lower) ?? segment;
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Applies a change to a tree in place, creating objects and lists along the path; returns the path as stored. */
export function applyAssignment(root: Record<string, unknown>, assignment: Assignment): Segment[] {
  const { path, change } = assignment;
  const stored: Segment[] = [];
  let node: Container = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = matchKey(node, path[i]!);
    stored.push(key);
    const record = node as Record<string | number, unknown>;
    const wantList = typeof path[i + 1] === 'number';
    const child = ownValue(record, key);
    if (!isContainer(child) || Array.isArray(child) !== wantList) setOwn(record, key, wantList ? [] : {});
    node = ownValue(record, key) as Container;
  }
  const last = matchKey(node, path[path.length - 1]!);
  stored.push(last);
  const record = node as Record<string | number, unknown>;
  if (change.op === 'delete') {
    if (Array.isArray(node)) node[last as number] = undefined;
    else delete record[last];
  } else if (change.op === 'enable') {
    if (!isContainer(ownValue(record, last))) setOwn(record, last, {});
  } else {
    setOwn(record, last, change.value);
  }
  return stored;
}

// `--__proto__.x=1` (or SWITCHYARD___PROTO___X) must create a key the schema then refuses, never
// walk into Object.prototype: reads see own properties only and writes define them.
function ownValue(record: Record<string | number, unknown>, key: Segment): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function setOwn(record: Record<string | number, unknown>, key: Segment, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function retype(schema: TSchema | undefined, value: unknown): unknown {
  const kind = kindOf(schema);
  if (typeof value === 'string' && ['boolean', 'number', 'integer', 'array'].includes(kind)) {
    const change = coerce(value, schema);
    return change.op === 'set' ? change.value : value;
  }
  if (value === true && (kind === 'object' || kind === 'map')) return {};
  if (Array.isArray(value)) return value.map((item) => retype(childSchema(schema, 0), item));
  if (!isContainer(value) || (kind !== 'object' && kind !== 'map')) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, retype(childSchema(schema, key), child)]));
}

/**
 * Types a section the static schema checks only loosely (`certificatesResolvers.<name>`) once its own schema
 * is known: keys are matched case-insensitively and the text that flags and env carry becomes booleans,
 * numbers and lists, as it would have had the static schema known the section.
 */
export function normalizeLooseSection(schema: TSchema, value: unknown): unknown {
  return retype(schema, canonicalizeKeys(schema, value));
}
