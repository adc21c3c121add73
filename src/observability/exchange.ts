import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestContext } from '../http/context.js';
import { headersAsWritten } from '../http/response-head.js';
import { methodLabel, protocolOf, type RequestProtocol } from './labels.js';

/** What is known about one request once its response is complete (or the client gave up). */
export interface FinishedExchange {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: RequestContext;
  /** Wall-clock start, ms since the epoch (sub-millisecond precision). */
  startEpochMs: number;
  durationMs: number;
  /** The status the client got; 499 when it went away before any answer. */
  status: number;
  /** `method` label: the verb, or EXTENSION_METHOD. */
  method: string;
  protocol: RequestProtocol;
  /** Body bytes read from the client and written to it (headers excluded). */
  requestBytes: number;
  responseBytes: number;
  /** Retries a retrying middleware made (ctx.attempt counts attempts from 1). */
  retries: number;
  /** True when the connection closed before the response was complete. */
  aborted: boolean;
  /** The router's `observability` switches (Traefik v3.1+): each feature is on unless its router turned it off. */
  observe: { accessLogs: boolean; metrics: boolean; tracing: boolean };
  /** The response headers sent, lower-cased names (writeHead's fast path leaves getHeaders() empty). */
  responseHeaders(): OutgoingHttpHeaders;
}

/** A feature's per-request hook: called at the request's start, it returns what to run at its end. */
export type ExchangeStart = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => ((done: FinishedExchange) => void) | undefined;

const ALL_ON = { accessLogs: true, metrics: true, tracing: true };

type Chunk = string | Uint8Array | undefined | null | ((error?: Error | null) => void);

function sizeOf(chunk: Chunk, encoding?: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/**
 * Measures one exchange and calls `done` once. Byte counts wrap this request's own `push` (the HTTP
 * parser hands body chunks there) and this response's `write`/`end`, so keep-alive connections that
 * carry many requests are counted per request, without ever putting the request stream in flowing mode.
 */
export function observeExchange(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, done: (exchange: FinishedExchange) => void): void {
  const startEpochMs = performance.timeOrigin + ctx.start;
  // Read now: forwarding may strip the Upgrade header before the request ends.
  const protocol = protocolOf(req);
  let requestBytes = 0;
  let responseBytes = 0;
  let sniffed: number | undefined;
  const push = req.push;
  req.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    requestBytes += sizeOf(chunk as Chunk, encoding);
    return push.call(this, chunk, encoding);
  };
  const write = res.write;
  res.write = function (this: ServerResponse, chunk: Chunk, ...rest: unknown[]) {
    responseBytes += sizeOf(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  const end = res.end;
  res.end = function (this: ServerResponse, chunk?: Chunk, ...rest: unknown[]) {
    responseBytes += sizeOf(chunk, rest[0]);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  let headArgument: unknown;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    headArgument = typeof args[1] === 'string' || args[1] === undefined ? args[2] : args[1];
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  // A WebSocket answer is written straight to the socket: read its status from the first bytes.
  if (ctx.upgrade) sniffStatus(ctx.upgrade.socket, (status) => (sniffed = status));

  let finished = false;
  const complete = (aborted: boolean): void => {
    if (finished) return;
    finished = true;
    const status = aborted ? (sniffed ?? (res.headersSent ? res.statusCode : 499)) : res.statusCode;
    const durationMs = performance.now() - ctx.start;
    // Read the context one turn later: a retrying middleware copies the kept attempt's router, service
    // and server into it only after that attempt's response has ended.
    setImmediate(() => report(status, durationMs, aborted));
  };
  const report = (status: number, durationMs: number, aborted: boolean): void => {
    const attempt = ctx.attempt ?? 1;
    done({
      req,
      res,
      ctx,
      startEpochMs,
      durationMs,
      status,
      method: methodLabel(req.method),
      protocol,
      requestBytes,
      responseBytes,
      retries: attempt > 1 ? attempt - 1 : 0,
      aborted: aborted && sniffed !== 101,
      observe: ALL_ON,
      responseHeaders: () => headersAsWritten(res.getHeaders(), headArgument),
    });
  };
  res.once('finish', () => complete(false));
  res.once('close', () => complete(true));
  ctx.upgrade?.socket.once('close', () => complete(true));
}

function sniffStatus(socket: Duplex, found: (status: number) => void): void {
  const write = socket.write;
  socket.write = function (this: Duplex, chunk: unknown, ...rest: unknown[]) {
    socket.write = write;
    const head = typeof chunk === 'string' ? chunk.slice(0, 16) : chunk instanceof Uint8Array ? Buffer.from(chunk.subarray(0, 16)).toString('latin1') : '';
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (match) found(Number(match[1]));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof socket.write;
}

