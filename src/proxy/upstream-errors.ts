import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS } from '../errors.js';
import type { ForwardOutcome } from './forwarder.js';

/** The failure kinds a forward can end with. */
export type ForwardError = NonNullable<ForwardOutcome['error']>;

const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TIMEOUTS = new Set(['ETIMEDOUT', 'ECONNECT_TIMEOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Classifies an upstream error the way Traefik's `ComputeStatusCode` does: timeouts are 504,
 * every other network failure 502 (security reference §2.13).
 */
export function classifyUpstreamError(err: unknown, timedOut: boolean): ForwardError {
  if (timedOut) return 'timeout';
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'reset';
  if (TIMEOUTS.has(code)) return 'timeout';
  if (REFUSED.has(code)) return 'refused';
  if (code.startsWith('HPE_') || code === 'ERR_HTTP_INVALID_STATUS_CODE') return 'bad-response';
  return 'reset';
}

/** The status reported for a failure kind. */
export function statusFor(error: ForwardError): number {
  if (error === 'timeout') return ERRORS.SY_ERR_UPSTREAM_TIMEOUT.status;
  if (error === 'client-gone') return ERRORS.SY_ERR_CLIENT_CLOSED.status;
  return ERRORS.SY_ERR_UPSTREAM_BAD_GATEWAY.status;
}

function textFor(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/**
 * Answers with a gateway error when nothing was sent yet; once headers went out the connection
 * is destroyed instead, so the client sees a visibly broken response rather than appended bytes.
 */
export function sendGatewayError(res: ServerResponse, status: number, options: { close?: boolean } = {}): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const body = `${textFor(status)}\n`;
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(options.close ? { connection: 'close' } : {}),
    });
    res.end(res.req?.method === 'HEAD' ? undefined : body);
  } catch {
    res.destroy();
  }
}

/** Writes a complete HTTP/1.1 response on a raw socket (an upgrade request has no ServerResponse yet) and closes it. */
export function writeRawResponse(socket: Duplex, status: number): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${textFor(status)}\n`;
  const head = `HTTP/1.1 ${status} ${textFor(status)}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.end(head + body);
  // A peer that never reads must not keep the socket open forever.
  setTimeout(() => socket.destroy(), 5000).unref();
}
