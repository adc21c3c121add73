import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { ServerOptions } from 'http-proxy-3';
import { forwardedUrl, type RequestContext } from '../http/context.js';
import { hasRequestBody } from '../http/request-body.js';
import { applyForwardedHeaders, forwardedHeadersApplied } from './forwarded-headers.js';
import type { ForwardOptions, ForwardTarget } from './forwarder.js';
import { requestFraming } from './framing.js';
import { droppedNames, isWebSocketUpgrade } from './hop-by-hop.js';

/** The path and query sent to a server: the normalised path, behind the server URL's path when preserved. */
export function outgoingPath(ctx: RequestContext, target: ForwardTarget): string {
  const url = forwardedUrl(ctx);
  if (!target.preservePath) return url;
  const base = target.url.pathname.replace(/\/+$/, '');
  return base ? `${base}${url}` : url;
}

const REPLAYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** True for an idempotent request without a body, which may be sent again when a pooled connection turns out dead. */
export function isReplayable(req: IncomingMessage): boolean {
  return REPLAYABLE_METHODS.has(req.method ?? '') && !hasRequestBody(req);
}

/** The Host header for the server: the client's with `passHostHeader`, else the server URL's host. */
export function outgoingHost(req: IncomingMessage, target: ForwardTarget, passHostHeader: boolean): string | undefined {
  const clientHost = req.headers.host ?? (req.headers[':authority'] as string | undefined);
  if (passHostHeader && clientHost) return clientHost;
  return target.url.host;
}

// Never copied from the client: the framing is derived anew, and `100 Continue` was already answered
// by Node (RFC 9110 §10.1.1 lets a proxy do so; the server must not see a second round).
const REDERIVED = new Set(['content-length', 'expect']);

/**
 * Builds the header map sent upstream as a copy, in one pass over the client's headers (no deletes,
 * which would leave V8 a dictionary object per request); the client's headers are only changed when
 * the entry point skipped the forwarded-headers step, which then happens here, once per request.
 * `chunkedLine` false leaves out `Transfer-Encoding: chunked` for a client that frames the body itself.
 */
export function outgoingHeaders(
  req: IncomingMessage,
  ctx: RequestContext,
  target: ForwardTarget,
  passHostHeader: boolean,
  chunkedLine = true,
): IncomingHttpHeaders {
  // The entry point normally applies them before the middlewares run; a request that skipped it gets the strict default.
  if (!forwardedHeadersApplied(ctx)) applyForwardedHeaders(req, ctx, { trusted: false });
  const source = req.headers;
  const dropped = droppedNames(source.connection);
  const host = outgoingHost(req, target, passHostHeader);
  const headers: IncomingHttpHeaders = {};
  let hostPlaced = false;
  for (const name in source) {
    // HTTP/2 pseudo-headers describe the client's stream; http-proxy-3 would also let `:authority` override our Host.
    if (dropped.has(name) || REDERIVED.has(name) || name.charCodeAt(0) === 58 /* : */) continue;
    if (name === 'host') {
      headers.host = host || source.host;
      hostPlaced = true;
    } else headers[name] = source[name];
  }
  // Only `websocket` is ever tunnelled: h2c and others would let a client bypass routing (h2csmuggler).
  if (ctx.upgrade !== undefined && isWebSocketUpgrade(source)) {
    headers.upgrade = 'websocket';
    headers.connection = 'Upgrade';
  }
  if (source['transfer-encoding'] !== undefined) {
    if (chunkedLine) headers['transfer-encoding'] = 'chunked';
  } else if (source['content-length'] !== undefined) {
    headers['content-length'] = requestFraming(source)['content-length'] as string;
  }
  if (host && !hostPlaced) headers.host = host;
  return headers;
}

/** Per-request settings for http-proxy-3: never its `xfwd`, never its path joining (we send the normalised path). */
export function proxyOptions(target: ForwardTarget, options: ForwardOptions): ServerOptions {
  const https = target.url.protocol === 'https:' || target.url.protocol === 'wss:';
  const agent = https ? options.transport.httpsAgent : options.transport.httpAgent;
  const insecure = https && (agent as HttpsAgent).options.rejectUnauthorized === false;
  return {
    target: target.url.origin,
    agent,
    secure: !insecure,
    connectTimeout: options.transport.dialTimeout || undefined,
  };
}

/**
 * Calls http-proxy-3 with the request's url and headers replaced by the sanitised ones; the library
 * copies both synchronously, so the client's originals are restored before anything else runs.
 */
export function withOutgoingRequest(req: IncomingMessage, path: string, headers: IncomingHttpHeaders, call: () => void): void {
  const url = req.url;
  const original = req.headers;
  req.url = path;
  req.headers = headers;
  try {
    call();
  } finally {
    req.url = url;
    req.headers = original;
  }
}
