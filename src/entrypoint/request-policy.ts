import type { IncomingMessage } from 'node:http';
import type { PathOptions } from '../routing/normalize-path.js';

/** What `http.underscoreHeadersStrategy` does with a header whose name contains `_`. */
export type UnderscoreHeadersStrategy = 'keep' | 'delete' | 'reject';

/** `http.encodedCharacters` of an entry point: which percent-encoded characters a path may carry. */
export interface EncodedCharacters {
  allowEncodedSlash: boolean;
  allowEncodedBackSlash: boolean;
  allowEncodedNullCharacter: boolean;
  allowEncodedSemicolon: boolean;
  allowEncodedPercent: boolean;
  allowEncodedQuestionMark: boolean;
  allowEncodedHash: boolean;
}

/** The per-entry-point checks applied to every request before routing (`entryPoints.<name>.http`). */
export interface RequestPolicy {
  encodedCharacters: EncodedCharacters;
  /** Remove dot segments and merge slashes; when false, dot segments are refused instead (never forwarded). */
  sanitizePath: boolean;
  /** Request line plus header section, in bytes; above it the answer is 431. */
  maxHeaderBytes: number;
  /** Header field lines; above it the answer is 431. */
  maxHeaderCount: number;
  underscoreHeadersStrategy: UnderscoreHeadersStrategy;
}

/**
 * Defaults. `/`, `\` and NUL are refused encoded because back ends decode them into separators
 * or terminators (CVE-2025-66490); `;`, `%`, `?` and `#` stay allowed, as in Traefik since v3.6.7,
 * because Switchyard routes and forwards one value and real paths carry them (file names, `100%25`).
 * Underscore headers are deleted: CGI-style servers (PHP, WSGI, nginx with
 * `underscores_in_headers`) map `X_Foo` and `X-Foo` to the same variable, so a client could spoof
 * a header the gateway only checks in its dash form (GHSA-5m6w-wvh7-57vm). 1 MiB is Go's and
 * Traefik's header limit; 200 lines leaves browsers and HTTP/2 cookie crumbs well inside.
 */
export const DEFAULT_REQUEST_POLICY: RequestPolicy = {
  encodedCharacters: {
    allowEncodedSlash: false,
    allowEncodedBackSlash: false,
    allowEncodedNullCharacter: false,
    allowEncodedSemicolon: true,
    allowEncodedPercent: true,
    allowEncodedQuestionMark: true,
    allowEncodedHash: true,
  },
  sanitizePath: true,
  maxHeaderBytes: 1 << 20,
  maxHeaderCount: 200,
  underscoreHeadersStrategy: 'delete',
};

/** The path normaliser's options for a policy. */
export function pathOptions(policy: RequestPolicy): PathOptions {
  const e = policy.encodedCharacters;
  return {
    allowEncodedSlash: e.allowEncodedSlash,
    allowEncodedBackSlash: e.allowEncodedBackSlash,
    allowEncodedNull: e.allowEncodedNullCharacter,
    allowEncodedSemicolon: e.allowEncodedSemicolon,
    allowEncodedPercent: e.allowEncodedPercent,
    allowEncodedQuestionMark: e.allowEncodedQuestionMark,
    allowEncodedHash: e.allowEncodedHash,
    sanitize: policy.sanitizePath,
  };
}

/**
 * Applies the header limits and the underscore strategy. Node's HTTP/1 parser enforces
 * `maxHeaderBytes` on plain connections; this also counts for HTTP/2 and TLS, whose parsers
 * have their own limits (RFC 9110 §5.4: oversized fields get a 4xx).
 */
export function checkHeaders(req: IncomingMessage, policy: RequestPolicy): { status: number; reason: string } | undefined {
  const raw = req.rawHeaders;
  if (raw.length / 2 > policy.maxHeaderCount) return { status: 431, reason: 'too many header fields' };
  let bytes = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12;
  for (let i = 0; i < raw.length; i++) bytes += (raw[i] as string).length + 2;
  if (bytes > policy.maxHeaderBytes) return { status: 431, reason: 'header section too large' };
  if (policy.underscoreHeadersStrategy === 'keep') return undefined;
  // for…in rather than Object.keys: no key array per request; deleting the key being visited is safe.
  for (const name in req.headers) {
    if (!name.includes('_')) continue;
    if (policy.underscoreHeadersStrategy === 'reject') return { status: 400, reason: 'underscore in a header name' };
    delete req.headers[name];
  }
  return undefined;
}
