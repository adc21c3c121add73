import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a nonce is accepted before the client is asked to retry with a fresh one (`stale=true`). */
export const NONCE_TTL_MS = 5 * 60_000;
const NONCE_COUNTS = 4096;

/** Lower-case hex MD5 of the `:`-joined parts (RFC 7616 §3.4.2 H() with MD5). */
export function md5Hex(...parts: string[]): string {
  return createHash('md5').update(parts.join(':'), 'utf8').digest('hex');
}

/** Parses the auth-params of `Authorization: Digest …` (names lower-cased), or undefined when not Digest. */
export function parseDigest(header: string | undefined): Record<string, string> | undefined {
  const match = header === undefined ? null : /^digest\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const param = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  const text = match[1]!.trim();
  while (param.lastIndex < text.length) {
    const at = param.lastIndex;
    const found = param.exec(text);
    if (!found) return at === 0 ? undefined : params;
    params[found[1]!.toLowerCase()] = found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : found[3]!;
    while (text[param.lastIndex] === ' ') param.lastIndex++;
  }
  return params;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Mints and checks nonces that carry their own proof: `<ms timestamp>.<random>.<HMAC>`, so any
 * process holding the key accepts them without remembering them (RFC 7616 §5.4 leaves the nonce
 * format to the server). Highest nonce-counts are remembered, boundedly, to refuse replays.
 */
export class NonceAuthority {
  readonly #key = randomBytes(32);
  readonly #counts = new Map<string, number>();
  /** Opaque value echoed by clients (RFC 7616 §3.3). */
  readonly opaque = randomBytes(16).toString('hex');

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url').slice(0, 27);
  }

  /** A fresh nonce. */
  mint(now = Date.now()): string {
    const body = `${now.toString(36)}.${randomBytes(9).toString('base64url')}`;
    return `${body}.${this.#sign(body)}`;
  }

  /** `valid`, `stale` (genuine but older than the TTL) or `invalid` (forged, malformed or from the future). */
  check(nonce: string, now = Date.now()): 'valid' | 'stale' | 'invalid' {
    const parts = nonce.split('.');
    if (parts.length !== 3) return 'invalid';
    const body = `${parts[0]}.${parts[1]}`;
    if (!sameText(this.#sign(body), parts[2]!)) return 'invalid';
    const issued = parseInt(parts[0]!, 36);
    if (!Number.isFinite(issued) || issued > now + 1000) return 'invalid';
    return now - issued > NONCE_TTL_MS ? 'stale' : 'valid';
  }

  /** Records a nonce-count; false when it does not exceed the highest one seen for that nonce (a replay). */
  count(nonce: string, nc: number): boolean {
    const last = this.#counts.get(nonce);
    if (last !== undefined && nc <= last) return false;
    this.#counts.delete(nonce);
    if (this.#counts.size >= NONCE_COUNTS) this.#counts.delete(this.#counts.keys().next().value!);
    this.#counts.set(nonce, nc);
    return true;
  }
}

/** Compares the client's `response` with the expected one for qop=auth (RFC 7616 §3.4.1). */
export function digestMatches(params: Record<string, string>, ha1: string, method: string): boolean {
  const ha2 = md5Hex(method, params.uri ?? '');
  const expected = md5Hex(ha1, params.nonce ?? '', params.nc ?? '', params.cnonce ?? '', 'auth', ha2);
  return sameText(expected, (params.response ?? '').toLowerCase());
}
