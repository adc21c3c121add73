import type { IncomingMessage, ServerResponse } from 'node:http';
import { getContext } from '../../src/http/context.js';
import { renormalizePath } from '../../src/routing/normalize-path.js';

/** Answers with a short plain-text body; never a stack trace. */
export function sendPlain(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

// A `.` or `..` segment, also spelled with %2e: Traefik answers 400 rather than resolve one a rewrite produced.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** Why a rewritten path cannot be forwarded, or undefined when it can; `path` is then the normalised form. */
export function checkRewrite(path: string): { path: string } | { error: string } {
  if (DOT_SEGMENT.test(path)) return { error: 'rewritten path contains a dot segment' };
  return renormalizePath(path);
}

/**
 * Replaces the path that is forwarded by a rewrite's result, re-normalised and re-checked
 * (GHSA-xf64-8mw2-4gr2, GHSA-6jwx-7vp4-9847: a stripped or replaced path must not smuggle `..`
 * past the router); answers 400 and returns false when the result is refused.
 */
export function applyRewrite(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const checked = checkRewrite(path);
  if ('error' in checked) {
    sendPlain(req, res, 400, 'Bad Request');
    return false;
  }
  getContext(req).path = checked.path;
  return true;
}

/** Adds a value to a request header, keeping earlier values as separate lines (Go's `Header.Add`). */
export function addRequestHeader(req: IncomingMessage, name: string, value: string): void {
  const prior = req.headers[name];
  if (prior === undefined) req.headers[name] = value;
  else req.headers[name] = [...(Array.isArray(prior) ? prior : [prior]), value];
}

/** Go's `ensureLeadingSlash`: a non-empty path gets a leading `/`. */
export function ensureLeadingSlash(path: string): string {
  return path === '' || path.startsWith('/') ? path : `/${path}`;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Spells a configured prefix the way the entry point spells paths: unreserved escapes decoded, other
 * escapes upper-cased, and spaces or non-ASCII characters percent-encoded in UTF-8. Traefik compares
 * prefixes with the decoded path, so `/my app` or `/café` must still match `/my%20app` or `/caf%C3%A9`.
 */
export function toPathForm(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const hex = text.slice(i + 1, i + 3);
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      const decoded = String.fromCharCode(Number.parseInt(hex, 16));
      out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
      i += 2;
      continue;
    }
    const cp = text.codePointAt(i) as number;
    const char = String.fromCodePoint(cp);
    out += cp <= 0x20 || cp >= 0x7f ? encodeURIComponent(char) : char;
    i += char.length - 1;
  }
  return out;
}
