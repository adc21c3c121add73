const cache = new WeakMap<object, { query: string; values: Map<string, string[]> }>();

/**
 * The query string parsed as Go's `url.ParseQuery` does (what Traefik's Query matchers read):
 * pairs split on "&", pairs holding ";" or a bad escape dropped, "+" is a space.
 * Parsed once per request object, however many routers look at it.
 */
export function queryValues(owner: object, query: string): Map<string, string[]> {
  const hit = cache.get(owner);
  if (hit && hit.query === query) return hit.values;
  const values = parseQuery(query);
  cache.set(owner, { query, values });
  return values;
}

function parseQuery(query: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    // Go 1.17+ rejects semicolon separators; the pair is dropped, the rest is kept.
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = unescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = unescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return values;
}

function unescape(s: string): string | undefined {
  if (!s.includes('%')) return s.replaceAll('+', ' ');
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === 0x2b) bytes.push(0x20);
    else for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}
