import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { isManagedHeader } from './managed-headers.js';
import { NO_STRINGS } from '../empty.js';

/** Header fields that only describe one connection, per RFC 9110 §7.6.1 (plus the legacy `Proxy-Connection`). */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'trailer',
];

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/** Headers of either direction, as Node stores them (lower-case names). */
export type HeaderMap = IncomingHttpHeaders | OutgoingHttpHeaders;

/** Options for {@link stripHopByHop}. */
export interface StripOptions {
  /** Keep `Upgrade: websocket` and `Connection: Upgrade` for a WebSocket handshake. */
  keepUpgrade?: boolean;
}

/** Lower-cased tokens of every `Connection` field line. */
export function connectionTokens(headers: HeaderMap): readonly string[] {
  const raw = headers.connection;
  // Runs on every request and response: the common single-token line needs no list building.
  if (raw === undefined) return NO_STRINGS;
  if (typeof raw === 'string' && !raw.includes(',')) {
    const token = raw.trim().toLowerCase();
    return token === '' ? NO_STRINGS : [token];
  }
  const lines = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)];
  return lines
    .flatMap((line) => line.split(','))
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}

/**
 * The names a forwarded message must not carry: the hop-by-hop fields plus those its `Connection`
 * lines list, the gateway's own forwarding headers excepted (CVE-2024-45410). Built for copying a
 * message's headers in one pass instead of deleting from a copy, which leaves V8 a slow dictionary
 * object on every request; the common `keep-alive` line needs no new set.
 */
export function droppedNames(connection: string | string[] | number | undefined): ReadonlySet<string> {
  if (connection === undefined) return HOP_BY_HOP;
  // `keep-alive` or `close` alone, as nearly every message has it: no token list at all.
  if (typeof connection === 'string' && !connection.includes(',')) {
    const token = connection.trim().toLowerCase();
    if (token === '' || HOP_BY_HOP.has(token) || isManagedHeader(token)) return HOP_BY_HOP;
  }
  const tokens = connectionTokens({ connection: connection as string | string[] });
  if (tokens.every((token) => HOP_BY_HOP.has(token) || isManagedHeader(token))) return HOP_BY_HOP;
  const names = new Set(HOP_BY_HOP);
  for (const token of tokens) if (!isManagedHeader(token)) names.add(token);
  return names;
}

/** True when the headers ask for a WebSocket upgrade (`Upgrade: websocket` and `Connection: upgrade`). */
export function isWebSocketUpgrade(headers: HeaderMap): boolean {
  const upgrade = headers.upgrade;
  const value = Array.isArray(upgrade) ? upgrade.join(',') : String(upgrade ?? '');
  return value.trim().toLowerCase() === 'websocket' && connectionTokens(headers).includes('upgrade');
}

/**
 * Removes hop-by-hop fields in place and returns the same object; used on requests before
 * forwarding and on responses before relaying (RFC 9110 §7.6.1 applies in both directions).
 */
export function stripHopByHop<H extends HeaderMap>(headers: H, options: StripOptions = {}): H {
  const keepUpgrade = options.keepUpgrade === true && isWebSocketUpgrade(headers);
  for (const token of connectionTokens(headers)) {
    // CVE-2024-45410: a client must not be able to delete the gateway's own forwarding headers.
    if (isManagedHeader(token)) continue;
    delete headers[token];
  }
  for (const name of HOP_BY_HOP_HEADERS) delete headers[name];
  // TE: trailers would be kept here once gRPC over HTTP/2 is forwarded; HTTP/1.1 servers never need it.
  if (keepUpgrade) {
    // Only `websocket` is ever tunnelled: h2c and others would let a client bypass routing (h2csmuggler).
    headers.upgrade = 'websocket';
    headers.connection = 'Upgrade';
  }
  return headers;
}
