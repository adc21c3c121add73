import type { IncomingMessage } from 'node:http';

/**
 * True when an HTTP/1 request has a body: a Transfer-Encoding, or a Content-Length above 0
 * (RFC 9112 §6.3: without either there is none). An HTTP/2 request can have a body without either,
 * so callers that serve HTTP/2 decide that case themselves.
 */
export function hasRequestBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number.parseInt(length, 10) > 0;
}
