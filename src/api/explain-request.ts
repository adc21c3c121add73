import type { IncomingHttpHeaders } from 'node:http';
import { canonicalHost, type MatchRequest } from '../rules/compile.js';
import { normalizeRequestTarget, splitAbsoluteForm } from '../routing/normalize-path.js';
import { BadRequest } from './pagination.js';

/** The described request as routing sees it, plus whether it arrives over TLS. */
export interface DescribedRequest extends MatchRequest {
  tls: boolean;
}

/** Query parameters as fastify parses them: a repeated parameter is an array. */
export type RawQuery = Record<string, string | string[] | undefined>;

/**
 * Builds the request `/api/explain` routes from `method`, `url`, `header` (repeatable `Name:Value`),
 * `clientIP` and `tls`. An absolute URL gives the host and, by its scheme, TLS; an origin-form URL
 * takes the host from a `Host` header. The path is normalised exactly as an entry point does.
 */
export function describeRequest(query: RawQuery): DescribedRequest {
  const url = one(query, 'url');
  if (!url) throw new BadRequest('invalid request: url is required');
  const headers: IncomingHttpHeaders = {};
  for (const line of all(query, 'header')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadRequest(`invalid request: header ${JSON.stringify(line)} is not Name:Value`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers[name];
    headers[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [String(previous), value];
  }
  let target = url;
  let tls = one(query, 'tls') === 'true';
  const absolute = splitAbsoluteForm(url);
  if (absolute) {
    headers.host = absolute.authority;
    target = absolute.pathAndQuery;
    tls = /^https:/i.test(url);
  }
  const normalised = normalizeRequestTarget(target);
  if ('error' in normalised) throw new BadRequest(`invalid request: url: ${normalised.error}`);
  const host = Array.isArray(headers.host) ? headers.host[0] : headers.host;
  return {
    // Methods are case-sensitive on the wire; a route tester is friendlier upper-casing what was typed.
    method: (one(query, 'method') || 'GET').toUpperCase(),
    host: canonicalHost(host),
    path: normalised.path,
    query: normalised.query,
    headers,
    clientIp: one(query, 'clientIP') ?? '',
    tls,
  };
}

function one(query: RawQuery, key: string): string | undefined {
  const value = query[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function all(query: RawQuery, key: string): string[] {
  const value = query[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
