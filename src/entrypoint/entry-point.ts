import http, { ServerResponse, type IncomingMessage } from 'node:http';
import net, { type Socket } from 'node:net';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import { setContext } from '../http/context.js';
import { applyForwardedHeaders, trustedPeers } from '../proxy/forwarded-headers.js';
import { notFound, type RoutingTable } from '../routing/table.js';
import type { Logger } from '../log.js';
import { prepareRequest, versionError } from './prepare-request.js';
import { removeConnectionListed } from './connection-listed.js';
import type { RequestObserver } from '../observability/observer.js';
import { parseAddress } from './listen-address.js';
import type { TlsManager } from '../tls/tls-manager.js';
import type { BuiltTlsOptions } from '../tls/tls-options.js';
import { peekConnection } from '../tls/client-hello.js';
import { checkingInterval, createSecureServers, http2Limits, type SecureLimits, type SecureServers } from './secure-servers.js';
import { createCleartextHttp2, prefaceState, readUntilKnown } from './h2c-server.js';
import { adaptHttp2Request } from './http2-compat.js';
import { trackIdleConnections } from '../upgrade/idle-connections.js';
import { DEFAULT_REQUEST_POLICY, type RequestPolicy } from './request-policy.js';
import { watchBodyIdle } from './body-idle.js';

/** A routing table plus the count of requests still running on it (so it is closed only once drained). */
export interface TableLease {
  table: RoutingTable;
  active: number;
}

/** Settings of one HTTP entry point (from the static configuration, durations in ms). */
export interface EntryPointOptions {
  name: string;
  address: string;
  readTimeout: number;
  writeTimeout: number;
  idleTimeout: number;
  trustedIPs: string[];
  insecureForwardedHeaders: boolean;
  /** `forwardedHeaders.connection`: Connection-listed headers kept until forwarding. */
  connectionHeaders: string[];
  /** `keepAliveMaxRequests` / `keepAliveMaxTime` (ms): 0 means unlimited. */
  keepAliveMaxRequests: number;
  keepAliveMaxTime: number;
  current: () => TableLease | undefined;
  /** Metrics, access logs and tracing watch every request here. */
  observer?: RequestObserver;
  release: (lease: TableLease) => void;
  log: Logger;
  /** Serves HTTPS (HTTP/2 and HTTP/1.1) on the same port as plain HTTP, told apart by the first byte. */
  tls?: TlsManager;
  /** `http.encodedCharacters`, `sanitizePath`, header limits and underscore strategy (defaults when absent). */
  request?: RequestPolicy;
  /** Time for the request line and headers (ms); defaults to readTimeout capped at 60s. */
  readHeaderTimeout?: number;
  /** Longest wait for the next bytes of a request body (ms, 0: none); see body-idle.ts. */
  bodyIdleTimeout?: number;
}

/** A listening entry point. */
export interface EntryPoint {
  name: string;
  listen(): Promise<void>;
  /** Accepts on a listening socket received from the process being upgraded, instead of binding (synchronous on purpose). */
  adopt(handle: net.Server): void;
  /** The listening socket, to hand to the next process on an upgrade. */
  listeningServer(): net.Server;
  port(): number;
  /**
   * Stops accepting, lets in-flight requests finish up to `graceMs`, then closes every connection. After a
   * hand-over (`gentle`) idle keep-alive connections are not cut at once: each gets `Connection: close` on
   * its next answer, and only connections idle for a while are ended (see src/upgrade/idle-connections.ts).
   */
  shutdown(graceMs: number, options?: { gentle?: boolean }): Promise<void>;
}

