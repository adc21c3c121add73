import http2, { type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import type { ConnectionOptions } from 'node:tls';

/** One gRPC health probe: where to connect and what to send. */
export interface GrpcProbeTarget {
  /** `http:`/`h2c:` (cleartext HTTP/2 with prior knowledge) or `https:` (HTTP/2 over TLS), host and port. */
  url: URL;
  /** TLS settings of the service's transport, for `https:`. */
  tls?: ConnectionOptions;
  /** Sent as `:authority` (the health check's `hostname`); the URL's host when absent. */
  authority?: string;
  /** Extra request metadata (the health check's `headers`). */
  metadata?: Record<string, string>;
  /** The probe's deadline, also sent as `grpc-timeout`. */
  timeoutMs: number;
  signal: AbortSignal;
}

// grpc.health.v1.HealthCheckResponse.ServingStatus (grpc/health/v1/health.proto).
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/**
 * Calls grpc.health.v1.Health/Check with an empty service name (the server as a whole, as Traefik
 * asks) over a fresh HTTP/2 connection; resolves when the answer is SERVING, else rejects saying why.
 * The request is one empty length-prefixed message, so it is framed by hand.
 */
export function grpcHealthProbe(target: GrpcProbeTarget): Promise<void> {
  const secure = target.url.protocol === 'https:';
  const origin = `${secure ? 'https' : 'http'}://${target.url.host}`;
  return new Promise<void>((resolve, reject) => {
    let session: ClientHttp2Session | undefined;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      target.signal.removeEventListener('abort', onAbort);
      session?.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(target.signal.reason instanceof Error ? target.signal.reason : new Error('aborted'));
    if (target.signal.aborted) return onAbort();
    target.signal.addEventListener('abort', onAbort);
    session = http2.connect(origin, secure ? { ...target.tls, ALPNProtocols: ['h2'] } : {});
    session.on('error', (error: Error) => finish(error));
    const stream = session.request({
      ...target.metadata,
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      ':authority': target.authority ?? target.url.host,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': `${Math.max(1, Math.ceil(target.timeoutMs))}m`,
    });
    let head: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (headers) => (head = headers));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('trailers', (trailers) => (head = { ...head, ...trailers }));
    stream.on('error', (error: Error) => finish(error));
    stream.on('end', () => finish(verdict(head, Buffer.concat(chunks))));
    stream.on('close', () => finish(new Error(`stream closed (code ${stream.rstCode ?? 0})`)));
    stream.end(Buffer.alloc(5));
  });
}

/** Undefined for SERVING, else the reason the server is not healthy. */
function verdict(fields: IncomingHttpHeaders, body: Buffer): Error | undefined {
  if (Number(fields[':status']) !== 200) return new Error(`HTTP status ${String(fields[':status'])}`);
  const code = Number(fields['grpc-status'] ?? NaN);
  if (code !== 0) return new Error(`gRPC status ${String(fields['grpc-status'] ?? 'missing')}${fields['grpc-message'] ? `: ${decodeURIComponent(String(fields['grpc-message']))}` : ''}`);
  if (body.length < 5 || body[0] !== 0) return new Error('no health check response message');
  const status = servingStatus(body.subarray(5, 5 + body.readUInt32BE(1)));
  return status === 1 ? undefined : new Error(`serving status ${STATUS_NAMES[status] ?? status}`);
}

/** Field 1 (the enum, a varint) of HealthCheckResponse; 0 (UNKNOWN) when absent (proto3 default). */
function servingStatus(message: Buffer): number {
  let at = 0;
  let status = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; at < message.length; shift += 7) {
      const byte = message[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    return value;
  };
  while (at < message.length) {
    const key = varint();
    const wire = key & 7;
    if (key >>> 3 === 1 && wire === 0) status = varint();
    else if (wire === 0) varint();
    else if (wire === 2) at += varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else break;
  }
  return status;
}
