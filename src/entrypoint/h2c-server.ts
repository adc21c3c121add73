import http2, { type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { guardHttp2Session, type Http2Timeouts } from './http2-timeouts.js';

// RFC 9113 §3.4: a client that knows the server speaks HTTP/2 opens a cleartext connection with this preface.
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Whether a connection's first bytes are the HTTP/2 preface, are surely not (an HTTP/1 request
 * never starts with "PRI ", and most differ at the first byte), or are too few to tell yet.
 */
export function prefaceState(bytes: Buffer): 'h2c' | 'http1' | 'incomplete' {
  const n = Math.min(bytes.length, PREFACE.length);
  if (!bytes.subarray(0, n).equals(PREFACE.subarray(0, n))) return 'http1';
  return n === PREFACE.length ? 'h2c' : 'incomplete';
}

/** Reads on until `bytes` (already read) tell HTTP/1 from the preface; resolves with every byte read. */
export function readUntilKnown(socket: Socket, bytes: Buffer, timeoutMs: number): Promise<Buffer> {
  if (prefaceState(bytes) !== 'incomplete') return Promise.resolve(bytes);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('no request in time')), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('error', onError);
      socket.pause();
      if (error) reject(error);
      else resolve(bytes);
    };
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (prefaceState(bytes) !== 'incomplete') done();
    };
    const onEnd = () => done(new Error('connection ended before its first request'));
    const onError = (error: Error) => done(error);
    socket.on('data', onData).once('end', onEnd).once('error', onError);
    socket.resume();
  });
}

/** The cleartext HTTP/2 (h2c prior knowledge) side of an entry point. */
export interface CleartextHttp2 {
  server: Http2Server;
  /** Serves a connection whose peeked bytes (the preface) are handed back with it. */
  accept(socket: Socket, bytes: Buffer): void;
  /** Asks clients to stop (GOAWAY) so in-flight streams finish. */
  drain(): void;
}

/**
 * A server for connections that open with the preface, as gRPC clients without TLS do (Traefik serves
 * h2c the same way). The HTTP/1.1 `Upgrade: h2c` path stays refused: it is a request-smuggling vector.
 * Sessions get the entry point's idle, header and read timeouts when `timeouts` is given.
 */
export function createCleartextHttp2(options: http2.ServerOptions, timeouts?: Http2Timeouts): CleartextHttp2 {
  const server = http2.createServer(options);
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    if (timeouts) guardHttp2Session(session, timeouts);
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return {
    server,
    accept(socket, bytes) {
      // The session reads what is buffered on the socket before its handle.
      socket.unshift(bytes);
      server.emit('connection', socket);
    },
    drain() {
      for (const session of sessions) session.close();
    },
  };
}
