import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders as Http2Headers } from 'node:http2';
import type { IncomingMessage, InformationEvent, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { elementFields, getContext, type RequestContext } from '../http/context.js';
import { silentLogger, type Logger } from '../log.js';
import { Exchange } from './exchange.js';
import type { ForwardOptions, ForwardOutcome, ForwardTarget, Forwarder } from './forwarder.js';
import { hasUnsupportedTransferCoding } from './framing.js';
import { GRPC_STATUS, grpcStatusFor, grpcTimeoutMs, isGrpcRequest, isResponseIntercepted, sendGrpcError, sendTrailersOnly } from './grpc.js';
import { clientTakesTrailers, http2RequestHeaders, http2ResponseHeaders, relayableTrailers } from './http2-headers.js';
import { prefersHttp2, sessionFor } from './http2-sessions.js';
import { isReplayable } from './outgoing-request.js';
import { isRelayableStatus, relayEarlyHints } from './response-relay.js';
import { classifyUpstreamError, sendGatewayError, statusFor, writeRawResponse, type ForwardError } from './upstream-errors.js';

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM, HTTP2_HEADER_STATUS } = http2.constants;

/** The HTTP/2 forwarder: a {@link Forwarder} that also says which requests it takes. */
export interface Http2Forwarder extends Forwarder {
  /** True for an `h2c://` server, or an `https://` one not known to have chosen HTTP/1.1 (and HTTP/2 not disabled); never for a WebSocket to https. */
  accepts(req: IncomingMessage, target: ForwardTarget, options: ForwardOptions): boolean;
}

/** Options for {@link createHttp2Forwarder}. */
export interface Http2ForwarderOptions {
  log?: Logger;
  /** Forwards over HTTP/1.1, for an https server whose ALPN answer was `http/1.1`. */
  fallback: (req: IncomingMessage, res: ServerResponse, target: ForwardTarget, options: ForwardOptions) => Promise<ForwardOutcome>;
}

type Failure = ForwardError | 'deadline';

