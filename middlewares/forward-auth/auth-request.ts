import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { forwardedUrl, getContext } from '../../src/http/context.js';
import { stripHopByHop } from '../../src/proxy/hop-by-hop.js';
import { unmapIPv4 } from '../../src/ip-ranges.js';
import { deleteManagedHeaders, forwardedHeadersApplied } from '../../src/proxy/forwarded-headers.js';
import { MANAGED_HEADERS } from '../../src/proxy/managed-headers.js';

/** What shapes the auth request's headers. */
export interface AuthRequestOptions {
  trustForwardHeader: boolean;
  /** Lower-case names; empty means every header. */
  allowed: string[];
}

function forwardedPort(host: string | undefined, proto: string): string {
  const match = host ? /:(\d+)$/.exec(host) : null;
  return match?.[1] ?? (proto === 'https' || proto === 'wss' ? '443' : '80');
}

/**
 * Builds the headers sent to the auth server: the client's headers without hop-by-hop fields,
 * then the X-Forwarded-* set describing the original request. Unless trustForwardHeader is on,
 * every X-Forwarded-* field that came with the request is dropped first, X-Forwarded-Prefix
 * included (GHSA-6384-m2mw-rf54: an auth server must not see a client-chosen prefix).
 */
export function authRequestHeaders(req: IncomingMessage, options: AuthRequestOptions): IncomingHttpHeaders {
  const ctx = getContext(req);
  const headers: IncomingHttpHeaders = { ...req.headers };
  for (const name of Object.keys(headers)) if (name.startsWith(':')) delete headers[name];
  stripHopByHop(headers);
  // The auth request has its own target, framing and expectations.
  delete headers.host;
  delete headers['content-length'];
  delete headers.expect;
  if (!options.trustForwardHeader) deleteManagedHeaders(headers);
  let out = headers;
  if (options.allowed.length > 0) {
    // With trusted forwarding headers, Traefik keeps them even when not listed.
    const keep = new Set([...options.allowed, ...(options.trustForwardHeader ? MANAGED_HEADERS : [])]);
    out = {};
    for (const [name, value] of Object.entries(headers)) if (keep.has(name)) out[name] = value;
  }
  const peer = unmapIPv4(ctx.remoteAddr);
  const prior = out['x-forwarded-for'];
  if (!options.trustForwardHeader || !prior) out['x-forwarded-for'] = peer;
  // The entry point may already have appended the peer (it does today); never append it twice.
  else if (!forwardedHeadersApplied(ctx)) out['x-forwarded-for'] = `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}`;
  out['x-forwarded-method'] ??= req.method ?? 'GET';
  out['x-forwarded-proto'] ??= ctx.tls ? 'https' : 'http';
  out['x-forwarded-port'] ??= forwardedPort(req.headers.host, String(out['x-forwarded-proto']));
  if (req.headers.host) out['x-forwarded-host'] ??= req.headers.host;
  out['x-forwarded-uri'] ??= forwardedUrl(ctx);
  return out;
}

/** The value of the headers named in `key` (lower-case), or undefined when none of them is present. */
export function cacheKeyOf(headers: IncomingHttpHeaders, key: string[]): string | undefined {
  const values = key.map((name) => headers[name]);
  if (values.every((v) => v === undefined)) return undefined;
  return JSON.stringify(values);
}
