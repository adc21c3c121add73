import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { headersAsWritten } from '../../src/http/response-head.js';

/** A response head as the inner handler wrote it: status, reason phrase and every header (setHeader ones merged in). */
export interface ResponseHead {
  status: number;
  reason?: string;
  headers: OutgoingHttpHeaders;
}

/** The response's own methods as they were before interception: what an interceptor writes to. */
export interface ResponseSink {
  writeHead(head: ResponseHead): void;
  write(chunk: Buffer): boolean;
  end(): void;
  /** Sends the head now rather than with the first body bytes; a no-op until `writeHead` was called. */
  flushHeaders(): void;
}

/** What an interceptor does with each part of the response the inner handler writes. */
export interface ResponseInterceptor {
  head(head: ResponseHead): void;
  /** Returns false to ask the writer to wait for the response's 'drain'. */
  write(chunk: Buffer): boolean;
  end(): void;
  /** The inner handler asked for the head to go out now (server-sent events). */
  flush?(): void;
}

type Callback = (err?: Error | null) => void;

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}


/**
 * Replaces `res.writeHead`, `write`, `end` and `flushHeaders` so that everything the inner handler
 * (the forwarder, or a middleware answering itself) writes goes to the interceptor, which decides what
 * reaches the client through the returned sink. A write or end without writeHead makes an implicit head
 * from `res.statusCode` and the headers set so far, as Node would.
 */
export function interceptResponse(res: ServerResponse, make: (sink: ResponseSink) => ResponseInterceptor): ResponseSink {
  // Loosely typed: Node's overloads cannot be called through `.call` with a union of argument lists.
  const original = {
    writeHead: res.writeHead as (...args: unknown[]) => ServerResponse,
    write: res.write as (...args: unknown[]) => boolean,
    end: res.end as (...args: unknown[]) => ServerResponse,
    flushHeaders: res.flushHeaders,
  };
  let headWritten = false;
  const sink: ResponseSink = {
    writeHead(head) {
      headWritten = true;
      // The head is passed whole, so headers set earlier must not be merged a second time.
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      original.writeHead.call(res, head.status, head.reason, head.headers);
    },
    write: (chunk) => original.write.call(res, chunk),
    end: () => void original.end.call(res),
    flushHeaders() {
      // Node's flushHeaders would make an implicit head through the patched writeHead, which is swallowed.
      if (headWritten) original.flushHeaders.call(res);
    },
  };
  const interceptor = make(sink);
  let headDone = false;
  let ended = false;
  const implicitHead = (): void => {
    if (headDone) return;
    headDone = true;
    interceptor.head({ status: res.statusCode, reason: res.statusMessage || undefined, headers: headersAsWritten(res.getHeaders(), undefined) });
  };

  res.writeHead = function (status: number, reasonOrHeaders?: unknown, maybeHeaders?: unknown) {
    if (headDone) return res;
    headDone = true;
    const reason = typeof reasonOrHeaders === 'string' ? reasonOrHeaders : undefined;
    const given = typeof reasonOrHeaders === 'string' ? maybeHeaders : (reasonOrHeaders ?? maybeHeaders);
    interceptor.head({ status, reason, headers: headersAsWritten(res.getHeaders(), given) });
    return res;
  } as ServerResponse['writeHead'];

  res.write = function (chunk: unknown, encoding?: unknown, callback?: unknown) {
    implicitHead();
    const cb = (typeof encoding === 'function' ? encoding : callback) as Callback | undefined;
    const buffer = toBuffer(chunk, encoding);
    const ok = buffer.length > 0 && !ended ? interceptor.write(buffer) : true;
    if (cb) process.nextTick(cb);
    return ok;
  } as ServerResponse['write'];

  res.end = function (chunk?: unknown, encoding?: unknown, callback?: unknown) {
    const cb = [chunk, encoding, callback].find((v) => typeof v === 'function') as Callback | undefined;
    implicitHead();
    if (!ended) {
      const buffer = typeof chunk === 'function' ? Buffer.alloc(0) : toBuffer(chunk, encoding);
      if (buffer.length > 0) interceptor.write(buffer);
      ended = true;
      interceptor.end();
    }
    if (cb) res.once('finish', () => cb());
    return res;
  } as ServerResponse['end'];

  res.flushHeaders = function () {
    implicitHead();
    if (interceptor.flush) interceptor.flush();
    else sink.flushHeaders();
  };
  return sink;
}
