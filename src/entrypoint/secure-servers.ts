import http2, { type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import tls, { type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { TlsManager } from '../tls/tls-manager.js';
import type { BuiltTlsOptions } from '../tls/tls-options.js';
import type { ClientHello } from '../tls/client-hello.js';
import { guardHttp2Session } from './http2-timeouts.js';

/** Attaches the entry point's request, upgrade and connect handlers to a server, for one TLS option set. */
export type AttachHandlers = (server: Http2SecureServer, handshake: BuiltTlsOptions) => void;

/** The entry point's timeouts (ms) and header limits, applied to HTTPS as to plain HTTP. */
export interface SecureLimits {
  readTimeout: number;
  idleTimeout: number;
  /** Time for the request line and headers (HTTP/1.1 over TLS), or for an HTTP/2 session's first request. */
  headersTimeout: number;
  maxHeaderBytes: number;
  maxHeaderCount: number;
}

/** The HTTPS side of an entry point: one HTTP/2 + HTTP/1.1 server per TLS option set in use. */
export interface SecureServers {
  /** Hands a TLS connection (its peeked bytes unshifted) to the server of the options its SNI selects. */
  accept(socket: Socket, hello: ClientHello | undefined): void;
  /** Asks HTTP/2 clients to stop (GOAWAY) so in-flight streams finish. */
  drain(): void;
  /** Destroys every TLS connection still open. */
  destroyAll(): void;
}

/**
 * Creates the per-option-set servers lazily: Node fixes client-certificate and ALPN policy per
 * server, so each option set gets its own, picked from the ClientHello's SNI before the handshake.
 */
export function createSecureServers(manager: TlsManager, attach: AttachHandlers, limits: SecureLimits): SecureServers {
  const servers = new Map<string, { server: Http2SecureServer; fallback: string | undefined }>();
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  // A new default certificate needs new servers: the old ones finish their streams (GOAWAY) and go.
  manager.events.on('certificates', () => {
    const fallback = manager.defaultCertificate()?.cert;
    for (const [key, entry] of servers) {
      if (entry.fallback === fallback) continue;
      servers.delete(key);
      entry.server.close();
    }
  });

  const serverFor = (options: BuiltTlsOptions): Http2SecureServer => {
    const existing = servers.get(options.key);
    if (existing) return existing.server;
    const requestCert = options.clientAuthType !== 'NoClientCert';
    // No-SNI handshakes get the server's own certificate: the default one.
    const fallback = manager.defaultCertificate();
    const server = http2.createSecureServer({
      allowHTTP1: true,
      ...(fallback ? { cert: fallback.cert, key: fallback.key } : {}),
      ...manager.serverOptions(options),
      ...http2Limits(limits),
      // A handshake that stalls after the ClientHello holds a socket like a slow request head does: bound it
      // by the same time (Go bounds it by the smallest of the read timeouts; Node's default is 120 s).
      handshakeTimeout: limits.headersTimeout,
      // acme-tls/1 handshakes never reach here (see accept); HTTP cannot be served over it.
      ALPNProtocols: options.alpnProtocols.filter((p) => p !== 'acme-tls/1'),
      requestCert,
      rejectUnauthorized: options.clientAuthType === 'RequireAndVerifyClientCert',
      SNICallback: (servername, cb) => {
        const context = manager.contextFor(options, servername);
        if (context) cb(null, context);
        else cb(new Error(`no certificate for "${servername}" (sniStrict)`));
      },
    });
    // Go checks these at the handshake; Node has no mode for them, so the connection is closed right after it.
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      const hasCert = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
      if (options.clientAuthType === 'RequireAnyClientCert' && !hasCert) socket.destroy();
      if (options.clientAuthType === 'VerifyClientCertIfGiven' && hasCert && !socket.authorized) socket.destroy();
    });
    server.on('session', (session: ServerHttp2Session) => {
      // HTTP/2 gets the same timeouts per session and stream; see http2-timeouts.ts.
      guardHttp2Session(session, limits);
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
    });
    server.on('tlsClientError', (_error, socket) => socket.destroy());
    attach(server, options);
    // HTTP/1.1 over TLS gets the entry point's timeouts and header limits (Node's HTTP/1 parser reads
    // them from the server); Node starts enforcing timeouts on 'listening', which a server fed
    // connections by hand never emits on its own.
    Object.assign(server, {
      requestTimeout: limits.readTimeout,
      headersTimeout: limits.headersTimeout,
      keepAliveTimeout: limits.idleTimeout,
      connectionsCheckingInterval: checkingInterval(limits.headersTimeout),
      maxHeaderSize: limits.maxHeaderBytes,
      // One more than the limit: Node silently drops lines past it, prepareRequest answers 431 instead.
      maxHeadersCount: limits.maxHeaderCount + 1,
    });
    server.emit('listening');
    servers.set(options.key, { server, fallback: fallback?.cert });
    return server;
  };

  const challengeServer = (challenge: { cert: string; key: string }): tls.Server =>
    // RFC 8737 §3: the validation handshake only proves the key; no application data follows.
    tls.createServer({ cert: challenge.cert, key: challenge.key, ALPNProtocols: ['acme-tls/1'] }, (socket) => socket.end()).on('tlsClientError', (_e, s) => s.destroy());

  return {
    accept(socket, hello) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      const servername = hello?.servername;
      if (hello?.alpn.length === 1 && hello.alpn[0] === 'acme-tls/1' && servername) {
        const challenge = manager.alpnChallenge(servername);
        if (challenge) return void challengeServer(challenge).emit('connection', socket);
      }
      const options = manager.optionsFor(servername);
      // A broken option set fails closed; sniStrict refuses a handshake without a known name.
      if (!options || (options.sniStrict && (!servername || !manager.contextFor(options, servername)))) return void socket.destroy();
      serverFor(options).emit('connection', socket);
    },
    drain() {
      for (const session of sessions) session.close();
    },
    destroyAll() {
      for (const socket of sockets) socket.destroy();
      for (const { server } of servers.values()) server.close();
      servers.clear();
    },
  };
}

/** How often Node checks a server's header and request timers: a quarter of the header timeout, so it fires within 125% (Node's default is 30s). */
export function checkingInterval(headersTimeout: number): number {
  return Math.max(250, Math.min(30_000, Math.floor(headersTimeout / 4)));
}

/**
 * HTTP/2 header limits from the entry point's: a header block past them resets the stream
 * (ENHANCE_YOUR_CALM) before any handler runs; within them prepareRequest answers 431 exactly as
 * on HTTP/1.1. SETTINGS_MAX_HEADER_LIST_SIZE counts 32 bytes per field on top (RFC 9113 §6.5.2),
 * and the pair count includes up to five pseudo-headers.
 */
export function http2Limits(limits: Pick<SecureLimits, 'maxHeaderBytes' | 'maxHeaderCount'>): { maxHeaderListPairs: number; maxSessionMemory: number; settings: { maxHeaderListSize: number } } {
  const pairs = limits.maxHeaderCount + 6;
  return {
    maxHeaderListPairs: pairs,
    // Node's default is 10 MB per session; a few header blocks at the limit must fit.
    maxSessionMemory: Math.max(10, Math.ceil((4 * limits.maxHeaderBytes) / 2 ** 20)),
    settings: { maxHeaderListSize: Math.min(2 ** 32 - 1, limits.maxHeaderBytes + 32 * pairs) },
  };
}
