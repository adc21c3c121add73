import type { IncomingMessage } from 'node:http';
import type { HashConfig } from '../config/dynamic-schema.js';
import { getContext } from '../http/context.js';
import { createIpStrategy } from '../middleware/ip-strategy.js';
import { readCookie } from './sticky.js';

/** Reads the key a request is hashed on; undefined (or '') when the request has none. */
export type HashKey = (req: IncomingMessage) => string | undefined;

/**
 * Builds the key reader of a `hash` block (`where` prefixes error messages). Traefik hashes only the
 * client IP; a header, cookie or query parameter lets one user or tenant stick to a server behind a
 * shared NAT or a CDN, where every client has the same address.
 */
export function createHashKey(config: HashConfig | undefined, where: string): HashKey {
  const source = config?.source ?? 'clientIP';
  const name = config?.name;
  if (source === 'clientIP') {
    if (name !== undefined) throw new Error(`${where}.name applies to the header, cookie and query sources, not clientIP`);
    return createIpStrategy(config?.ipStrategy, `${where}.ipStrategy`);
  }
  if (config?.ipStrategy) throw new Error(`${where}.ipStrategy applies to the clientIP source only`);
  if (!name) throw new Error(`${where}.name is required for the ${source} source`);
  if (source === 'header') {
    const header = name.toLowerCase();
    return (req) => {
      const value = req.headers[header];
      return Array.isArray(value) ? value.join(',') : value;
    };
  }
  if (source === 'cookie') return (req) => readCookie(req, name);
  if (source === 'query') {
    return (req) => {
      const query = getContext(req).query;
      return query ? (new URLSearchParams(query).get(name) ?? undefined) : undefined;
    };
  }
  throw new Error(`${where}.source "${String(source)}" is unknown (expected clientIP, header, cookie or query)`);
}
