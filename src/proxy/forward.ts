import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { ProxyServer } from 'http-proxy-3';
import { elementFields, getContext, type RequestContext } from '../http/context.js';
import { silentLogger, type Logger } from '../log.js';
import { Exchange } from './exchange.js';
import type { ForwardOptions, ForwardOutcome, ForwardTarget, Forwarder } from './forwarder.js';
import { hasUnsupportedTransferCoding, requestFraming } from './framing.js';
import { isReplayable, outgoingHeaders, outgoingPath, proxyOptions, withOutgoingRequest } from './outgoing-request.js';
import { relayEarlyHints, relayResponse } from './response-relay.js';
import { classifyUpstreamError, sendGatewayError, statusFor } from './upstream-errors.js';
import { createUpgradeForwarder } from './websocket.js';
import { createHttp2Forwarder } from './http2-forward.js';
import { createUndiciWebForward } from './undici-forward.js';

/** Options for {@link createForwarder}. */
export interface ForwarderOptions {
  log?: Logger;
  /** Client for plain HTTP/1 requests (default `undici`, or the SWITCHYARD_FORWARDER environment variable); upgrades always use http-proxy-3. */
  http1?: Http1Forwarder;
}

/** The client libraries a plain HTTP/1 request can be forwarded with. */
export type Http1Forwarder = 'undici' | 'http-proxy';

/** The HTTP/1 forwarder chosen by an option, else by SWITCHYARD_FORWARDER (how the test suite runs both), else undici. */
export function http1ForwarderOf(option?: Http1Forwarder): Http1Forwarder {
  return option ?? (process.env.SWITCHYARD_FORWARDER === 'http-proxy' ? 'http-proxy' : 'undici');
}

/** What a forward call hands to http-proxy-3 while the request's own url and headers are swapped out. */
interface Pending {
  ex: Exchange;
  framing: IncomingHttpHeaders;
  options: ForwardOptions;
}

/** True when a bodyless idempotent request failed on a reused pooled connection before any answer, the keep-alive race. */
export function isStaleConnection(ex: Exchange, req: IncomingMessage, err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return !ex.resent && !ex.timedOut && ex.proxyReq?.reusedSocket === true && (code === 'ECONNRESET' || code === 'EPIPE') && isReplayable(req);
}