/** Creates the forwarder for h2c and ALPN-negotiated HTTP/2 servers, with the HTTP/1.1 path's sanitation and outcomes. */
export function createHttp2Forwarder(forwarderOptions: Http2ForwarderOptions): Http2Forwarder {
  const log = forwarderOptions.log ?? silentLogger;

  function exchange(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, target: ForwardTarget, options: ForwardOptions, ex: Exchange, first: ClientHttp2Session): void {
    const grpc = isGrpcRequest(req.headers);
    let stream: ClientHttp2Stream | undefined;
    let headerTimer: NodeJS.Timeout | undefined;
    let deadlineTimer: NodeJS.Timeout | undefined;
    let retried = false;
    let trailersOnly = false;
    const stopTimers = (): void => {
      clearTimeout(headerTimer);
      clearTimeout(deadlineTimer);
    };

    const fail = (kind: Failure, err?: unknown): void => {
      if (ex.done) return;
      stopTimers();
      if (stream && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
      const error: ForwardError = kind === 'deadline' ? 'timeout' : kind;
      log.debug({ err, kind, ...elementFields(req) }, 'forwarding over HTTP/2 failed');
      // Once the head went out the client keeps the server's status; the failure shows in the body (or gRPC trailers).
      const sent = ex.responded && res.headersSent ? res.statusCode : undefined;
      if (kind !== 'client-gone' && grpc && sendGrpcError(res, grpcStatusFor(kind, statusFor(error)), kind === 'deadline' ? 'Deadline exceeded' : `upstream ${error}`)) {
        ex.fail(error, sent ?? 200);
        return;
      }
      if (kind !== 'client-gone') sendGatewayError(res, statusFor(error));
      ex.fail(error, sent ?? statusFor(error));
    };

    res.once('close', () => {
      if (!res.writableFinished) fail('client-gone');
    });
    if (res.destroyed) return fail('client-gone');
    const deadline = grpc ? grpcTimeoutMs(req.headers) : undefined;
    if (deadline !== undefined) {
      // The gateway gives up with DEADLINE_EXCEEDED when the client's deadline passes, whatever the server does.
      deadlineTimer = setTimeout(() => fail('deadline'), deadline);
      deadlineTimer.unref();
    }
    const headers = http2RequestHeaders(req, ctx, target, options.passHostHeader, grpc);
    // An HTTP/1.1 request without framing has no body (RFC 9112 §6.3); an HTTP/2 one ends when its stream does.
    const bodiless = req.httpVersionMajor < 2 && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;

    const armHeaderTimeout = (): void => {
      const ms = options.transport.responseHeaderTimeout;
      if (ms <= 0 || ex.responded || ex.done) return;
      headerTimer = setTimeout(() => fail('timeout'), ms);
      headerTimer.unref();
    };

    const send = (session: ClientHttp2Session): void => {
      try {
        stream = session.request(headers, { endStream: bodiless, waitForTrailers: !bodiless });
      } catch (err) {
        return retryOr(err);
      }
      const current = stream;
      current.on('wantTrailers', () => {
        // Request trailers (gRPC clients, chunked HTTP/1.1 bodies) follow the body to the server.
        const trailers = req.trailers && Object.keys(req.trailers).length > 0 ? relayableTrailers(req.trailers) : {};
        current.sendTrailers(trailers as Http2Headers);
      });
      current.on('headers', (info: Http2Headers) => {
        if (Number(info[HTTP2_HEADER_STATUS]) === 103) relayEarlyHints({ statusCode: 103, headers: info } as unknown as InformationEvent, res);
      });
      current.on('response', (raw: Http2Headers, flags: number) => onResponse(current, raw, (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0));
      current.on('error', (err) => onStreamError(current, err));
      current.on('close', () => {
        // A stream replaced by a retry no longer speaks for the exchange.
        if (ex.done || current !== stream) return;
        // A response cut short (RST_STREAM, session lost) is a visibly broken response, as on HTTP/1.1:
        // the client's response is ended only once the stream closed cleanly.
        if (ex.responded) {
          if (current.readableEnded && current.rstCode === NGHTTP2_NO_ERROR) {
            if (!res.writableEnded && !trailersOnly) res.end();
          } else fail('reset');
          return;
        }
        // Closed before any answer: REFUSED_STREAM (RFC 9113 §8.7) means the server never processed it.
        if (current.rstCode === NGHTTP2_REFUSED_STREAM) return retryOr(Object.assign(new Error('stream refused'), { code: 'ECONNRESET' }));
        fail('reset');
      });
      if (bodiless) armHeaderTimeout();
      else {
        req.once('end', armHeaderTimeout);
        req.pipe(current);
      }
    };

    // After GOAWAY or a refused stream a request that sent nothing yet goes once more, on a new session.
    const retryOr = (err: unknown): void => {
      if (ex.done) return;
      const replayable = bodiless || isReplayable(req);
      if (retried || ex.responded || !replayable) return fail(classifyUpstreamError(err, false), err);
      retried = true;
      if (stream) req.unpipe(stream);
      stream = undefined;
      sessionFor(target.url, options.transport).then(
        (session) => (session === 'http/1.1' ? fail('bad-response', err) : send(session)),
        (error: unknown) => fail(classifyUpstreamError(error, false), error),
      );
    };

    const onStreamError = (current: ClientHttp2Stream, err: Error): void => {
      if (ex.done || current !== stream) return;
      req.unpipe(current);
      if (!ex.responded && (err as NodeJS.ErrnoException).code === 'ERR_HTTP2_GOAWAY_SESSION') return retryOr(err);
      if (!ex.responded && current.rstCode === NGHTTP2_REFUSED_STREAM) return retryOr(err);
      fail(classifyUpstreamError(err, false), err);
    };

    const onResponse = (current: ClientHttp2Stream, raw: Http2Headers, ended: boolean): void => {
      clearTimeout(headerTimer);
      ex.responded = true;
      if (ex.done) return void current.close(NGHTTP2_CANCEL);
      const status = Number(raw[HTTP2_HEADER_STATUS]);
      if (!isRelayableStatus(status)) return fail('bad-response');
      const out = http2ResponseHeaders(raw, status);
      // The gateway's own cookies (sticky sessions, middlewares) stay next to the server's.
      const own = res.getHeader('set-cookie');
      if (own !== undefined) out['set-cookie'] = [...asList(own), ...asList(out['set-cookie'])];
      try {
        if (ended && grpc && raw['grpc-status'] !== undefined) {
          // A gRPC Trailers-Only answer must stay one (its status is read from these headers).
          trailersOnly = true;
          res.once('finish', () => settleDone(status));
          sendTrailersOnly(res, out);
          current.resume();
          return;
        }
        if (req.httpVersionMajor < 2 && clientTakesTrailers(req) && typeof raw.trailer === 'string') out.trailer = raw.trailer;
        res.writeHead(status, out);
      } catch (err) {
        return fail('bad-response', err);
      }
      // Streams (gRPC, server-sent events) must see the head before the first message.
      if (grpc || String(out['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
      current.on('trailers', (trailers: Http2Headers) => {
        if (!clientTakesTrailers(req) && !isResponseIntercepted(res)) return;
        const relayed = relayableTrailers(trailers);
        if (Object.keys(relayed).length > 0) res.addTrailers(relayed);
      });
      res.once('finish', () => settleDone(status));
      current.pipe(res, { end: false });
    };

    const settleDone = (status: number): void => {
      stopTimers();
      ex.settle({ status, responded: true });
    };

    send(first);
  }

  function start(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, options: ForwardOptions, ex: Exchange, session: ClientHttp2Session): void {
    const ctx = getContext(req);
    if (hasUnsupportedTransferCoding(req.headers)) {
      // A framing anomaly ends the connection too (security reference §2.4).
      if (isGrpcRequest(req.headers) && sendGrpcError(res, GRPC_STATUS.UNIMPLEMENTED, 'unsupported transfer coding')) return ex.settle({ status: 200, responded: false });
      sendGatewayError(res, 501, { close: true });
      ex.settle({ status: 501, responded: false });
      return;
    }
    exchange(req, res, ctx, target, options, ex, session);
  }

  function connectFailed(req: IncomingMessage, res: ServerResponse, ex: Exchange, err: unknown): void {
    const kind = classifyUpstreamError(err, false);
    log.debug({ err, kind, ...elementFields(req) }, 'connecting over HTTP/2 failed');
    if (isGrpcRequest(req.headers) && sendGrpcError(res, grpcStatusFor(kind, statusFor(kind)), `upstream ${kind}`)) return ex.fail(kind, 200);
    sendGatewayError(res, statusFor(kind));
    ex.fail(kind);
  }

  return {
    accepts(req, target, options) {
      if (target.url.protocol === 'h2c:') return true;
      // WebSocket handshakes are HTTP/1.1 only (RFC 8441's extended CONNECT is not offered to servers).
      if (isUpgrade(req)) return false;
      return prefersHttp2(target.url, options.transport);
    },
    forward(req, res, target, options) {
      const ctx = getContext(req);
      ctx.serverUrl ??= target.url.href;
      if (ctx.upgrade) {
        // An h2c server cannot take an HTTP/1.1 Upgrade.
        writeRawResponse(ctx.upgrade.socket, 502);
        return Promise.resolve({ status: 502, error: 'bad-response', responded: false });
      }
      return new Promise<ForwardOutcome>((resolve) => {
        const ex = new Exchange(resolve);
        sessionFor(target.url, options.transport).then(
          (session) => {
            if (session === 'http/1.1') {
              // First contact with this https origin: it chose HTTP/1.1, remembered from now on.
              forwarderOptions.fallback(req, res, target, options).then(resolve, () => resolve({ status: 502, error: 'reset', responded: false }));
              return;
            }
            try {
              if (res.destroyed) return ex.fail('client-gone');
              start(req, res, target, options, ex, session);
            } catch (err) {
              log.error({ err, ...elementFields(req) }, 'forwarding over HTTP/2 could not start');
              if (!res.headersSent) sendGatewayError(res, 500);
              ex.settle({ status: 500, responded: ex.responded });
            }
          },
          (err: unknown) => connectFailed(req, res, ex, err),
        );
      });
    },
    close() {
      // Sessions belong to the transports (closed with them), so a reload never cuts a stream.
    },
  };
}

function isUpgrade(req: IncomingMessage): boolean {
  try {
    return getContext(req).upgrade !== undefined;
  } catch {
    return false;
  }
}

function asList(value: number | string | string[] | undefined | OutgoingHttpHeaders[string]): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}
