import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { ForwardError } from './upstream-errors.js';

/** gRPC status codes the gateway itself answers with (grpc/doc/statuscodes.md). */
export const GRPC_STATUS = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** True for a gRPC request (`application/grpc`, `application/grpc+proto`, …), not gRPC-Web. */
export function isGrpcRequest(headers: IncomingHttpHeaders): boolean {
  const type = (headers['content-type'] ?? '').toLowerCase();
  return type === 'application/grpc' || type.startsWith('application/grpc+') || type.startsWith('application/grpc;');
}

const UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/**
 * The `grpc-timeout` header in milliseconds (gRPC over HTTP/2 spec: 1–8 digits and a unit H M S m u n),
 * or undefined when absent or malformed (a malformed one is forwarded untouched and not enforced).
 */
export function grpcTimeoutMs(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['grpc-timeout'];
  const match = typeof value === 'string' ? /^(\d{1,8})([HMSmun])$/.exec(value.trim()) : null;
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2]!]!;
}

/**
 * The gRPC status a gateway failure is reported with: a server that cannot be reached or broke the
 * exchange is UNAVAILABLE (the client may retry), an expired `grpc-timeout` DEADLINE_EXCEEDED, and a
 * gateway-side HTTP status follows gRPC's HTTP-to-gRPC mapping (grpc/doc/http-grpc-status-mapping.md).
 */
export function grpcStatusFor(error: ForwardError | 'deadline' | undefined, httpStatus: number): number {
  if (error === 'deadline') return GRPC_STATUS.DEADLINE_EXCEEDED;
  if (error === 'client-gone') return GRPC_STATUS.CANCELLED;
  if (error !== undefined) return GRPC_STATUS.UNAVAILABLE;
  if (httpStatus === 501) return GRPC_STATUS.UNIMPLEMENTED;
  if (httpStatus === 400) return GRPC_STATUS.INTERNAL;
  if (httpStatus === 429 || httpStatus === 502 || httpStatus === 503 || httpStatus === 504) return GRPC_STATUS.UNAVAILABLE;
  return GRPC_STATUS.UNKNOWN;
}

/** Percent-encodes a `grpc-message` as the spec asks (printable ASCII except `%` kept). */
export function encodeGrpcMessage(message: string): string {
  return Array.from(Buffer.from(message, 'utf8'))
    .map((byte) => (byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

const intercepted = new WeakSet<object>();

/** Marks a response whose head a middleware rewrites (gRPC-Web): it must always be written through `writeHead`. */
export function markResponseIntercepted(res: ServerResponse): void {
  intercepted.add(res);
}

/** True when {@link markResponseIntercepted} was called: trailers go to the middleware, whatever the client negotiated. */
export function isResponseIntercepted(res: ServerResponse): boolean {
  return intercepted.has(res);
}

/**
 * Sends a gRPC Trailers-Only response (RFC 9113 HEADERS with END_STREAM, gRPC over HTTP/2 spec): gRPC
 * clients read `grpc-status` from such headers only when the frame ends the stream, which Node's
 * compatibility `writeHead` + `end` never does, so an HTTP/2 response is answered on its stream directly.
 */
export function sendTrailersOnly(res: ServerResponse, headers: OutgoingHttpHeaders): void {
  const stream = (res as unknown as { stream?: ServerHttp2Stream }).stream;
  if (stream && !intercepted.has(res) && !stream.headersSent && !stream.destroyed) {
    res.statusCode = 200;
    stream.respond({ ...headers, ':status': 200 }, { endStream: true });
    return;
  }
  res.writeHead(200, headers);
  res.end();
}

/**
 * Answers a gRPC client with a gateway error: before any response, a Trailers-Only response (HTTP 200,
 * `grpc-status` in the headers); once a response is under way, `grpc-status` as trailers closing it.
 * Returns false when the response can no longer carry a status (ended, destroyed, or HTTP/1.1 without trailers).
 */
export function sendGrpcError(res: ServerResponse, status: number, message: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  const fields = { 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(message) };
  try {
    if (!res.headersSent) {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendTrailersOnly(res, { 'content-type': 'application/grpc', ...fields });
      return true;
    }
    // HTTP/1.1 responses framed by Content-Length cannot take trailers.
    if ((res.req?.httpVersionMajor ?? 2) < 2 && !res.chunkedEncoding) return false;
    res.addTrailers(fields);
    res.end();
    return true;
  } catch {
    return false;
  }
}