/** Creates an HTTP entry point whose every request reads the current routing table once, at its start. */
export function createEntryPoint(options: EntryPointOptions): EntryPoint {
  const { name, log } = options;
  const policy = options.request ?? DEFAULT_REQUEST_POLICY;
  const headersTimeout = headerTimeout(options.readTimeout, options.readHeaderTimeout);
  const server = http.createServer({
    requestTimeout: options.readTimeout,
    keepAliveTimeout: options.idleTimeout,
    maxHeaderSize: policy.maxHeaderBytes,
    // Node checks its timers every 30s by default, so a 5s header timeout could take 35s to fire.
    connectionsCheckingInterval: checkingInterval(headersTimeout),
  });
  // One more than the limit: Node silently drops lines past maxHeadersCount, prepareRequest answers 431 instead.
  server.maxHeadersCount = policy.maxHeaderCount + 1;
  // The listening socket: each connection's first bytes say TLS (a handshake record, 0x16) or plain HTTP.
  const listener = net.createServer({ pauseOnConnect: true });
  let secure: SecureServers | undefined;
  server.headersTimeout = headersTimeout;
  const upgraded = new Set<Duplex>();
  const keepConnectionListed = new Set(options.connectionHeaders.map((h) => h.toLowerCase()));
  const connections = new WeakMap<object, { requests: number; since: number }>();

  // Traefik's keepAliveMaxRequests / keepAliveMaxTime: ask the client to reconnect (Connection: close).
  const closeAfterThis = (req: IncomingMessage): boolean => {
    if (!options.keepAliveMaxRequests && !options.keepAliveMaxTime) return false;
    let seen = connections.get(req.socket);
    if (!seen) connections.set(req.socket, (seen = { requests: 0, since: Date.now() }));
    seen.requests++;
    return (options.keepAliveMaxRequests > 0 && seen.requests >= options.keepAliveMaxRequests) || (options.keepAliveMaxTime > 0 && Date.now() - seen.since >= options.keepAliveMaxTime);
  };
  let inflight = 0;
  let draining = false;
  const trusted = trustedPeers(options.trustedIPs, options.insecureForwardedHeaders);

  const dispatch = (req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }, handshake?: BuiltTlsOptions): void => {
    const badVersion = versionError(req);
    if (badVersion) {
      res.setHeader('Connection', 'close');
      return reject(res, badVersion.status, badVersion.reason);
    }
    // HTTP/2 has no Connection header (RFC 9113 §8.2.2): GOAWAY does its job.
    if (req.httpVersionMajor >= 2) adaptHttp2Request(req);
    else if (closeAfterThis(req) || draining) res.setHeader('Connection', 'close');
    const prepared = prepareRequest(req, name, policy);
    if ('status' in prepared) return reject(res, prepared.status, prepared.reason);
    const ctx = prepared.ctx;
    // Domain fronting: a Host whose routers need other TLS options than the handshake used (RFC 9110 §15.5.20).
    if (handshake && options.tls?.optionsFor(ctx.host)?.key !== handshake.key) return reject(res, 421, 'the Host needs other TLS settings than this connection');
    if (upgrade) ctx.upgrade = upgrade;
    setContext(req, ctx);
    options.observer?.onRequest(req, res, ctx);
    applyForwardedHeaders(req, ctx, { trusted: trusted(ctx.remoteAddr) });
    removeConnectionListed(req.headers, keepConnectionListed);
    const lease = options.current();
    const route = lease?.table.match(name, ctx.tls, {
      method: req.method ?? 'GET',
      host: ctx.host,
      path: ctx.path,
      query: ctx.query,
      headers: req.headers,
      clientIp: ctx.remoteAddr,
    });
    if (!lease || !route) return notFound(req, res);
    if (options.writeTimeout > 0) res.setTimeout(options.writeTimeout, () => res.destroy());
    if (options.bodyIdleTimeout && !upgrade) watchBodyIdle(req, res, options.bodyIdleTimeout, () => reject(res, 408, 'the request body stopped arriving'));
    inflight++;
    lease.active++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inflight--;
      options.release(lease);
    };
    // `on`, not `once`: 'close' comes once anyway, and `finish` guards itself without a wrapper per request.
    res.on('close', finish);
    if (upgrade) upgrade.socket.once('close', finish);
    try {
      const result = route.value(req, res);
      if (result && typeof (result as Promise<void>).catch === 'function') (result as Promise<void>).catch((error) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };

  const fail = (res: ServerResponse, error: unknown): void => {
    log.error({ err: error, entryPoint: name }, 'request handler failed');
    if (!res.headersSent) reject(res, 500, 'Internal Server Error');
    else res.destroy();
  };

  // The same handlers serve plain HTTP and, per TLS option set, HTTPS (HTTP/1.1 upgrades included).
  const attach = (target: http.Server | Http2Server | Http2SecureServer, handshake?: BuiltTlsOptions): void => {
    const on = target.on.bind(target) as (event: string, listener: (...args: never[]) => void) => void;
    on('request', (req: IncomingMessage, res: ServerResponse) => dispatch(req, res, undefined, handshake));
    on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      socket.on('error', () => socket.destroy());
      const res = new ServerResponse(req);
      res.assignSocket(socket as Socket);
      // A detached socket has no keep-alive bookkeeping: close it once a non-101 answer is written.
      res.shouldKeepAlive = false;
      res.once('finish', () => socket.end());
      // RFC 9110 §7.8: Upgrade is ignored on HTTP/1.0.
      if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket' && req.httpVersion === '1.1') return dispatch(req, res, { socket, head }, handshake);
      // Only WebSocket is tunnelled (h2c smuggling); a bodiless request is served as plain HTTP.
      if (req.headers['content-length'] || req.headers['transfer-encoding']) return reject(res, 400, 'unsupported Upgrade');
      delete req.headers.upgrade;
      dispatch(req, res, undefined, handshake);
    });
    // CONNECT tunnels are not offered (security.md §2.2); Node would otherwise drop the socket silently.
    on('connect', (_req: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  };
  attach(server);
  const idle = trackIdleConnections(server);
  // The same timeouts and header limits for HTTP/2, cleartext and over TLS, as for HTTP/1.1.
  const limits: SecureLimits = { readTimeout: options.readTimeout, idleTimeout: options.idleTimeout, headersTimeout, maxHeaderBytes: policy.maxHeaderBytes, maxHeaderCount: policy.maxHeaderCount };
  // h2c with prior knowledge on the same port: gRPC clients without TLS (RFC 9113 §3.3).
  const h2c = createCleartextHttp2(http2Limits(limits), limits);
  attach(h2c.server);
  if (options.tls) secure = createSecureServers(options.tls, attach, limits);

  const peekTimeout = options.readTimeout > 0 ? Math.min(options.readTimeout, 60_000) : 60_000;
  const raw = new Set<Socket>();
  listener.on('connection', (socket: Socket) => {
    raw.add(socket);
    socket.once('close', () => raw.delete(socket));
    options.observer?.onConnection?.(name, socket);
    socket.on('error', () => socket.destroy());
    // The first chunk tells TLS (0x16, when served), the h2c preface ("PRI "), or HTTP/1 (anything else).
    peekConnection(socket, secure ? peekTimeout : headersTimeout)
      .then(async ({ bytes, tls, hello }) => {
        if (tls && secure) {
          // TLSSocket reads what is buffered on the socket first.
          socket.unshift(bytes);
          secure.accept(socket, hello);
          return;
        }
        bytes = await readUntilKnown(socket, bytes, headersTimeout);
        if (prefaceState(bytes) === 'h2c') return h2c.accept(socket, bytes);
        // The HTTP parser reads from the socket's handle, not its buffer: replay the bytes to it.
        server.emit('connection', socket);
        socket.emit('data', bytes);
        socket.resume();
      })
      .catch(() => socket.destroy());
    socket.resume();
  });

  return {
    name,
    async listen() {
      const { host, port } = parseAddress(options.address);
      listener.listen(port, host);
      // EADDRINUSE, EACCES, EADDRNOTAVAIL: the message names the address; which entry point wants it is added.
      await once(listener, 'listening').catch((error: Error) => {
        throw new Error(`${error.message} (entry point ${name})`, { cause: error });
      });
      // The HTTP server never listens itself; this starts its connection tracking (timeouts, closeIdleConnections).
      server.emit('listening');
    },
    adopt(handle) {
      listener.listen(handle);
      server.emit('listening');
    },
    listeningServer: () => listener,
    port() {
      const address = listener.address();
      return typeof address === 'object' && address ? address.port : 0;
    },
    async shutdown(graceMs, shutdownOptions = {}) {
      draining = true;
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      if (shutdownOptions.gentle) {
        secure?.drain();
        h2c.drain();
        const deadline = Date.now() + graceMs;
        const idleGrace = Math.min(1000, graceMs / 2);
        while ((inflight > 0 || idle.open() > 0 || upgraded.size > 0) && Date.now() < deadline) {
          idle.closeIdleFor(idleGrace);
          await new Promise((r) => setTimeout(r, 25));
        }
      }
      server.close();
      server.closeIdleConnections();
      secure?.drain();
      h2c.drain();
      const deadline = Date.now() + graceMs;
      while (inflight > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        server.closeIdleConnections();
      }
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      secure?.destroyAll();
      for (const socket of raw) socket.destroy();
      await closed;
    },
  };
}

/**
 * The slowloris guard: the header section must arrive within this time, while the body is only
 * bounded by readTimeout (0: unbounded), so slow but progressing uploads survive (Traefik #10654).
 */
function headerTimeout(readTimeout: number, readHeaderTimeout: number | undefined): number {
  const wanted = readHeaderTimeout !== undefined && readHeaderTimeout > 0 ? readHeaderTimeout : readTimeout > 0 ? Math.min(readTimeout, 60_000) : 60_000;
  return readTimeout > 0 ? Math.min(wanted, readTimeout) : wanted;
}

/** Answers with a status chosen by the gateway itself, closing the connection. */
function reject(res: ServerResponse, status: number, reason: string): void {
  if (res.headersSent) return void res.destroy();
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  if ((res.req?.httpVersionMajor ?? 1) < 2) res.setHeader('Connection', 'close');
  res.end(`${http.STATUS_CODES[status] ?? 'Error'}: ${reason}\n`);
}
