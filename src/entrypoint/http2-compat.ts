import type { IncomingMessage } from 'node:http';

/**
 * Makes an HTTP/2 compatibility-API request look like an HTTP/1.1 one to the pipeline: `headers`
 * becomes assignable (the forwarder swaps in the sanitised copy for the duration of a call),
 * `headersDistinct` exists, and `host` carries `:authority` (RFC 9113 §8.3.1).
 */
export function adaptHttp2Request(req: IncomingMessage): void {
  const headers = req.headers;
  if (headers.host === undefined && typeof headers[':authority'] === 'string') headers.host = headers[':authority'];
  Object.defineProperty(req, 'headers', { value: headers, writable: true, configurable: true, enumerable: true });
  if (req.headersDistinct === undefined) {
    const distinct: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) distinct[name] = Array.isArray(value) ? value : [value];
    Object.defineProperty(req, 'headersDistinct', { value: distinct, writable: true, configurable: true });
  }
}
