/** Inclusive status ranges, `[from, to]`. */
export type StatusRanges = Array<[number, number]>;

const ITEM = /^(\d{3})(?:-(\d{3}))?$/;

/** Parses `"500"`, `"500,502"` or `"500-599"` (inclusive); throws naming the key on anything else. */
export function parseStatusRanges(value: string, key: string): StatusRanges {
  const ranges: StatusRanges = [];
  for (const part of value.split(',')) {
    const match = ITEM.exec(part.trim());
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (!match || from < 100 || to > 599 || from > to) throw new Error(`${key}: invalid status range "${part.trim()}" (use e.g. 500, 500,502 or 500-599)`);
    ranges.push([from, to]);
  }
  return ranges;
}

/** True when the status lies in one of the ranges. */
export function inRanges(ranges: StatusRanges, status: number): boolean {
  return ranges.some(([from, to]) => status >= from && status <= to);
}

/** Go's url.QueryEscape, which Traefik applies to `{url}`: spaces become `+`, everything not unreserved is escaped. */
export function queryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
