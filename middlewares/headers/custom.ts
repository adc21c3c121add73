import type { IncomingMessage, ServerResponse } from 'node:http';
import { getContext } from '../../src/http/context.js';
import { canonicalHost } from '../../src/rules/compile.js';

/** One configured header, normalised once when the middleware is built: its name as written (trimmed), lower-cased, and the value ('' removes). */
export interface HeaderEdit {
  name: string;
  key: string;
  value: string;
}

/**
 * Normalises a configured header map into the edits to make, in order. A name configured twice in
 * different cases is one header: the last entry decides, as applying them one after another would.
 */
export function compileHeaderEdits(headers: Record<string, string> | undefined): HeaderEdit[] {
  const byKey = new Map<string, HeaderEdit>();
  for (const [raw, value] of Object.entries(headers ?? {})) {
    const name = raw.trim();
    const key = name.toLowerCase();
    byKey.delete(key);
    byKey.set(key, { name, key, value });
  }
  return [...byKey.values()];
}

/** Sets (or, for an empty value, removes) the configured request headers; `Host` changes the Host sent upstream. */
export function applyRequestHeaders(req: IncomingMessage, edits: readonly HeaderEdit[]): void {
  for (const { key, value } of edits) {
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
export function applyResponseHeaders(res: ServerResponse, edits: readonly HeaderEdit[]): void {
  for (const { name, value } of edits) {
    if (value === '') res.removeHeader(name);
    else res.setHeader(name, value);
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
