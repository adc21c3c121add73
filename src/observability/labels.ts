import type { IncomingMessage } from 'node:http';

/** The `protocol` label of a request, as Traefik names it. */
export type RequestProtocol = 'http' | 'websocket' | 'sse' | 'grpc';

// RFC 9110 §9 plus PATCH (RFC 5789): anything else is folded into one label value to bound cardinality.
const STANDARD_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** The `method` label: the verb itself when standard, `EXTENSION_METHOD` otherwise. */
export function methodLabel(method: string | undefined): string {
  const verb = method ?? 'GET';
  return STANDARD_METHODS.has(verb) ? verb : 'EXTENSION_METHOD';
}

/** Classifies a request as WebSocket, server-sent events, gRPC or plain HTTP, from its headers. */
export function protocolOf(req: IncomingMessage): RequestProtocol {
  const headers = req.headers;
  if ((headers.upgrade ?? '').toLowerCase() === 'websocket') return 'websocket';
  if ((headers.accept ?? '').toLowerCase().includes('text/event-stream')) return 'sse';
  if ((headers['content-type'] ?? '').toLowerCase().startsWith('application/grpc')) return 'grpc';
  return 'http';
}

/** Writes a header name as Go's canonical MIME form (`user-agent` → `User-Agent`), as Traefik's field names do. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((part) => (part ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('-');
}
