import type { MiddlewareRegistry } from '../middleware/registry.js';
import { compileSchema, formatErrors } from './ajv.js';
import { closest } from './suggest.js';
import { parseServerUrl } from './server-url.js';
import { NO_STRINGS } from '../empty.js';

const SERVICE_KINDS = ['loadBalancer', 'weighted', 'mirroring', 'failover', 'highestRandomWeight'];
const SERVER_SCHEMES = new Set(['http:', 'https:', 'h2c:']);
// Traefik reserves priorities above MaxInt−1000 for its internal routers (reference §2.1).
const MAX_USER_PRIORITY = Number.MAX_SAFE_INTEGER - 1000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Router checks beyond its schema; assumes nothing about the value's shape. */
export function checkRouter(value: unknown): string[] {
  if (!isObject(value) || typeof value.priority !== 'number') return NO_STRINGS;
  return value.priority > MAX_USER_PRIORITY ? [`priority must be at most ${MAX_USER_PRIORITY} (higher ones are reserved for internal routers)`] : NO_STRINGS;
}

/** Service checks beyond its schema: exactly one kind, and servers with absolute http, https or h2c URLs. */
export function checkService(value: unknown): string[] {
  if (!isObject(value)) return NO_STRINGS;
  let lines = NO_STRINGS;
  let kinds = 0;
  for (let i = 0; i < SERVICE_KINDS.length; i++) if (value[SERVICE_KINDS[i]!] !== undefined) kinds++;
  if (kinds !== 1) {
    const found = SERVICE_KINDS.filter((kind) => value[kind] !== undefined);
    lines = [`must define exactly one of ${SERVICE_KINDS.join(', ')}${kinds > 1 ? ` (found ${found.join(' and ')})` : ''}`];
  }
  const servers = isObject(value.loadBalancer) ? value.loadBalancer.servers : undefined;
  if (Array.isArray(servers)) {
    for (let index = 0; index < servers.length; index++) {
      const server: unknown = servers[index];
      if (!isObject(server) || typeof server.url !== 'string' || server.url === '' || isServerUrl(server.url)) continue;
      if (lines === NO_STRINGS) lines = [];
      lines.push(`loadBalancer.servers[${index}].url must be an absolute http, https or h2c URL (got ${JSON.stringify(server.url)})`);
    }
  }
  return lines;
}

function isServerUrl(text: string): boolean {
  // Parsed through the shared cache, so the load balancer build reuses this parse.
  const url = parseServerUrl(text)?.url;
  return url !== undefined && SERVER_SCHEMES.has(url.protocol) && url.hostname !== '';
}

/** A middleware entry names exactly one registered type, and its value passes that type's schema. */
export function checkMiddleware(value: unknown, registry: MiddlewareRegistry): string[] {
  if (!isObject(value)) return ['must be object'];
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    return [keys.length === 0 ? 'must name a middleware type (e.g. stripPrefix)' : `must name exactly one middleware type (found ${keys.join(', ')})`];
  }
  const type = keys[0]!;
  const definition = registry.get(type);
  if (!definition) {
    const guess = closest(type, registry.types());
    return [`${type} is not a known middleware type${guess ? `, did you mean ${guess}?` : ''}`];
  }
  let validate;
  try {
    validate = compileSchema(definition.schema);
  } catch (error) {
    // A definition's schema bug must disable this middleware, not crash the provider's update.
    return [`${type} cannot be checked: its schema does not compile (${(error as Error).message})`];
  }
  return validate(value[type]) ? [] : formatErrors(validate.errors, type);
}
