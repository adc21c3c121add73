import { ServerResponse, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { createDiscardSocket } from '../../src/services/sink-response.js';

/** The head of a downstream response, seen before anything reaches the client. */
export interface CapturedHead {
  status: number;
  reason: string | undefined;
  headers: OutgoingHttpHeaders;
  /** True when the gateway itself answered 502/504 because the server could not be reached or failed before answering. */
  networkError: boolean;
}

/** What to do with a captured response: relay it to the client as it streams, drop it, or collect it. */
export type CaptureMode = 'pass' | 'discard' | 'collect';

/** Callbacks of a capture: decide at the head; receive collected chunks; learn the end. */
export interface CaptureHooks {
  onHead(head: CapturedHead): CaptureMode;
  onChunk?(chunk: Buffer): void;
}

/**
 * The forwarder answers a failed exchange through sendGatewayError, which first removes every header already
 * set; this header, set before the downstream runs and gone at writeHead, tells that answer apart from a
 * server's own 502/504.
 */
export const CAPTURE_PROBE = 'x-switchyard-capture-probe';

function toBuffer(chunk: unknown, encoding?: BufferEncoding): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), encoding ?? 'utf8');
}

function headerObject(headers: unknown): OutgoingHttpHeaders {
  if (!headers) return {};
  if (!Array.isArray(headers)) return headers as OutgoingHttpHeaders;
  // The flat [name, value, name, value] form.
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = headers[i + 1] as string;
  return out;
}

/**
 * A real ServerResponse handed to the downstream handler in place of the client's, so a middleware can
 * decide at the response head whether the client sees this attempt (retry, buffering). In `pass` mode
 * every write goes straight to the client with its backpressure; if the client leaves, this response is
 * destroyed too, so the forwarder aborts the exchange.
 */
class CaptureResponse extends ServerResponse {
  mode: CaptureMode | undefined;
  readonly real: ServerResponse;
  readonly hooks: CaptureHooks;
  readonly ended: Promise<void>;
  #resolve!: () => void;

  constructor(req: IncomingMessage, real: ServerResponse, hooks: CaptureHooks) {
    super(req);
    this.real = real;
    this.hooks = hooks;
    this.ended = new Promise((resolve) => (this.#resolve = resolve));
    this.assignSocket(createDiscardSocket(req.socket as Socket));
    this.setHeader(CAPTURE_PROBE, '1');
    this.once('finish', () => this.#resolve());
    this.once('close', () => this.#resolve());
  }

  override writeHead(status: number, reason?: unknown, headers?: unknown): this {
    if (this.headersSent) return this;
    if (typeof reason !== 'string') {
      headers = reason;
      reason = undefined;
    }
    const networkError = !this.hasHeader(CAPTURE_PROBE) && (status === 502 || status === 504);
    this.removeHeader(CAPTURE_PROBE);
    const merged: OutgoingHttpHeaders = { ...this.getHeaders(), ...headerObject(headers) };
    this.mode = this.hooks.onHead({ status, reason: reason as string | undefined, headers: merged, networkError });
    if (this.mode === 'pass' && !this.real.headersSent) {
      if (reason) this.real.writeHead(status, reason as string, merged);
      else this.real.writeHead(status, merged);
    }
    return super.writeHead(status, reason as string | undefined, headers as OutgoingHttpHeaders);
  }

  override write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    const callback = typeof encoding === 'function' ? encoding : cb;
    const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (this.mode === 'pass') return this.real.write(toBuffer(chunk, enc), callback as () => void);
    if (this.mode === 'collect') this.hooks.onChunk?.(toBuffer(chunk, enc));
    if (typeof callback === 'function') process.nextTick(callback as () => void);
    return true;
  }

  override end(chunk?: unknown, encoding?: unknown, cb?: unknown): this {
    if (typeof chunk === 'function') [cb, chunk] = [chunk, undefined];
    else if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (this.mode === 'pass') this.real.end();
    return super.end(cb as () => void);
  }

  // 103 hints come before any decision and are advisory, so the client may have them whichever attempt is kept.
  override writeEarlyHints(hints: Record<string, string | string[]>, cb?: () => void): void {
    if (!this.real.headersSent && !this.real.destroyed) this.real.writeEarlyHints(hints, cb);
  }

  override flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (this.mode === 'pass') this.real.flushHeaders();
  }

  override destroy(error?: Error): this {
    // A response broken mid-body must look broken to the client too (Go's ReverseProxy aborts the connection).
    if (this.mode === 'pass') this.real.destroy();
    this.#resolve();
    return super.destroy(error);
  }
}

/** A capture in progress: the response to give downstream, and how it went. */
export interface Capture {
  res: ServerResponse;
  /** Settles when the downstream finished or abandoned this response. */
  ended: Promise<void>;
  mode(): CaptureMode | undefined;
  /** True when the downstream destroyed the response instead of ending it (a broken upstream body). */
  broken(): boolean;
}

/** Starts capturing the response of one downstream attempt at `req`, relaying to `real` when the hooks say so. */
export function captureResponse(req: IncomingMessage, real: ServerResponse, hooks: CaptureHooks): Capture {
  const res = new CaptureResponse(req, real, hooks);
  const onDrain = (): boolean => res.emit('drain');
  // Only a client that left before its response was complete aborts the attempt.
  const onClose = (): void => {
    if (!real.writableFinished && !res.writableFinished) res.destroy();
  };
  real.on('drain', onDrain);
  real.once('close', onClose);
  void res.ended.then(() => {
    real.off('drain', onDrain);
    real.off('close', onClose);
  });
  return { res, ended: res.ended, mode: () => res.mode, broken: () => res.destroyed && !res.writableFinished };
}
