import { createHash } from 'node:crypto';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyServer } from 'http-proxy-3';
import { elementFields, type RequestContext } from '../http/context.js';
import type { Logger } from '../log.js';
import type { Exchange } from './exchange.js';
import type { ForwardOptions, ForwardTarget } from './forwarder.js';
import { isWebSocketUpgrade, stripHopByHop } from './hop-by-hop.js';
import { outgoingHeaders, outgoingPath, proxyOptions, withOutgoingRequest } from './outgoing-request.js';
import { isRelayableStatus } from './response-relay.js';
import { classifyUpstreamError, statusFor, writeRawResponse } from './upstream-errors.js';

/** Forwards one WebSocket handshake; the outcome settles when the client socket closes. */
export type UpgradeForwarder = (
  req: IncomingMessage,
  ctx: RequestContext,
  upgrade: { socket: Duplex; head: Buffer },
  target: ForwardTarget,
  options: ForwardOptions,
  ex: Exchange,
) => void;

interface PendingUpgrade {
  ex: Exchange;
  socket: Duplex;
  key: string;
  options: ForwardOptions;
  /** Status relayed to the client (101, or the server's refusal). */
  status?: number;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The `Sec-WebSocket-Accept` a server must answer for a key (RFC 6455 §4.2.2). */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** True when a request may be tunnelled: GET, `Upgrade: websocket`, `Connection: upgrade` and a key (security reference §2.12). */
export function isValidWebSocketRequest(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  return req.method === 'GET' && isWebSocketUpgrade(req.headers) && typeof key === 'string' && key.trim() !== '';
}

/**
 * Replaces http-proxy-3's `upgrade` and `response` listeners with guarded ones that validate the
 * server's answer before delegating: it would relay any 101, and crash on an unhandled body error.
 */
function guard(proxyReq: ClientRequest, p: PendingUpgrade, log: Logger): void {
  const upgradeListeners = proxyReq.listeners('upgrade') as Array<(...args: unknown[]) => void>;
  const responseListeners = proxyReq.listeners('response') as Array<(...args: unknown[]) => void>;
  proxyReq.removeAllListeners('upgrade');
  proxyReq.removeAllListeners('response');
  const { ex, socket } = p;
  const refuse = (): void => {
    writeRawResponse(socket, 502);
    ex.fail('bad-response');
  };
  proxyReq.on('upgrade', (proxyRes: IncomingMessage, proxySocket: Duplex, proxyHead: Buffer) => {
    ex.clearTimer();
    ex.responded = true;
    try {
      if (ex.done || socket.destroyed) return void proxySocket.destroy();
      const accept = proxyRes.headers['sec-websocket-accept'];
      if (!isWebSocketUpgrade(proxyRes.headers) || accept !== websocketAccept(p.key)) {
        proxySocket.destroy();
        return refuse();
      }
      stripHopByHop(proxyRes.headers, { keepUpgrade: true });
      p.status = 101;
      for (const listener of upgradeListeners) listener.call(proxyReq, proxyRes, proxySocket, proxyHead);
    } catch (err) {
      log.debug({ err }, 'websocket upgrade relay failed');
      proxySocket.destroy();
      socket.destroy();
    }
  });
  proxyReq.on('response', (proxyRes: IncomingMessage) => {
    ex.clearTimer();
    ex.responded = true;
    // http-proxy-3 pipes this body by hand without an error listener; an upstream abort would be uncaught.
    proxyRes.on('error', () => socket.destroy());
    if (ex.done || !isRelayableStatus(proxyRes.statusCode)) {
      proxyRes.destroy();
      proxyReq.destroy();
      return ex.done ? undefined : refuse();
    }
    stripHopByHop(proxyRes.headers);
    proxyRes.headers.connection = 'close';
    // A connection that was asked to upgrade goes back to no pool (GHSA-3ccp-42pg-hgv6).
    (proxyReq as ClientRequest & { shouldKeepAlive: boolean }).shouldKeepAlive = false;
    p.status = proxyRes.statusCode;
    for (const listener of responseListeners) listener.call(proxyReq, proxyRes);
  });
}

/** Wires http-proxy-3's `ws()` into Switchyard's exchange bookkeeping. */
export function createUpgradeForwarder(proxy: ProxyServer, log: Logger): UpgradeForwarder {
  const pending = new WeakMap<IncomingMessage, PendingUpgrade>();
  proxy.on('proxyReqWs', (proxyReq: ClientRequest, req: IncomingMessage) => {
    const p = pending.get(req);
    if (!p) return;
    p.ex.proxyReq = proxyReq;
    // http-proxy-3 adds its listeners synchronously after this event and no I/O can run before a tick.
    process.nextTick(() => guard(proxyReq, p, log.child(elementFields(req))));
    p.ex.armHeaderTimeout(proxyReq, p.options.transport.responseHeaderTimeout);
  });

  return (req, ctx, upgrade, target, options, ex) => {
    const { socket, head } = upgrade;
    if (!isValidWebSocketRequest(req)) {
      writeRawResponse(socket, 400);
      ex.settle({ status: 400, responded: false });
      return;
    }
    const p: PendingUpgrade = { ex, socket, key: String(req.headers['sec-websocket-key']).trim(), options };
    // Node's HTTP server sockets allow half-open connections: a client that leaves before the handshake only sends FIN.
    socket.once('end', () => {
      if (p.status === undefined) socket.destroy();
    });
    socket.once('close', () => {
      ex.proxyReq?.destroy();
      if (p.status !== undefined) ex.settle({ status: p.status, responded: true });
      else ex.fail('client-gone');
    });
    const onError = (err: Error): void => {
      if (ex.done || p.status !== undefined) return;
      const kind = classifyUpstreamError(err, ex.timedOut);
      log.debug({ err, kind, ...elementFields(req) }, 'websocket forwarding failed');
      ex.proxyReq?.destroy();
      writeRawResponse(socket, statusFor(kind));
      ex.fail(kind);
    };
    pending.set(req, p);
    const headers = outgoingHeaders(req, ctx, target, options.passHostHeader);
    withOutgoingRequest(req, outgoingPath(ctx, target), headers, () => {
      proxy.ws(req, socket, head, proxyOptions(target, options), (err) => onError(err));
    });
  };
}