/** Creates the forwarder on http-proxy-3, wrapped with Switchyard's request and response sanitation. */
export function createForwarder(forwarderOptions: ForwarderOptions = {}): Forwarder {
  const log = forwarderOptions.log ?? silentLogger;
  const pending = new WeakMap<IncomingMessage, Pending>();
  const proxy = new ProxyServer({ xfwd: false, prependPath: false, toProxy: true, selfHandleResponse: true, ws: true });
  const forwardUpgrade = createUpgradeForwarder(proxy, log);
  const undiciWeb = http1ForwarderOf(forwarderOptions.http1) === 'undici' ? createUndiciWebForward(log) : undefined;

  // Without an `error` listener http-proxy-3 throws; every exchange also passes its own callback.
  proxy.on('error', (err) => log.debug({ err }, 'proxy error outside an exchange'));
  // http-proxy-3's DELETE/OPTIONS pass rewrites framing; put ours back just before the request is built.
  proxy.before('web', 'stream', (req) => {
    const p = pending.get(req);
    if (p) {
      delete req.headers['content-length'];
      delete req.headers['transfer-encoding'];
      Object.assign(req.headers, p.framing);
    }
  });
  proxy.on('proxyReq', (proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse) => {
    const p = pending.get(req);
    if (!p) return;
    p.ex.proxyReq = proxyReq;
    // An unsolicited 101 to a plain request would otherwise leave the client hanging (security reference §2.3).
    proxyReq.on('upgrade', (_upgradeRes, socket) => {
      socket.destroy();
      p.ex.responded = true;
      sendGatewayError(res, 502);
      p.ex.fail('bad-response');
    });
    proxyReq.on('information', (info) => relayEarlyHints(info, res));
    p.ex.armHeaderTimeout(proxyReq, p.options.transport.responseHeaderTimeout);
  });
  proxy.on('proxyRes', (proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse) => {
    const p = pending.get(req);
    if (!p) return;
    try {
      p.ex.clearTimer();
      p.ex.responded = true;
      if (p.ex.done) proxyRes.destroy();
      else relayResponse(proxyRes, res, p.ex);
    } catch (err) {
      log.debug({ err, ...elementFields(req) }, 'relaying a response failed');
      proxyRes.destroy();
      sendGatewayError(res, 502);
      p.ex.fail('bad-response');
    }
  });

  function onWebError(ex: Exchange, req: IncomingMessage, res: ServerResponse, err: Error, resend: () => void): void {
    if (ex.done) return;
    // Once the response is being relayed its own stream decides: a complete 204 followed by stray bytes is still a clean 204.
    if (ex.responded) return;
    if (isStaleConnection(ex, req, err)) {
      // The server closed an idle pooled connection as we reused it; Go's transport retries these too.
      ex.resent = true;
      log.debug({ err, ...elementFields(req) }, 'pooled connection was stale; sending again on a new one');
      resend();
      return;
    }
    const kind = classifyUpstreamError(err, ex.timedOut);
    log.debug({ err, kind, ...elementFields(req) }, 'forwarding failed');
    ex.proxyReq?.destroy();
    sendGatewayError(res, statusFor(kind));
    ex.fail(kind);
  }

  function forwardWeb(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, target: ForwardTarget, options: ForwardOptions, ex: Exchange): void {
    res.once('close', () => {
      if (!res.writableFinished) ex.fail('client-gone');
    });
    if (hasUnsupportedTransferCoding(req.headers)) {
      // A framing anomaly ends the connection too (security reference §2.4).
      sendGatewayError(res, 501, { close: true });
      ex.settle({ status: 501, responded: false });
      return;
    }
    const headers = outgoingHeaders(req, ctx, target, options.passHostHeader);
    const send = (): void => {
      pending.set(req, { ex, framing: requestFraming(req.headers), options });
      withOutgoingRequest(req, outgoingPath(ctx, target), { ...headers }, () => {
        proxy.web(req, res, proxyOptions(target, options), (err) => onWebError(ex, req, res, err, send));
      });
    };
    send();
  }

  const http2 = createHttp2Forwarder({ log, fallback: (...args) => self.forward(...args) });
  const self: Forwarder = {
    forward(req, res, target, options): Promise<ForwardOutcome> {
      // h2c servers, and https servers that negotiate h2 by ALPN, are spoken to over HTTP/2.
      if (http2.accepts(req, target, options)) return http2.forward(req, res, target, options);
      return new Promise<ForwardOutcome>((resolve) => {
        const ex = new Exchange(resolve);
        try {
          const ctx = getContext(req);
          // A load balancer records the server URL as configured; keep that spelling when present.
          ctx.serverUrl ??= target.url.href;
          if (ctx.upgrade) forwardUpgrade(req, ctx, ctx.upgrade, target, options, ex);
          // undici for HTTP/1 clients only: it detaches an IncomingMessage body, an HTTP/2 stream is not one.
          else if (undiciWeb && req.httpVersionMajor === 1) undiciWeb(req, res, ctx, target, options, ex);
          else forwardWeb(req, res, ctx, target, options, ex);
        } catch (err) {
          log.error({ err, ...elementFields(req) }, 'forwarding could not start');
          if (!res.headersSent) sendGatewayError(res, 500);
          ex.settle({ status: 500, responded: ex.responded });
        }
      });
    },
    close() {
      // Connections belong to the transports and WebSockets must outlive a reload, so there is nothing to end here.
    },
  };
  return self;
}
