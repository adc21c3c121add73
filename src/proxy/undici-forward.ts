import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { elementFields, type RequestContext } from '../http/context.js';
import { hasRequestBody } from '../http/request-body.js';
import type { Logger } from '../log.js';
import type { Exchange } from './exchange.js';
import type { ForwardOptions, ForwardTarget } from './forwarder.js';
import { hasUnsupportedTransferCoding } from './framing.js';
import { isReplayable, outgoingHeaders, outgoingPath } from './outgoing-request.js';
import { isRelayableStatus, relayEarlyHints } from './response-relay.js';
import { undiciAgentFor } from './undici-dispatcher.js';
import { headersFromRaw, relayedHeadersFromRaw } from './undici-response.js';
import { classifyUpstreamError, sendGatewayError, statusFor, type ForwardError } from './upstream-errors.js';

/** Forwards one plain (non-upgrade) HTTP/1 request; the exchange settles the outcome. */
export type WebForward = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext, target: ForwardTarget, options: ForwardOptions, ex: Exchange) => void;

const STALE_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Maps undici's own error codes onto the kinds the http-proxy-3 path reports for the same failure. */
export function classifyUndiciError(err: Error, timedOut: boolean): ForwardError {
  const code = (err as NodeJS.ErrnoException).code;
  // An unsolicited 101 or a 100 as final answer: the server broke the exchange (security reference §2.3).
  if (code === 'UND_ERR_SOCKET' && (err.message === 'bad upgrade' || err.message === 'bad response')) return 'bad-response';
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_HEADERS_OVERFLOW' || err.name === 'HTTPParserError') return 'bad-response';
  return classifyUpstreamError(err, timedOut);
}

/** True when a replayable request failed before any answer on a connection that had carried earlier exchanges. */
export function isStaleUndiciConnection(err: Error, req: IncomingMessage): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (!STALE_CODES.has(code) || !isReplayable(req)) return false;
  const socket = (err as Error & { socket?: { bytesRead?: number } }).socket;
  // undici reports the socket's counters: bytes read before this request mean the connection was reused.
  // A bare ECONNRESET/EPIPE carries no counters, so reuse cannot be shown and the request is not sent
  // twice: a server that resets every request would otherwise see each attempt of a retry twice.
  return (socket?.bytesRead ?? 0) > 0;
}

/**
 * One exchange as an undici dispatch handler (the callback API, no per-chunk promises): the
 * response is written to the client as it arrives and the server is paused while the client is slow.
 */
class UndiciExchange implements Dispatcher.DispatchHandler {
  private abortRequest?: (err?: Error) => void;
  private resumeResponse?: () => void;
  private timer?: NodeJS.Timeout;
  private status = 0;
  /** The client's response was ended early (a bodyless status); the rest of the server's answer is ignored. */
  private ended = false;
  private readonly socket: Socket | null;
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private readonly ex: Exchange;
  private readonly options: ForwardOptions;
  private readonly log: Logger;
  private readonly dispatch: () => void;

  constructor(req: IncomingMessage, res: ServerResponse, ex: Exchange, options: ForwardOptions, log: Logger, dispatch: () => void) {
    this.req = req;
    this.res = res;
    this.ex = ex;
    this.options = options;
    this.log = log;
    this.dispatch = dispatch;
    this.socket = req.socket;
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
    if (this.ex.done) abort();
  }

  /** Arms `responseHeaderTimeout` once the request is fully written, as Go's transport does. */
  onRequestSent(): void {
    const ms = this.options.transport.responseHeaderTimeout;
    if (ms <= 0 || this.ex.responded || this.ex.done) return;
    this.timer = setTimeout(() => {
      this.ex.timedOut = true;
      this.abortRequest?.(Object.assign(new Error('response header timeout'), { code: 'ETIMEDOUT' }));
    }, ms);
    this.timer.unref();
  }

  onHeaders(status: number, raw: Buffer[] | string[] | null, resume: () => void, statusText: string): boolean {
    const { ex, res } = this;
    // Node's client accepts `099`; both paths refuse it as a malformed answer.
    if (status < 100) return this.badResponse();
    if (status < 200) {
      if (status === 103) relayEarlyHints({ statusCode: 103, headers: headersFromRaw(raw ?? []) } as never, res);
      return true;
    }
    this.clearTimer();
    ex.responded = true;
    if (ex.done) {
      this.abortRequest?.();
      return false;
    }
    const { headers, transferEncoding } = relayedHeadersFromRaw(raw ?? [], status);
    // `Transfer-Encoding: gzip` alone means read-until-close with a coding we would silently drop (security reference §2.13).
    if (!isRelayableStatus(status) || hasUnsupportedTransferCoding(transferEncoding)) return this.badResponse();
    // writeHead replaces headers set earlier with setHeader; the gateway's own cookies are kept.
    const own = res.getHeader('set-cookie');
    if (own !== undefined) headers['set-cookie'] = [...asList(own), ...asList(headers['set-cookie'])];
    try {
      res.writeHead(status, statusText || undefined, headers);
    } catch {
      return this.badResponse();
    }
    this.status = status;
    const type = headers['content-type'];
    if (typeof type === 'string' && type.toLowerCase().startsWith('text/event-stream')) {
      // Server-sent events must reach the client before the first event, not with it.
      res.socket?.setNoDelay(true);
      res.flushHeaders();
    }
    this.resumeResponse = resume;
    if (status === 204 || status === 304) {
      // No body by definition (RFC 9110 §6.4.1): stray bytes after the head must not break a clean answer.
      this.ended = true;
      res.end(() => ex.settle({ status, responded: true }));
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.ex.done || this.ended) return !this.ended;
    if (this.res.write(chunk)) return true;
    this.res.once('drain', () => this.resumeResponse?.());
    return false;
  }

