import type { IncomingMessage, ServerResponse } from 'node:http';
import { getContext } from '../../src/http/context.js';
import { canonicalHost } from '../../src/rules/compile.js';

/** Sets (or, for an empty value, removes) the configured request headers; `Host` changes the Host sent upstream. */
export function applyRequestHeaders(req: IncomingMessage, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    const key = name.trim().toLowerCase();
    if (value === '') {
      delete req.headers[key];
    } else if (key === 'host') {
      req.headers.host = value;
      getContext(req).host = canonicalHost(value);
    } else {
      req.headers[key] = value;
    }
  }
}

/** Sets (or, for an empty value, removes) the configured response headers, over the server's own. */
export function applyResponseHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (value === '') res.removeHeader(name.trim());
    else res.setHeader(name.trim(), value);
  }
}

/** Checks header names and values at configuration time, so a bad one disables the middleware instead of failing requests. */
export function checkHeaderMap(key: string, headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    // RFC 9110 §5.1 token and §5.5 field value (no CR, LF or NUL).
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name.trim())) throw new Error(`${key}: invalid header name "${name}"`);
    if (/[\r\n\0]/.test(value)) throw new Error(`${key}.${name}: header value contains CR, LF or NUL`);
  }
}
