import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { canonicalHost } from '../rules/compile.js';
import { normalizeRequestTarget, splitAbsoluteForm } from '../routing/normalize-path.js';
import type { RequestContext } from '../http/context.js';

// Host syntax from RFC 3986 §3.2.2 (reg-name or IP literal) with an optional port (RFC 9110 §7.2).
const HOST_SYNTAX = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]*)(?::\d{1,5})?$/;

/** Either the request's context, or the 4xx status and reason to answer with. */
export type Prepared = { ctx: RequestContext } | { status: number; reason: string };

/**
 * Checks and canonicalises what routing depends on, once: the Host (exactly one, well-formed;
 * an absolute-form target's authority wins, RFC 9112 §3.2.2) and the path (normalised once,
 * then routed and forwarded as is).
 */
export function prepareRequest(req: IncomingMessage, entryPoint: string): Prepared {
  const hosts = req.headersDistinct?.host ?? [];
  if (hosts.length > 1) return { status: 400, reason: 'more than one Host header' };
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
  const normalised = normalizeRequestTarget(target);
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
    },
  };
}
