import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { canonicalContentLength } from './framing.js';
import { droppedNames } from './hop-by-hop.js';

/**
 * Turns undici's raw response header list into the map Node's `headersDistinct` would give:
 * lower-case names, one string per single field, every line kept for repeated fields.
 */
export function headersFromRaw(raw: Buffer[] | string[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen as string, value];
  }
  return headers;
}

/** A server's response head as relayed, and its `Transfer-Encoding` lines joined as Node's parser would. */
export interface RelayedHead {
  headers: OutgoingHttpHeaders;
  transferEncoding: IncomingHttpHeaders;
}

/**
 * The response head to relay, built in one pass from undici's raw list with the same sanitation as
 * the http-proxy-3 relay: hop-by-hop and Connection-listed fields left out (never added, then
 * deleted, which would make the map a slow dictionary for `writeHead`), Content-Length canonical,
 * and none on a 204 (RFC 9110 §8.6). Repeated fields keep every line.
 */
export function relayedHeadersFromRaw(raw: Buffer[] | string[], status: number): RelayedHead {
  // One line stays a string: droppedNames answers the usual lone `keep-alive` without building a token list.
  let connection: string | string[] | undefined;
  let codings: string[] | undefined;
  const names: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    names.push(name);
    if (name === 'connection') {
      const line = raw[i + 1]!.toString('latin1');
      connection = connection === undefined ? line : [...(Array.isArray(connection) ? connection : [connection]), line];
    } else if (name === 'transfer-encoding') (codings ??= []).push(raw[i + 1]!.toString('latin1'));
  }
  const dropped = droppedNames(connection);
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = names[i >> 1]!;
    if (dropped.has(name) || (name === 'content-length' && status === 204)) continue;
    let value = raw[i + 1]!.toString('latin1');
    if (name === 'content-length') value = canonicalContentLength(value);
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen as string, value];
  }
  return { headers, transferEncoding: codings ? { 'transfer-encoding': codings.join(', ') } : {} };
}
