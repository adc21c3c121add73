import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Type } from '@sinclair/typebox';
import { defineMiddleware } from '../../src/middleware/definition.js';
import { markResponseIntercepted } from '../../src/proxy/grpc.js';
import { interceptResponse } from '../response/intercept.js';
import { createBase64Decoder, parseGrpcWebType, trailerFrame, type GrpcWebType } from './codec.js';

// HTTP fields of a Trailers-Only head that are not gRPC metadata.
const NOT_METADATA = new Set(['content-type', 'content-length', 'date', 'server', 'vary', 'set-cookie']);
const EXPOSED = 'grpc-status, grpc-message, grpc-status-details-bin';

function originAllowed(origin: string | undefined, allowed: readonly string[]): origin is string {
  return origin !== undefined && (allowed.includes('*') || allowed.includes(origin));
}

function isPreflight(req: IncomingMessage): boolean {
  const requested = String(req.headers['access-control-request-headers'] ?? '').toLowerCase();
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined && requested.split(',').some((h) => h.trim() === 'x-grpc-web');
}

function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): void {
  const origin = req.headers.origin;
  const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
  if (!originAllowed(origin, allowed)) {
    res.writeHead(403, { vary, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Forbidden: origin not allowed\n');
    return;
  }
  res.writeHead(204, {
    vary,
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': String(req.headers['access-control-request-headers']),
    'access-control-max-age': '600',
  });
  res.end();
}

/** Turns the request into a gRPC one: content type, and for the text form a base64 body decoded as it streams in. */
function translateRequest(req: IncomingMessage, type: GrpcWebType): void {
  req.headers['content-type'] = `application/grpc${type.suffix}`;
  if (!type.text) return;
  const hadBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined || req.httpVersionMajor >= 2;
  // The decoded body is shorter than the base64 one: its length is no longer known in advance.
  delete req.headers['content-length'];
  if (hadBody && req.httpVersionMajor < 2) req.headers['transfer-encoding'] = 'chunked';
  const decoder = createBase64Decoder();
  const push = req.push;
  req.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) {
      const rest = decoder.end();
      if (rest.length > 0) push.call(this, rest);
      return push.call(this, null);
    }
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding);
    const decoded = decoder.write(buffer);
    return decoded.length > 0 ? push.call(this, decoded) : true;
  };
}

/** Turns the gRPC response back into gRPC-Web: its content type, base64 for the text form, and the trailers as a last frame. */
function translateResponse(res: ServerResponse, type: GrpcWebType, cors: OutgoingHttpHeaders): void {
  markResponseIntercepted(res);
  const trailers: OutgoingHttpHeaders = {};
  res.addTrailers = (headers) => {
    const entries = Array.isArray(headers) ? headers : Object.entries(headers);
    for (const [name, value] of entries) trailers[String(name).toLowerCase()] = value;
  };
  const encode = (chunk: Buffer): Buffer => (type.text ? Buffer.from(chunk.toString('base64'), 'latin1') : chunk);
  let grpc = false;
  interceptResponse(res, (sink) => ({
    head(head) {
      const headers = { ...head.headers, ...cors };
      grpc = String(headers['content-type'] ?? '').toLowerCase().startsWith('application/grpc');
      if (grpc) {
        headers['content-type'] = `application/grpc-web${type.text ? '-text' : ''}${type.suffix}`;
        delete headers['content-length'];
        // A Trailers-Only answer carries the call's status and trailing metadata in its head: they move to the
        // trailer frame (clients such as connect merge head and trailer metadata, so a copy would show twice).
        if (headers['grpc-status'] !== undefined) {
          for (const [name, value] of Object.entries(head.headers)) {
            if (NOT_METADATA.has(name) || value === undefined || name.startsWith('access-control-')) continue;
            trailers[name] = value;
            delete headers[name];
          }
        }
      }
      sink.writeHead({ ...head, headers });
      sink.flushHeaders();
    },
    write(chunk) {
      return sink.write(grpc ? encode(chunk) : chunk);
    },
    end() {
      if (grpc && Object.keys(trailers).length > 0) sink.write(encode(trailerFrame(trailers)));
      sink.end();
    },
  }));
}

/**
 * `grpcWeb`: lets browsers call gRPC services. A gRPC-Web request (`application/grpc-web`, `+proto`, or the
 * base64 `application/grpc-web-text`) is forwarded as gRPC over HTTP/2, and the answer translated back, its
 * trailers sent as the final frame. Origins in `allowOrigins` get CORS headers and their preflights answered.
 */
export const grpcWebMiddleware = defineMiddleware({
  type: 'grpcWeb',
  schema: Type.Object(
    {
      allowOrigins: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { description: 'Origins allowed to call cross-origin (`*` for any); their preflights are answered. Default none.' }),
      ),
    },
    { additionalProperties: false },
  ),
  create(config, next) {
    const allowed = config.allowOrigins ?? [];
    return (req, res) => {
      if (isPreflight(req)) return answerPreflight(req, res, allowed);
      const type = parseGrpcWebType(req.headers['content-type']);
      if (!type) return next(req, res);
      const origin = req.headers.origin;
      const cors: OutgoingHttpHeaders = originAllowed(origin, allowed)
        ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': EXPOSED, vary: 'Origin' }
        : {};
      translateRequest(req, type);
      translateResponse(res, type, cors);
      return next(req, res);
    };
  },
});
