import type { OutgoingHttpHeaders } from 'node:http';

/**
 * The headers a `writeHead(status, [reason,] given)` call sends, as Node merges them: what `setHeader` stored,
 * with `given` (an object, a flat `[name, value, …]` list or a list of pairs) on top. A name in a list replaces
 * the stored field and its repeats add lines (Set-Cookie); an object's field replaces it, an undefined one is
 * left out. Names lower-case, as `getHeaders()` gives them.
 */
export function headersAsWritten(stored: OutgoingHttpHeaders, given: unknown): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ...stored };
  if (Array.isArray(given)) {
    const pairs = given.length > 0 && Array.isArray(given[0]) ? (given as Array<[unknown, string]>) : [];
    if (pairs.length === 0) for (let i = 0; i + 1 < given.length; i += 2) pairs.push([given[i], String(given[i + 1])]);
    const listed = new Set<string>();
    for (const [rawName, value] of pairs) {
      const name = String(rawName).toLowerCase();
      const previous = listed.has(name) ? out[name] : undefined;
      out[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [String(previous)]), value];
      listed.add(name);
    }
  } else if (given && typeof given === 'object') {
    for (const [name, value] of Object.entries(given as OutgoingHttpHeaders)) if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}
