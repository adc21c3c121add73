import type { IncomingHttpHeaders } from 'node:http';
import { canonicalHost, type MatchRequest } from '../rules/compile.js';
import { normalizeRequestTarget, splitAbsoluteForm } from '../routing/normalize-path.js';
import { BadRequest } from './pagination.js';
import { DEFAULT_REQUEST_POLICY, pathOptions, type RequestPolicy } from '../entrypoint/request-policy.js';

/** The described request as routing sees it, plus whether it arrives over TLS. */
export interface DescribedRequest extends MatchRequest {
  tls: boolean;
}

/** What an entry point answers itself, before routing, when its request policy refuses the path. */
export interface Refusal {
  status: number;
  reason: string;
}

/** Query parameters as fastify parses them: a repeated parameter is an array. */
export type RawQuery = Record<string, string | string[] | undefined>;

/**
 * Builds the request `/api/explain` routes from `method`, `url`, `header` (repeatable `Name:Value`),
 * `clientIP` and `tls`. An absolute URL gives the host and, by its scheme, TLS; an origin-form URL
 * takes the host from a `Host` header. The path is normalised as an entry point with `policy` does;
 * a target that no policy accepts (broken percent-encoding, a fragment) is a bad explain request.
 */
export function describeRequest(query: RawQuery, policy: RequestPolicy = DEFAULT_REQUEST_POLICY): DescribedRequest {
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
  const own = normalizeRequestTarget(target, pathOptions(policy));
  const normalised = 'error' in own ? normalizeRequestTarget(target, pathOptions(LENIENT)) : own;
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

/**
 * The request as the entry point with `policy` sees it: its path normalised per that entry point's
 * `encodedCharacters` and `sanitizePath`, or the 400 the entry point answers before any router runs.
 */
export function describeOn(query: RawQuery, policy: RequestPolicy = DEFAULT_REQUEST_POLICY): DescribedRequest | Refusal {
  const url = one(query, 'url') ?? '';
  const absolute = splitAbsoluteForm(url);
  const normalised = normalizeRequestTarget(absolute ? absolute.pathAndQuery : url, pathOptions(policy));
  if ('error' in normalised) return { status: 400, reason: normalised.error };
  return { ...describeRequest(query, policy), path: normalised.path, query: normalised.query };
}

// Every encoded character allowed: what is still refused is refused by every entry point.
const LENIENT: RequestPolicy = {
  ...DEFAULT_REQUEST_POLICY,
  encodedCharacters: Object.fromEntries(Object.keys(DEFAULT_REQUEST_POLICY.encodedCharacters).map((k) => [k, true])) as unknown as RequestPolicy['encodedCharacters'],
};

function one(query: RawQuery, key: string): string | undefined {
  const value = query[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function all(query: RawQuery, key: string): string[] {
  const value = query[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
