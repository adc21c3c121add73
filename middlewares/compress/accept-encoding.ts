/** The codings this middleware can produce, in Traefik's default preference order. */
export const SUPPORTED_ENCODINGS = ['gzip', 'br', 'zstd'] as const;

/** Parses an Accept-Encoding value into coding → q-value (RFC 9110 §12.5.3); malformed elements are ignored. */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const element of header.split(',')) {
    const [name, ...params] = element.split(';').map((part) => part.trim());
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key?.toLowerCase() !== 'q') continue;
      q = Number(value);
    }
    if (!Number.isFinite(q) || q < 0 || q > 1) continue;
    weights.set(name.toLowerCase(), q);
  }
  return weights;
}

/**
 * Picks the coding for a request: the highest q-value wins (q=0 excludes), ties go to the configured order;
 * a coding accepted only through `*` is the default one when the default is acceptable. Without the header
 * only `defaultEncoding` is used (Traefik #9734: no header means no compression unless configured).
 * Returns undefined for identity.
 */
export function chooseEncoding(header: string | string[] | undefined, encodings: readonly string[], defaultEncoding: string | undefined): string | undefined {
  if (header === undefined) return defaultEncoding;
  const weights = parseAcceptEncoding(Array.isArray(header) ? header.join(',') : header);
  const wildcard = weights.get('*');
  const fallback = defaultEncoding ?? (encodings.includes('br') ? 'br' : encodings[0]);
  let best: { name: string; rank: number[] } | undefined;
  encodings.forEach((name, index) => {
    const explicit = weights.get(name);
    const q = explicit ?? wildcard ?? 0;
    if (q <= 0) return;
    const rank = [q, explicit !== undefined ? 1 : 0, explicit === undefined && name === fallback ? 1 : 0, -index];
    if (!best || compareRanks(rank, best.rank) > 0) best = { name, rank };
  });
  return best?.name;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
