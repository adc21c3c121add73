import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../http/context.js';
import type { ForwardTarget } from './forwarder.js';
import { canonicalContentLength, canonicalResponseLength } from './framing.js';
import { stripHopByHop } from './hop-by-hop.js';
import { outgoingHeaders, outgoingPath } from './outgoing-request.js';

// RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2 (Node refuses to send them).
const CONNECTION_SPECIFIC = ['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'http2-settings', 'host'];

// RFC 9110 §6.5.1: fields a trailer must not carry (framing, routing, authentication, controls).
const NOT_IN_TRAILERS = new Set(['content-length', 'content-type', 'content-encoding', 'content-range', 'host', 'authorization', 'set-cookie', 'cookie', 'expect', 'te', 'trailer', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'proxy-connection', 'max-forwards', 'cache-control']);

/** True when the client sent `TE: trailers`, read from the raw request since the entry point drops Connection-listed fields. */
export function asksForTrailers(req: IncomingMessage): boolean {
  const raw = req.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'te' && raw[i + 1]!.toLowerCase().split(',').some((t) => t.trim().split(';')[0] === 'trailers')) return true;
  }
  return false;
}

/**
 * The HTTP/2 request head for a server: the same sanitised copy the HTTP/1.1 path sends (forwarding
 * headers, hop-by-hop fields removed, Host chosen by `passHostHeader`), with Host as `:authority`, the
 * framing left to HTTP/2, and `TE: trailers` kept for gRPC (the only TE value HTTP/2 allows, §8.2.2).
 */
export function http2RequestHeaders(req: IncomingMessage, ctx: RequestContext, target: ForwardTarget, passHostHeader: boolean, grpc: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = outgoingHeaders(req, ctx, target, passHostHeader);
  const authority = typeof headers.host === 'string' ? headers.host : target.url.host;
  for (const name of CONNECTION_SPECIFIC) delete headers[name];
  // An HTTP/1.1 `Content-Length` stays (it is a valid HTTP/2 field and lets the server size the body).
  const length = req.headers['content-length'];
  if (typeof length === 'string' && req.headers['transfer-encoding'] === undefined) headers['content-length'] = canonicalContentLength(length);
  if (grpc || asksForTrailers(req)) headers.te = 'trailers';
  return {
    ...headers,
    ':method': req.method ?? 'GET',
    ':scheme': target.url.protocol === 'https:' ? 'https' : 'http',
    ':authority': authority,
    ':path': outgoingPath(ctx, target),
  };
}

/** True when response trailers can reach this client: HTTP/2 always, HTTP/1.1 only when it sent `TE: trailers` (RFC 9110 §6.5.1). */
export function clientTakesTrailers(req: IncomingMessage): boolean {
  return req.httpVersionMajor >= 2 || asksForTrailers(req);
}

const NO_LENGTH_H2: readonly number[] = [204, 304];

/** A server's HTTP/2 response head for the client: pseudo-headers and hop-by-hop fields removed, framing canonical. */
export function http2ResponseHeaders(raw: IncomingHttpHeaders, status: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || name.startsWith(':')) continue;
    headers[name] = value;
  }
  // A 304's Content-Length would describe a body the HTTP/2 server never sends: dropped too.
  return canonicalResponseLength(stripHopByHop(headers), status, NO_LENGTH_H2);
}

/** Trailer fields safe to pass on: pseudo-headers, hop-by-hop and fields forbidden in trailers dropped. */
export function relayableTrailers(raw: IncomingHttpHeaders | NodeJS.Dict<string | string[]>): OutgoingHttpHeaders {
  const trailers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = name.toLowerCase();
    if (value === undefined || key.startsWith(':') || NOT_IN_TRAILERS.has(key)) continue;
    trailers[key] = value;
  }
  return trailers;
}
