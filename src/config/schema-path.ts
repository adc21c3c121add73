import type { TSchema } from '@sinclair/typebox';

/** A key path segment: a property or map key, or a list index. */
export type Segment = string | number;

/** How a schema node takes values from flags and environment variables. */
export type SchemaKind = 'object' | 'map' | 'array' | 'boolean' | 'number' | 'integer' | 'string' | 'any';

type Node = Record<string, unknown>;

/** Classifies a schema node; a union such as Duration counts as string so text is kept verbatim. */
export function kindOf(schema: TSchema | undefined): SchemaKind {
  if (!schema) return 'any';
  const node = schema as Node;
  if (Array.isArray(node.anyOf)) {
    const kinds = new Set((node.anyOf as TSchema[]).map(kindOf));
    if (kinds.size === 1) return [...kinds][0]!;
    return kinds.has('string') ? 'string' : 'any';
  }
  switch (node.type) {
    case 'object':
      return node.properties ? 'object' : node.patternProperties ? 'map' : 'any';
    case 'array':
    case 'boolean':
    case 'number':
    case 'integer':
    case 'string':
      return node.type;
    default:
      return 'any';
  }
}

/** The property of an object schema matching `name`, exactly or else case-insensitively. */
export function findProperty(schema: TSchema, name: string): string | undefined {
  const properties = (schema as Node).properties as Record<string, TSchema> | undefined;
  if (!properties) return undefined;
  if (Object.hasOwn(properties, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(properties).find((key) => key.toLowerCase() === lower);
}

/** The schema of a child: a property, any map value, or a list item. */
export function childSchema(schema: TSchema | undefined, key: Segment): TSchema | undefined {
  if (!schema) return undefined;
  const node = schema as Node;
  if (Array.isArray(node.anyOf)) {
    const objects = (node.anyOf as TSchema[]).filter((branch) => ['object', 'map', 'array'].includes(kindOf(branch)));
    return objects.length === 1 ? childSchema(objects[0], key) : undefined;
  }
  if (node.type === 'array') return node.items as TSchema;
  if (node.properties) return (node.properties as Record<string, TSchema>)[String(key)];
  if (node.patternProperties) return Object.values(node.patternProperties as Record<string, TSchema>)[0];
  return undefined;
}

/** A path mapped onto a schema: canonical segments, the leaf's schema, and whether every segment was known. */
export interface ResolvedPath {
  path: Segment[];
  schema: TSchema | undefined;
  known: boolean;
}

/**
 * Maps user-spelled segments onto the schema's names, case-insensitively; map keys keep the user's spelling.
 * With `joinMapKeys`, a map key may span several segments (env names split on `_`, so `MY_EP` is one key).
 */
export function resolvePath(schema: TSchema | undefined, segments: Segment[], joinMapKeys = false, at = 0): ResolvedPath {
  if (at === segments.length) return { path: [], schema, known: true };
  const segment = segments[at]!;
  const rest = (child: TSchema | undefined, key: Segment, next: number): ResolvedPath => {
    const tail = resolvePath(child, segments, joinMapKeys, next);
    return { ...tail, path: [key, ...tail.path] };
  };
  const unknown: ResolvedPath = { path: segments.slice(at), schema: undefined, known: false };
  switch (kindOf(schema)) {
    case 'array':
      if (typeof segment === 'number' || /^\d+$/.test(segment)) return rest(childSchema(schema, 0), Number(segment), at + 1);
      return unknown;
    case 'object': {
      const name = findProperty(schema!, String(segment));
      return name === undefined ? unknown : rest(childSchema(schema, name), name, at + 1);
    }
    case 'map': {
      const value = childSchema(schema, String(segment));
      if (joinMapKeys) {
        for (let end = at + 1; end < segments.length; end++) {
          const attempt = rest(value, segments.slice(at, end).join('_'), end);
          if (attempt.known) return attempt;
        }
      }
      return rest(value, String(segment), at + 1);
    }
    case 'any':
      return { path: segments.slice(at), schema: undefined, known: true };
    default:
      return unknown;
  }
}

/**
 * Renames object keys that match a schema property only case-insensitively (`entrypoints` → `entryPoints`)
 * and turns `null` sections into `{}`, because YAML's `ping:` means "enabled" to Traefik users.
 */
export function canonicalizeKeys(schema: TSchema | undefined, value: unknown): unknown {
  const kind = kindOf(schema);
  if (value === null && (kind === 'object' || kind === 'map')) return {};
  if (Array.isArray(value)) return kind === 'array' ? value.map((item) => canonicalizeKeys(childSchema(schema, 0), item)) : value;
  if (typeof value !== 'object' || value === null || (kind !== 'object' && kind !== 'map')) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const name = kind === 'object' ? (findProperty(schema!, key) ?? key) : key;
    // An exact duplicate wins over a case-insensitive one so nothing the user typed exactly is lost.
    if (name !== key && Object.hasOwn(value, name)) {
      out[key] = child;
      continue;
    }
    out[name] = canonicalizeKeys(childSchema(schema, name), child);
  }
  return out;
}
