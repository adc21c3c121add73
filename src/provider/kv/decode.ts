import type { DynamicConfig } from '../../config/dynamic-schema.js';
import type { MiddlewareRegistry } from '../../middleware/registry.js';
import { coerceNode, decodeLoose, groupChildren, type JsonSchema } from './coerce.js';
import { buildKeyTree, type KeyNode } from './key-tree.js';
import { HTTP_SECTIONS, TLS_SECTIONS } from './layout.js';

/** A decoded KV tree: the configuration and one message per key that fits nowhere. */
export interface DecodedKv {
  config: DynamicConfig;
  errors: string[];
}

const last = (node: KeyNode): string => node.key.split('/').at(-1)!;

/**
 * Decodes Traefik's KV layout (`<root>/http/routers/<r>/rule`, …) into a dynamic configuration.
 * Keys are case-insensitive and mapped onto the schema's names; values are strings coerced by the
 * schema. Middleware options are decoded with the registry's schemas (loosely without a registry).
 * A key that fits nowhere is reported and skipped; its element still decodes from its other keys.
 */
export function decodeKv(pairs: Array<{ key: string; value: string }>, rootKey: string, middlewares?: MiddlewareRegistry): DecodedKv {
  const errors: string[] = [];
  const tree = buildKeyTree(pairs, rootKey, errors);
  const config: DynamicConfig = {};
  for (const { name, node } of groupChildren(tree, ['http', 'tcp', 'udp', 'tls'])) {
    if (name === 'http') {
      const http = decodeHttp(node, middlewares, errors);
      if (Object.keys(http).length > 0) config.http = http;
    } else if (name === 'tls') {
      const tls = decodeSections(node, TLS_SECTIONS, errors);
      if (Object.keys(tls).length > 0) config.tls = tls;
    } else if (name === 'tcp' || name === 'udp') {
      // TCP and UDP routing are not served yet; their keys are kept loosely so validation can report them.
      const loose = decodeLoose(node);
      if (typeof loose === 'object' && loose !== null && !Array.isArray(loose)) config[name] = loose as Record<string, unknown>;
      else errors.push(`key "${node.key}": expected keys below it`);
    } else {
      errors.push(`key "${node.key}": unknown section "${last(node)}" (expected http, tcp, udp or tls)`);
    }
  }
  return { config, errors };
}

function decodeHttp(node: KeyNode, middlewares: MiddlewareRegistry | undefined, errors: string[]): NonNullable<DynamicConfig['http']> {
  const http = decodeSections(node, HTTP_SECTIONS, errors, ['middlewares']) as Record<string, unknown>;
  for (const { name, node: section } of groupChildren(node, ['middlewares'])) {
    if (name !== 'middlewares') continue;
    const decoded: Record<string, unknown> = {};
    for (const [elementName, element] of section.children) decoded[elementName] = decodeMiddleware(element, middlewares, errors);
    if (Object.keys(decoded).length > 0) http.middlewares = decoded;
  }
  return http as NonNullable<DynamicConfig['http']>;
}

function decodeSections(node: KeyNode, sections: Record<string, JsonSchema>, errors: string[], others: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, node: section } of groupChildren(node, [...Object.keys(sections), ...others])) {
    if (name === undefined) {
      errors.push(`key "${section.key}": unknown section "${last(section)}" (expected ${[...Object.keys(sections), ...others].join(', ')})`);
      continue;
    }
    if (others.includes(name)) continue;
    const schema = sections[name]!;
    // Named maps are walked element by element so each element keeps its name as written.
    const value = schema.type === 'array' ? coerceNode(section, schema, errors) : decodeNamed(section, schema, errors);
    out[name] = value;
  }
  return out;
}

function decodeNamed(section: KeyNode, schema: JsonSchema, errors: string[]): Record<string, unknown> {
  const element = (Object.values((schema.patternProperties ?? {}) as Record<string, JsonSchema>)[0] ?? schema) as JsonSchema;
  const out: Record<string, unknown> = {};
  for (const [name, node] of section.children) out[name] = coerceNode(node, element, errors) ?? {};
  return out;
}

function decodeMiddleware(node: KeyNode, registry: MiddlewareRegistry | undefined, errors: string[]): Record<string, unknown> {
  const types = registry?.types() ?? [];
  const out: Record<string, unknown> = {};
  for (const { name, node: options } of groupChildren(node, types)) {
    if (name === undefined) {
      // Kept as written so validation disables the middleware with "unknown middleware type".
      if (registry) errors.push(`key "${options.key}": unknown middleware type "${last(options)}"`);
      out[last(options)] = options.children.size === 0 ? {} : decodeLoose(options);
      continue;
    }
    out[name] = coerceNode(options, registry!.get(name)!.schema as JsonSchema, errors) ?? {};
  }
  if (node.value !== undefined && node.children.size === 0) errors.push(`key "${node.key}": a middleware needs its type below it (…/${last(node)}/<type>/<option>)`);
  return out;
}
