import type { IncomingMessage, InformationEvent, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange } from './exchange.js';
import { canonicalResponseLength, hasUnsupportedTransferCoding } from './framing.js';
import { stripHopByHop } from './hop-by-hop.js';
import { classifyUpstreamError, sendGatewayError } from './upstream-errors.js';

/** True for a status the gateway relays; Node's client accepts `099`, which `writeHead` would then throw on. */
export function isRelayableStatus(status: number | undefined): status is number {
  return status !== undefined && Number.isInteger(status) && status >= 200 && status <= 599;
}

const NO_LENGTH_H1: readonly number[] = [204];

/** The server's response headers minus hop-by-hop fields, repeated fields kept as repeated lines. */
export function responseHeaders(proxyRes: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(proxyRes.headersDistinct)) {
    if (values === undefined) continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  return canonicalResponseLength(stripHopByHop(headers), proxyRes.statusCode ?? 0, NO_LENGTH_H1);
}

/** Relays a server's `103 Early Hints` (its Link fields) before the final response, as Go's ReverseProxy does for 1xx. */
export function relayEarlyHints(info: InformationEvent, res: ServerResponse): void {
  const link = info.headers.link;
  if (info.statusCode !== 103 || !link || res.headersSent || res.destroyed) return;
  try {
    res.writeEarlyHints({ link });
  } catch {
    // A hint is optional: a client that cannot take it still gets the final response.
  }
}

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('text/event-stream');
}

/**
 * Relays a server response to the client as a stream. Node's ServerResponse writes every chunk
 * straight to the socket, which is the behaviour of Traefik's `flushInterval` set negative.
 */
export function relayResponse(proxyRes: IncomingMessage, res: ServerResponse, ex: Exchange): void {
  const status = proxyRes.statusCode;
  // `Transfer-Encoding: gzip` alone means read-until-close with a coding we would silently drop (security reference §2.13).
  if (!isRelayableStatus(status) || hasUnsupportedTransferCoding(proxyRes.headers)) {
    proxyRes.destroy();
    ex.proxyReq?.destroy();
    sendGatewayError(res, 502);
    ex.fail('bad-response');
    return;
  }
  const headers = responseHeaders(proxyRes);
  // writeHead replaces a header set earlier with setHeader; cookies set by the gateway (sticky
  // sessions, middlewares) must be kept next to the server's own.
  const own = res.getHeader('set-cookie');
  if (own !== undefined) headers['set-cookie'] = [...asList(own), ...asList(headers['set-cookie'])];
  try {
    // HTTP/2 has no reason phrase (RFC 9113 §8.3.2); Node warns when one is given.
    const reason = res.req?.httpVersionMajor === 1 ? proxyRes.statusMessage : undefined;
    res.writeHead(status, reason || undefined, headers);
  } catch {
    proxyRes.destroy();
    ex.proxyReq?.destroy();
    sendGatewayError(res, 502);
    ex.fail('bad-response');
    return;
  }
  if (isEventStream(headers)) {
    // Server-sent events must reach the client before the first event, not with it.
    res.socket?.setNoDelay(true);
    res.flushHeaders();
  }
  const broken = (err?: Error): void => {
    if (ex.done) return;
    // Settled before destroying, so the client's 'close' is not mistaken for the client leaving.
    ex.settle({ status, error: err ? classifyUpstreamError(err, ex.timedOut) : 'reset', responded: true });
    // Go's ReverseProxy aborts the client connection on a failed body copy: truncated, visibly broken.
    res.destroy();
  };
  proxyRes.on('error', broken);
  proxyRes.on('close', () => {
    if (!proxyRes.complete) broken();
  });
  res.on('finish', () => ex.settle({ status, responded: true }));
  proxyRes.pipe(res);
}

function asList(value: number | string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}
