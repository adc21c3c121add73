/**
 * One normalisation of the request target, before routing; its result is both routed and
 * forwarded. Traefik decodes more characters for routing than it forwards; Switchyard routes and
 * forwards one value, so a back end can never see a path the router did not match (CVE-2025-32431,
 * GHSA-vrch-868g-9jx5, CVE-2025-66490).
 */

/**
 * Which encoded characters a path may keep (`http.encodedCharacters` of an entry point): `/`, `\`
 * and NUL are refused unless set to true; `;`, `%`, `?` and `#` are kept (upper-cased) unless set
 * to false.
 */
export interface PathOptions {
  allowEncodedSlash?: boolean;
  /** Also admits a raw `\`, kept as an ordinary character (see {@link normalizePath}). */
  allowEncodedBackSlash?: boolean;
  allowEncodedNull?: boolean;
  allowEncodedSemicolon?: boolean;
  allowEncodedPercent?: boolean;
  allowEncodedQuestionMark?: boolean;
  allowEncodedHash?: boolean;
  /** `http.sanitizePath` (default true): remove dot segments and merge slashes; when false, dot segments are refused. */
  sanitize?: boolean;
}

// Encoded characters kept unless their switch is false (CVE-2025-66490).
const OPTIONAL_ENCODED: ReadonlyMap<number, keyof PathOptions> = new Map([
  [0x3b, 'allowEncodedSemicolon'],
  [0x25, 'allowEncodedPercent'],
  [0x3f, 'allowEncodedQuestionMark'],
  [0x23, 'allowEncodedHash'],
]);

/** A normalised origin-form target. */
export interface NormalizedTarget {
  path: string;
  /** The raw query without `?`, byte for byte, or ''. */
  query: string;
}

/** Why a target was refused; every one of them means 400. */
export interface TargetError {
  error: string;
}

/** The error returned for `*`; only an OPTIONS request may use it (RFC 9112 §3.2.4), which the caller decides. */
export const ASTERISK_FORM = 'asterisk-form request target';

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

function isForbiddenByte(code: number): boolean {
  // Controls, space, DEL and non-ASCII never belong in a request target (RFC 3986 §2, nginx http_uri.t).
  return code <= 0x20 || code >= 0x7f;
}

/** Decodes unreserved escapes, upper-cases the others, and refuses broken or forbidden ones. */
function decodePath(raw: string, options: PathOptions): string | TargetError {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '\\' && !options.allowEncodedBackSlash) return { error: 'backslash in path' };
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return { error: 'incomplete percent-encoding in path' };
    i += 2;
    const code = Number.parseInt(hex, 16);
    const decoded = String.fromCharCode(code);
    if (UNRESERVED.test(decoded)) out += decoded;
    else if (code === 0x2f && !options.allowEncodedSlash) return { error: 'encoded slash in path' };
    else if (code === 0x5c && !options.allowEncodedBackSlash) return { error: 'encoded backslash in path' };
    else if (code === 0x00 && !options.allowEncodedNull) return { error: 'encoded NUL in path' };
    else if (options[OPTIONAL_ENCODED.get(code) as keyof PathOptions] === false) return { error: `encoded %${hex.toUpperCase()} in path` };
    else out += `%${hex.toUpperCase()}`;
  }
  return out;
}

/**
 * Removes `.` and `..` segments (RFC 3986 §5.2.4) and merges repeated slashes; `..` above the
 * root stays at the root and a trailing slash survives. Only `/` separates segments: `..;` and
 * a raw `\` are ordinary characters here, which is why `\` is refused unless explicitly allowed
 * (WHATWG URL parsers, so many JavaScript back ends, read `\` as `/`).
 */
export function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  let trailing = false;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
    if (last) trailing = segment === '' || segment === '.' || segment === '..';
  }
  const joined = `/${out.join('/')}`;
  return trailing && out.length > 0 ? `${joined}/` : joined;
}

