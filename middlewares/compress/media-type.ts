/** A parsed media type: lower-cased `type/subtype` and its parameters (names lower-cased). */
export interface MediaType {
  type: string;
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses `type/subtype; name=value` (RFC 9110 §8.3.1), or returns undefined when it is not one. */
export function parseMediaType(value: string): MediaType | undefined {
  const [essence, ...rest] = value.split(';');
  const [type, subtype, extra] = (essence ?? '').trim().split('/');
  if (!type || !subtype || extra !== undefined || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  const params = new Map<string, string>();
  for (const part of rest) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) return undefined;
    const name = part.slice(0, at).trim().toLowerCase();
    let v = part.slice(at + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (!TOKEN.test(name)) return undefined;
    params.set(name, v);
  }
  return { type: `${type}/${subtype}`.toLowerCase(), params };
}

/** True when `actual` matches the configured `pattern`: same type, and the same parameters when the pattern has any. */
export function mediaTypeMatches(pattern: MediaType, actual: MediaType): boolean {
  if (pattern.type !== actual.type) return false;
  if (pattern.params.size === 0) return true;
  if (pattern.params.size !== actual.params.size) return false;
  for (const [name, value] of pattern.params) if (actual.params.get(name) !== value) return false;
  return true;
}
