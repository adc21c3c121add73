import http2, { type ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Transport } from './transport.js';

/** What a server origin speaks: HTTP/2 (h2c, or `h2` by ALPN) or HTTP/1.1 (ALPN chose `http/1.1`). */
export type OriginProtocol = 'h2' | 'http/1.1';

/** A connection error with a Node-style code, so {@link classifyUpstreamError} can read it. */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The pool of one transport: a live session per origin, the ALPN answers, the connections being made. */
interface TransportPool {
  sessions: Map<string, ClientHttp2Session>;
  connecting: Map<string, Promise<ClientHttp2Session | 'http/1.1'>>;
  alpn: Map<string, OriginProtocol>;
}

const pools = new WeakMap<Transport, TransportPool>();

function poolOf(transport: Transport): TransportPool {
  let pool = pools.get(transport);
  if (pool) return pool;
  pool = { sessions: new Map(), connecting: new Map(), alpn: new Map() };
  pools.set(transport, pool);
  const owned = pool;
  // A transport is disposed when its configuration changed or left: its sessions finish their streams (GOAWAY) and go.
  transport.onDispose?.(() => {
    for (const session of owned.sessions.values()) session.close();
    owned.sessions.clear();
  });
  return pool;
}

/** The origin key of a server URL (`h2c://a:1` and `https://a:1` are different origins). */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * True when a request to this server goes over HTTP/2: always for `h2c://`, and for `https://` when
 * the transport allows it and the server is not already known to have chosen HTTP/1.1 by ALPN.
 */
export function prefersHttp2(url: URL, transport: Transport): boolean {
  if (url.protocol === 'h2c:') return true;
  if (url.protocol !== 'https:' || transport.disableHTTP2) return false;
  return pools.get(transport)?.alpn.get(originOf(url)) !== 'http/1.1';
}

const TLS_KEYS = ['ca', 'cert', 'key', 'rejectUnauthorized', 'ciphers', 'minVersion', 'maxVersion'] as const;

function tlsOptions(url: URL, transport: Transport): ConnectionOptions {
  // The https agent already holds the transport's TLS settings (CAs, client certificate, SNI, versions).
  const agent = transport.httpsAgent.options as ConnectionOptions;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const servername = agent.servername ?? (isIP(host) ? undefined : host);
  const picked: ConnectionOptions = {};
  for (const key of TLS_KEYS) if (agent[key] !== undefined) (picked as Record<string, unknown>)[key] = agent[key];
  return {
    ...picked,
    host,
    port: Number(url.port || 443),
    ...(servername ? { servername } : {}),
    ALPNProtocols: ['h2', 'http/1.1'],
  };
}

function untilConnected(session: ClientHttp2Session, dialTimeout: number): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const timer = dialTimeout > 0 ? setTimeout(() => fail(codedError('dial timeout', 'ECONNECT_TIMEOUT')), dialTimeout) : undefined;
    const fail = (err: Error): void => {
      clearTimeout(timer);
      session.destroy();
      reject(err);
    };
    session.once('error', fail);
    session.once('connect', () => {
      clearTimeout(timer);
      session.off('error', fail);
      resolve(session);
    });
  });
}

function handshake(url: URL, transport: Transport): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(tlsOptions(url, transport));
    const timer = transport.dialTimeout > 0 ? setTimeout(() => fail(codedError('dial timeout', 'ECONNECT_TIMEOUT')), transport.dialTimeout) : undefined;
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Traefik's `readIdleTimeout`: a PING every interval; no answer within `pingTimeout` closes the connection (its streams fail, new ones reconnect). */
function keepPinging(session: ClientHttp2Session, transport: Transport): void {
  const ping = transport.http2Ping;
  if (!ping || ping.interval <= 0) return;
  const timer = setInterval(() => {
    if (session.closed || session.destroyed) return clearInterval(timer);
    const deadline = setTimeout(() => session.destroy(codedError('HTTP/2 ping timeout', 'ETIMEDOUT')), ping.timeout || 15_000);
    deadline.unref();
    const sent = session.ping((err) => {
      clearTimeout(deadline);
      if (err && !session.destroyed) session.destroy(err);
    });
    if (!sent) clearTimeout(deadline);
  }, ping.interval);
  timer.unref();
  session.once('close', () => clearInterval(timer));
}

async function connect(url: URL, transport: Transport, pool: TransportPool): Promise<ClientHttp2Session | 'http/1.1'> {
  const origin = originOf(url);
  let session: ClientHttp2Session;
  if (url.protocol === 'h2c:') {
    session = http2.connect(`http://${url.host}`);
  } else {
    const socket = await handshake(url, transport);
    const protocol = socket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1';
    pool.alpn.set(origin, protocol);
    if (protocol === 'http/1.1') {
      // This connection only answered the question; the HTTP/1.1 agent makes its own.
      socket.destroy();
      return 'http/1.1';
    }
    session = http2.connect(`https://${url.host}`, { createConnection: () => socket });
  }
  session.on('error', () => {
    // Streams report their own errors; the session is dropped from the pool on 'close'.
  });
  await untilConnected(session, transport.dialTimeout);
  const forget = (): void => {
    if (pool.sessions.get(origin) === session) pool.sessions.delete(origin);
  };
  // RFC 9113 §6.8: after GOAWAY the session finishes its streams but takes no new ones.
  session.once('goaway', forget);
  session.once('close', forget);
  const idle = Number((transport.httpAgent as unknown as { options: { timeout?: number } }).options.timeout ?? 0);
  if (idle > 0) session.setTimeout(idle, () => session.close());
  keepPinging(session, transport);
  // An idle pooled session must not keep the process alive; streams keep their own references.
  session.unref();
  pool.sessions.set(origin, session);
  return session;
}

/**
 * The HTTP/2 session to reach a server, shared by every request through this transport to the same
 * origin; a closed, closing or GOAWAY'd session is replaced. Resolves `'http/1.1'` when the https
 * server chose HTTP/1.1 by ALPN (remembered for the origin). Rejects with the connection error.
 */
export function sessionFor(url: URL, transport: Transport): Promise<ClientHttp2Session | 'http/1.1'> {
  const pool = poolOf(transport);
  const origin = originOf(url);
  const live = pool.sessions.get(origin);
  if (live && !live.closed && !live.destroyed) return Promise.resolve(live);
  if (live) pool.sessions.delete(origin);
  let pending = pool.connecting.get(origin);
  if (!pending) {
    pending = connect(url, transport, pool).finally(() => pool.connecting.delete(origin));
    pool.connecting.set(origin, pending);
  }
  return pending;
}
