import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { HOP_BY_HOP_HEADERS } from '../../src/proxy/hop-by-hop.js';

/** The auth server's answer, read whole (it is small, and may be cached). */
export interface AuthAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Go's canonical header form (`x-auth-user` → `X-Auth-User`), which authResponseHeadersRegex is matched against as in Traefik. */
export function canonicalName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function list(value: string | string[] | number | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

/** Sends a denying auth answer to the client: its status, headers (minus hop-by-hop) and body. */
export function relayDenial(res: ServerResponse, answer: AuthAnswer, address: string, preserveLocation: boolean): void {
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_BY_HOP_HEADERS.includes(name) || name === 'content-length') continue;
    res.setHeader(name, value);
  }
  const location = answer.headers.location;
  if (typeof location === 'string' && location !== '' && !preserveLocation) {
    // Go's Response.Location resolves a relative Location against the auth request's URL.
    try {
      res.setHeader('location', new URL(location, address).href);
    } catch {
      res.removeHeader('location');
    }
  }
  res.setHeader('content-length', answer.body.length);
  res.writeHead(answer.status);
  res.end(answer.body);
}

/** Copies the chosen auth response headers onto the request, replacing what the client sent (Traefik's semantics). */
export function copyAuthHeaders(req: { headers: IncomingHttpHeaders }, answer: AuthAnswer, names: string[], regex: RegExp | undefined): void {
  for (const name of names) {
    delete req.headers[name];
    const value = answer.headers[name];
    if (value !== undefined) req.headers[name] = value as string;
  }
  if (!regex) return;
  for (const name of Object.keys(req.headers)) if (regex.test(canonicalName(name))) delete req.headers[name];
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && regex.test(canonicalName(name))) req.headers[name] = value as string;
  }
}

function cookieName(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf('=') >>> 0).trim();
}

/**
 * Makes the response carry the auth server's cookies named in `names`, replacing the server's
 * cookies of the same names; applied when the response head is written, whoever writes it.
 */
export function addAuthCookies(res: ServerResponse, answer: AuthAnswer, names: Set<string>): void {
  const authCookies = list(answer.headers['set-cookie']).filter((c) => names.has(cookieName(c)));
  if (authCookies.length === 0) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    const headers = rest.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r)) as Record<string, string | string[] | number> | undefined;
    let cookies = list(res.getHeader('set-cookie') as string | string[] | undefined);
    for (const name of Object.keys(headers ?? {})) {
      if (name.toLowerCase() !== 'set-cookie') continue;
      cookies = [...cookies, ...list(headers![name])];
      delete headers![name];
    }
    const merged = [...cookies.filter((c) => !names.has(cookieName(c))), ...authCookies];
    res.removeHeader('set-cookie');
    if (headers) headers['set-cookie'] = merged;
    else res.setHeader('set-cookie', merged);
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as ServerResponse['writeHead'];
}
