import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * The framing headers to send, derived from the client's framing but never copied from it:
 * odd values such as `,chunked` or `003` confuse back ends (security reference §2.2, §2.4).
 */
export function requestFraming(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  if (headers['transfer-encoding'] !== undefined) return { 'transfer-encoding': 'chunked' };
  const length = headers['content-length'];
  if (length === undefined) return {};
  return { 'content-length': String(Number.parseInt(length, 10)) };
}

/**
 * True when the request body uses a transfer coding other than plain chunked (`gzip, chunked`):
 * re-framing it as chunked would silently drop a coding, so RFC 9112 §6.1 asks for 501.
 */
export function hasUnsupportedTransferCoding(headers: IncomingHttpHeaders): boolean {
  const value = headers['transfer-encoding'];
  if (value === undefined) return false;
  // Empty list elements are allowed (RFC 9110 §5.6.1), so `,chunked` is plain chunked.
  const codings = value.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  return codings.length !== 1 || codings[0] !== 'chunked';
}

/** A response Content-Length as its canonical decimal (`003` → `3`), so the client's parser cannot read it differently. */
export function canonicalContentLength(value: string): string {
  return String(Number.parseInt(value, 10));
}

/**
 * The framing part of a relayed response head, in place: Content-Length canonical, and none at all on a
 * status in `withoutLength` (RFC 9110 §8.6: a 204 never carries one; Node would otherwise send what the server claimed).
 */
export function canonicalResponseLength(headers: OutgoingHttpHeaders, status: number, withoutLength: readonly number[]): OutgoingHttpHeaders {
  const length = headers['content-length'];
  if (withoutLength.includes(status)) delete headers['content-length'];
  else if (typeof length === 'string') headers['content-length'] = canonicalContentLength(length);
  return headers;
}
