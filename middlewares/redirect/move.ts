import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { getContext } from '../../src/http/context.js';
import { sendPlain } from '../path/rewrite.js';

/**
 * The redirect status: 302 / 301 (permanent) for GET and HEAD, 307 / 308 for other methods so
 * the client repeats the method and body (RFC 9110 §15.4). Traefik treats HEAD like POST here;
 * Switchyard answers HEAD as it answers GET (RFC 9110 §9.3.2).
 */
export function redirectStatus(method: string | undefined, permanent: boolean): number {
  const safe = method === 'GET' || method === 'HEAD';
  if (permanent) return safe ? 301 : 308;
  return safe ? 302 : 307;
}

/** Answers with a redirect to `location`, the status text as a plain-text body; 500 when the location cannot be a header. */
export function sendRedirect(req: IncomingMessage, res: ServerResponse, location: string, permanent: boolean): void {
  // Node refuses control characters in a header value; a replacement must not inject a header (CWE-113).
  if (/[\u0000-\u0020\u007f]/.test(location)) {
    sendPlain(req, res, 500, 'Internal Server Error');
    return;
  }
  const status = redirectStatus(req.method, permanent);
  res.setHeader('location', location);
  sendPlain(req, res, status, STATUS_CODES[status] ?? 'Redirect');
}

/**
 * The scheme the client used: `https` over TLS, else `http`, overridden by `X-Forwarded-Proto`,
 * which the entry point has already replaced unless the peer is trusted (`forwardedHeaders`);
 * `ws` / `wss` there count as `http` / `https`.
 */
export function requestScheme(req: IncomingMessage): 'http' | 'https' {
  const ctx = getContext(req);
  let scheme: 'http' | 'https' = ctx.tls ? 'https' : 'http';
  const header = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  if (proto === 'http' || proto === 'ws') scheme = 'http';
  else if (proto === 'https' || proto === 'wss') scheme = 'https';
  return scheme;
}

/** The Host the client asked for, port included (HTTP/2 sends it as `:authority`). */
export function requestHost(req: IncomingMessage): string {
  return req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? '';
}

/** Splits a Host header into host (IPv6 brackets kept) and port ('' when absent). */
export function splitHostPort(host: string): { host: string; port: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
  if (!match) return { host, port: '' };
  return { host: match[1] ?? '', port: match[2] ?? '' };
}