  onComplete(): void {
    this.restoreSocket();
    const { ex, res } = this;
    if (ex.done || this.ended) return;
    res.end(() => ex.settle({ status: this.status, responded: true }));
  }

  onError(err: Error): void {
    this.restoreSocket();
    this.clearTimer();
    const { ex, req, res } = this;
    if (ex.done || this.ended) return;
    if (ex.responded) {
      // Go's ReverseProxy aborts the client connection on a failed body copy: truncated, visibly broken.
      ex.settle({ status: this.status || 502, error: classifyUndiciError(err, ex.timedOut), responded: true });
      res.destroy();
      return;
    }
    if (!ex.resent && !ex.timedOut && isStaleUndiciConnection(err, req)) {
      // The server closed an idle pooled connection as we reused it; Go's transport retries these too.
      ex.resent = true;
      this.log.debug({ err, ...elementFields(req) }, 'pooled connection was stale; sending again on a new one');
      this.dispatch();
      return;
    }
    const kind = classifyUndiciError(err, ex.timedOut);
    this.log.debug({ err, kind, ...elementFields(req) }, 'forwarding failed');
    sendGatewayError(res, statusFor(kind));
    ex.fail(kind);
  }

  onUpgrade(): void {
    // Never asked for (upgrades go through http-proxy-3); undici reports a stray 101 through onError.
  }

  /** Ends the exchange when the client went away: the server request is aborted. */
  clientGone(): void {
    this.clearTimer();
    this.abortRequest?.();
  }

  private badResponse(): false {
    this.clearTimer();
    this.ex.responded = true;
    sendGatewayError(this.res, 502);
    this.ex.fail('bad-response');
    this.abortRequest?.();
    return false;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // undici detaches an IncomingMessage body from its socket before destroying it; logs and metrics still read it.
  private restoreSocket(): void {
    if (this.req.socket === null && this.socket) (this.req as { socket: Socket }).socket = this.socket;
  }
}

function asList(value: number | string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

/**
 * The request body for undici: the stream itself when its length is known; a chunked body as an
 * iterator, because undici would turn a body that already arrived whole into a Content-Length
 * and the server must see the same framing as through http-proxy-3. The iterator leaves the
 * client's request alive when the exchange fails, so the client can still get its 502.
 */
function bodyOf(req: IncomingMessage): Dispatcher.DispatchOptions['body'] {
  if (req.headers['transfer-encoding'] !== undefined) return req.iterator({ destroyOnReturn: false }) as unknown as Readable;
  return hasRequestBody(req) ? req : null;
}

// A URL builds its `origin` string anew on every read: one per server, kept here, instead of one per request.
const origins = new WeakMap<URL, string>();
function originOf(url: URL): string {
  let origin = origins.get(url);
  if (origin === undefined) origins.set(url, (origin = url.origin));
  return origin;
}

/** Creates the undici path for plain HTTP/1 requests; the sanitation and outcomes are those of the http-proxy-3 path. */
export function createUndiciWebForward(log: Logger): WebForward {
  return (req, res, ctx, target, options, ex) => {
    if (hasUnsupportedTransferCoding(req.headers)) {
      // A framing anomaly ends the connection too (security reference §2.4).
      sendGatewayError(res, 501, { close: true });
      ex.settle({ status: 501, responded: false });
      return;
    }
    // undici frames the body itself: chunked when no length is given.
    const headers = outgoingHeaders(req, ctx, target, options.passHostHeader, false);
    const agent = undiciAgentFor(options.transport);
    const dispatchOptions: Dispatcher.DispatchOptions = {
      origin: originOf(target.url),
      path: outgoingPath(ctx, target),
      method: req.method as Dispatcher.HttpMethod,
      headers: headers as Record<string, string | string[]>,
      body: bodyOf(req),
    };
    const handler: UndiciExchange = new UndiciExchange(req, res, ex, options, log, () => agent.dispatch(dispatchOptions, handler));
    res.on('close', () => {
      if (res.writableFinished) return;
      ex.fail('client-gone');
      handler.clientGone();
    });
    agent.dispatch(dispatchOptions, handler);
  };
}
