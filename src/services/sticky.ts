import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StickyCookieConfig } from '../config/dynamic-schema.js';

/** A resolved `sticky.cookie`: the name is always set. */
export interface StickyCookie {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: 'none' | 'lax' | 'strict';
  maxAge: number;
  path: string;
  domain?: string;
}

/** Traefik's default cookie name: `_` and 5 hex digits of sha1("_TRAEFIK_BACKEND_" + service), so migrated cookies keep working. */
export function defaultCookieName(serviceName: string): string {
  return `_${createHash('sha1').update(`_TRAEFIK_BACKEND_${serviceName}`).digest('hex').slice(0, 5)}`;
}

/** Resolves the cookie settings, defaulting the name from the service name and the path to "/". */
export function resolveStickyCookie(config: StickyCookieConfig, serviceName: string): StickyCookie {
  // RFC 6265 §4.1.1 token characters only; anything else would make browsers drop the cookie.
  const name = config.name ? config.name.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, '_') : defaultCookieName(serviceName);
  return {
    name,
    secure: config.secure ?? false,
    httpOnly: config.httpOnly ?? false,
    ...(config.sameSite ? { sameSite: config.sameSite } : {}),
    maxAge: config.maxAge ?? 0,
    path: config.path || '/',
    ...(config.domain ? { domain: config.domain } : {}),
  };
}

/**
 * The cookie value naming a server URL or child service: 16 hex digits of its sha256, so the cookie
 * does not reveal internal addresses to clients (Traefik v3 hashes too).
 */
export function stickyValue(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Reads one cookie from the request's Cookie header(s). */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** Serialises the Set-Cookie line for `value`. */
export function formatCookie(cookie: StickyCookie, value: string): string {
  const parts = [`${cookie.name}=${value}`, `Path=${cookie.path}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  // Go's http.Cookie semantics, which Traefik users configure against: negative means "delete now".
  if (cookie.maxAge > 0) parts.push(`Max-Age=${cookie.maxAge}`);
  else if (cookie.maxAge < 0) parts.push('Max-Age=0');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.secure) parts.push('Secure');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite[0]!.toUpperCase()}${cookie.sameSite.slice(1)}`);
  return parts.join('; ');
}

/** Adds the sticky cookie to the response, after any Set-Cookie already there (an outer level's cookie). */
export function appendStickyCookie(res: ServerResponse, cookie: StickyCookie, value: string): void {
  const existing = res.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('set-cookie', [...list, formatCookie(cookie, value)]);
}

/**
 * What a sticky cookie can name, in balancing order: each item's cookie value (a hash of its key) and, accepted
 * too, its raw key (Traefik v2 cookies carry the server URL). Looked up by map, first item winning as a scan in
 * order would: a scan cost every sticky request time linear in the servers (44 µs at 1,000, issue 8).
 */
export class StickyItems {
  /** The cookie value of each item. */
  readonly values: readonly string[];
  readonly #index = new Map<string, number>();

  constructor(keys: readonly string[]) {
    this.values = keys.map(stickyValue);
    for (let i = 0; i < keys.length; i++) {
      if (!this.#index.has(this.values[i]!)) this.#index.set(this.values[i]!, i);
      if (!this.#index.has(keys[i]!)) this.#index.set(keys[i]!, i);
    }
  }

  /** The item a cookie names, by value or raw key; -1 when none. */
  find(sent: string): number {
    return this.#index.get(sent) ?? -1;
  }
}

/**
 * Picks the pinned item when the cookie names one that is `eligible`; otherwise asks `balance()`
 * and (re)writes the cookie so the client sticks to the new choice. Returns -1 when nothing is eligible.
 */
export function pickSticky(
  req: IncomingMessage,
  res: ServerResponse,
  cookie: StickyCookie,
  items: StickyItems,
  eligible: (index: number) => boolean,
  balance: () => number,
): number {
  const sent = readCookie(req, cookie.name);
  if (sent !== undefined) {
    // Traefik v2 cookies carry the raw server URL; accepting it keeps sessions pinned across a migration.
    const pinned = items.find(sent);
    if (pinned !== -1 && eligible(pinned)) return pinned;
  }
  const chosen = balance();
  if (chosen !== -1 && sent !== items.values[chosen]) appendStickyCookie(res, cookie, items.values[chosen]!);
  return chosen;
}