// What decodePath, the `..;` check and removeDotSegments act on: `%`, `\`, a segment starting with `.`, `//`.
const NEEDS_WORK = /[%\\]|\/\.|\/\//;

/** Normalises an origin-form path (no query): checks, decodes unreserved escapes, removes dot segments. */
export function normalizePath(raw: string, options: PathOptions = {}): { path: string } | TargetError {
  if (!raw.startsWith('/')) return { error: 'path does not start with /' };
  for (let i = 0; i < raw.length; i++) {
    if (isForbiddenByte(raw.charCodeAt(i))) return { error: 'control character, space or non-ASCII byte in path' };
  }
  // CVE-2023-47106: a fragment never belongs in a request; neither does a `?` inside a path.
  if (raw.includes('#')) return { error: 'fragment in request target' };
  if (raw.includes('?')) return { error: 'query delimiter in path' };
  // Nearly every path: no escape, no backslash, no dot segment, no empty segment. Each step below
  // would give it back unchanged, so it is not rebuilt character by character on every request.
  if (!NEEDS_WORK.test(raw)) return { path: raw };
  const decoded = decodePath(raw, options);
  if (typeof decoded !== 'string') return decoded;
  const segments = decoded.split('/');
  // Tomcat and Jetty strip `;params` from each segment, so `/public/..;/admin` is `/admin` to them
  // but not to the router: refuse a dot segment carrying parameters (security reference §2.8).
  if (segments.some((s) => /^\.\.?;/.test(s))) return { error: 'dot segment with path parameters' };
  if (options.sanitize === false) {
    // Unsanitised paths are forwarded as sent, so a dot segment would be routed as one path and served as another.
    if (segments.some((s) => s === '.' || s === '..')) return { error: 'dot segment in path (sanitizePath is off)' };
    return { path: decoded };
  }
  return { path: removeDotSegments(decoded) };
}

/** Normalises the request target of an origin-form request into the path that is routed and forwarded. */
export function normalizeRequestTarget(url: string, options: PathOptions = {}): NormalizedTarget | TargetError {
  if (url === '*') return { error: ASTERISK_FORM };
  if (!url.startsWith('/')) return { error: 'request target is not in origin-form' };
  for (let i = 0; i < url.length; i++) {
    if (isForbiddenByte(url.charCodeAt(i))) return { error: 'control character, space or non-ASCII byte in request target' };
  }
  if (url.includes('#')) return { error: 'fragment in request target' };
  const mark = url.indexOf('?');
  const rawPath = mark === -1 ? url : url.slice(0, mark);
  const query = mark === -1 ? '' : url.slice(mark + 1);
  const normalised = normalizePath(rawPath, options);
  if ('error' in normalised) return normalised;
  return { path: normalised.path, query };
}

/**
 * Re-checks a path produced by a path-rewriting middleware (StripPrefix, ReplacePath, …): the same
 * rules as a request path, so a rewrite cannot create `..`, `%2e%2e` or `//` after routing
 * (GHSA-xf64-8mw2-4gr2, GHSA-6jwx-7vp4-9847, GHSA-cxjq-mrr5-89rv). An empty result becomes `/`.
 */
export function renormalizePath(path: string, options: PathOptions = {}): { path: string } | TargetError {
  if (path === '') return { path: '/' };
  return normalizePath(path, options);
}

/** Splits an absolute-form target (`http://host/p?q`) into its authority and origin-form remainder, or null. */
export function splitAbsoluteForm(url: string): { authority: string; pathAndQuery: string } | null {
  const scheme = /^https?:\/\//i.exec(url);
  if (!scheme) return null;
  const rest = url.slice(scheme[0].length);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const tail = end === -1 ? '' : rest.slice(end);
  const pathAndQuery = tail === '' ? '/' : tail.startsWith('/') ? tail : `/${tail}`;
  return { authority, pathAndQuery };
}
