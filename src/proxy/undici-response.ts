import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { canonicalContentLength } from './framing.js';
import { stripHopByHop } from './hop-by-hop.js';

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

/** The `Transfer-Encoding` lines of a raw response header map, as Node's parser would join them. */
export function transferEncodingOf(headers: OutgoingHttpHeaders): IncomingHttpHeaders {
  const value = headers['transfer-encoding'];
  if (value === undefined) return {};
  return { 'transfer-encoding': Array.isArray(value) ? value.join(', ') : String(value) };
}

/** The same sanitation as the http-proxy-3 relay: hop-by-hop removed, Content-Length canonical, none on 204. */
export function sanitizeResponseHeaders(headers: OutgoingHttpHeaders, status: number): OutgoingHttpHeaders {
  stripHopByHop(headers);
  const length = headers['content-length'];
  if (typeof length === 'string') headers['content-length'] = canonicalContentLength(length);
  // RFC 9110 §8.6: a 204 carries no Content-Length.
  if (status === 204) delete headers['content-length'];
  return headers;
}
