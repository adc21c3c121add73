/** A set of HTTP statuses written as Traefik does: `"500"`, `"500,502"`, `"500-504"` (inclusive), in a list. */
export type StatusMatcher = (status: number) => boolean;

/** Parses status entries; throws naming the key (e.g. `status[1]`) and the bad part. */
export function parseStatusRanges(entries: readonly string[], key: string): StatusMatcher {
  const ranges: Array<[number, number]> = [];
  entries.forEach((entry, i) => {
    for (const part of entry.split(',')) {
      const text = part.trim();
      const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(text);
      if (!match) throw new Error(`${key}[${i}]: invalid status "${text}" (use e.g. 500, 500-599)`);
      const from = Number(match[1]);
      const to = match[2] === undefined ? from : Number(match[2]);
      if (from < 100 || to > 599 || from > to) throw new Error(`${key}[${i}]: invalid status range "${text}"`);
      ranges.push([from, to]);
    }
  });
  return (status) => ranges.some(([from, to]) => status >= from && status <= to);
}
