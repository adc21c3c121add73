import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { canonicalHost } from '../rules/compile.js';
import { normalizeRequestTarget, splitAbsoluteForm } from '../routing/normalize-path.js';
import type { RequestContext } from '../http/context.js';
import { checkHeaders, DEFAULT_REQUEST_POLICY, pathOptions, type RequestPolicy } from './request-policy.js';

// Host syntax from RFC 3986 §3.2.2 (reg-name or IP literal) with an optional port (RFC 9110 §7.2).
const HOST_SYNTAX = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]*)(?::\d{1,5})?$/;

/** Either the request's context, or the 4xx status and reason to answer with. */
export type Prepared = { ctx: RequestContext } | { status: number; reason: string };

/**
 * Refuses an HTTP/1 connection's request line whose version is not 1.0 or 1.1: Node accepts
 * `GET /` (HTTP/0.9) and `HTTP/2.0`, and the latter would be taken for a real HTTP/2 stream
 * (RFC 9112 §2.3, §2.6: 505 for a major version the server does not speak on this connection).
 */
export function versionError(req: IncomingMessage): { status: number; reason: string } | undefined {
  if ('stream' in req) return undefined; // HTTP/2 compatibility request
  if (req.httpVersionMajor === 1 && req.httpVersionMinor <= 1) return undefined;
  if (req.httpVersionMajor === 0) return { status: 400, reason: 'HTTP/0.9 requests are not supported' };
  return { status: 505, reason: `HTTP/${req.httpVersion} on an HTTP/1 connection` };
}

/**
 * Checks and canonicalises what routing depends on, once: the Host (exactly one, well-formed;
 * an absolute-form target's authority wins, RFC 9112 §3.2.2) and the path (normalised once,
 * then routed and forwarded as is).
 */
export function prepareRequest(req: IncomingMessage, entryPoint: string, policy: RequestPolicy = DEFAULT_REQUEST_POLICY): Prepared {
  const refused = checkHeaders(req, policy);
  if (refused) return refused;
  if (hostLines(req) > 1) return { status: 400, reason: 'more than one Host header' };
  let target = req.url ?? '/';
  const absolute = splitAbsoluteForm(target);
  if (absolute) {
    req.headers.host = absolute.authority;
    target = absolute.pathAndQuery;
  }
  const rawHost = req.headers.host ?? '';
  if (!HOST_SYNTAX.test(rawHost)) return { status: 400, reason: 'malformed Host header' };
  if (target === '*') return { status: 400, reason: 'asterisk-form is not routed' };
  if (req.method === 'CONNECT') return { status: 405, reason: 'CONNECT is not supported' };
  const normalised = normalizeRequestTarget(target, pathOptions(policy));
  if ('error' in normalised) return { status: 400, reason: normalised.error };
  const socket = req.socket;
  const remote = socket.remoteAddress ?? '';
  return {
    ctx: {
      entryPoint,
      tls: Boolean((socket as TLSSocket).encrypted),
      remoteAddr: remote.startsWith('::ffff:') ? remote.slice(7) : remote,
      remotePort: socket.remotePort ?? 0,
      host: canonicalHost(rawHost),
      path: normalised.path,
      query: normalised.query,
      start: performance.now(),
      // Filled in as the request travels: declared here so V8 keeps them inside the object instead of
      // allocating a separate property store for each request when they are first set.
      upgrade: undefined,
      forwardedFor: undefined,
      routerName: undefined,
      serviceName: undefined,
      serverUrl: undefined,
    },
  };
}

// Counted on the raw header list: Node builds `headersDistinct` (every header, as arrays) on first
// access, which cost a plain forwarded request a few percent of its CPU just to see one name.
// HTTP/2 requests carry their Host in `headersDistinct`, set from `:authority` (see http2-compat.ts).
function hostLines(req: IncomingMessage): number {
  if (req.httpVersionMajor >= 2) return req.headersDistinct?.host?.length ?? 0;
  const raw = req.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') count++;
  }
  return count;
}
