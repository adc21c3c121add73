import type { CompiledRule, MatchRequest } from '../rules/compile.js';
import { wildcardKey } from '../rules/host.js';

/** A router as the index sees it: a name, a priority, a compiled rule and what it leads to. */
export interface Route<T> {
  name: string;
  priority: number;
  rule: CompiledRule;
  value: T;
}

/** Routes indexed for matching: the first match in priority order, without scanning every route. */
export interface RouteIndex<T> {
  match(req: MatchRequest): Route<T> | undefined;
  /** every route in evaluation order */
  routes: Route<T>[];
}

/**
 * The positions of one host key's routes, apart by the literal path prefix their rule requires: a
 * request's path is looked up under each length a prefix has, so 10,000 `PathPrefix` routes on one
 * host cost a few map lookups instead of 10,000 rule evaluations.
 */
class PathBuckets {
  /** Routes whose rule does not restrict the path. */
  readonly open: number[] = [];
  readonly byPrefix = new Map<string, number[]>();
  /** The distinct prefix lengths, ascending. */
  readonly lengths: number[] = [];

  constructor(positions: readonly number[], ordered: ReadonlyArray<Route<unknown>>) {
    for (let i = 0; i < positions.length; i++) this.add(positions[i]!, ordered[positions[i]!]!.rule.paths);
    this.lengths.sort((a, b) => a - b);
  }

  private add(position: number, paths: readonly string[] | null): void {
    // Every routing path starts with `/`: a route under it is a candidate for every request, as one without a path.
    if (paths === null || paths.includes('/')) {
      push(this.open, position);
      return;
    }
    for (let i = 0; i < paths.length; i++) {
      const prefix = paths[i]!;
      const list = this.byPrefix.get(prefix);
      if (list !== undefined) {
        push(list, position);
        continue;
      }
      this.byPrefix.set(prefix, [position]);
      if (!this.lengths.includes(prefix.length)) this.lengths.push(prefix.length);
    }
  }
}

/** A host key's routes: their positions as a list, or by path prefix once there are many (see PathBuckets). */
type Bucket = number[] | PathBuckets;

// Below this many routes under one host key, trying each is as cheap as looking its path up: a host per
// router (an ingress controller's shape) keeps one small list per host and builds nothing more.
const PATH_INDEX_FROM = 8;

function finish(positions: number[], ordered: ReadonlyArray<Route<unknown>>): Bucket {
  return positions.length < PATH_INDEX_FROM ? positions : new PathBuckets(positions, ordered);
}

// Positions arrive in ascending order: a route listed twice under one key (one host named twice, or two of
// its prefixes equal) is indexed once.
function push(list: number[], position: number): void {
  if (list[list.length - 1] !== position) list.push(position);
}

/**
 * Builds the index: routes ordered by priority (highest first), ties broken by name so the order
 * never depends on input order (Traefik's is undefined there), and bucketed by exact host, by
 * wildcard suffix, by the literal tail of a HostRegexp or as host-independent, then, where a bucket
 * holds many, by required path prefix. A request's candidates (its host's, its wildcard's, its
 * dot-suffixes' and the host-independent ones, under each prefix of its path, and those with no path
 * restriction) are merged by position at match time, so the result is always the first matching
 * route of the whole ordered list.
 */
export function createRouteIndex<T>(routes: Route<T>[]): RouteIndex<T> {
  const ordered = [...routes].sort(
    // Compared, not subtracted: priorities near Go's MaxInt64 lose precision as JS numbers.
    (a, b) => (a.priority !== b.priority ? (a.priority > b.priority ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const exact = new Map<string, Bucket>();
  const wildcard = new Map<string, Bucket>();
  // HostRegexp routes with a literal tail, by the part of it from its first dot (`.example.com`).
  const suffix = new Map<string, Bucket>();
  const anyHostPositions: number[] = [];
  // Index loops, no destructuring: at 10,000 routes the iterators and pairs were a megabyte per compile (issue 8).
  const add = (map: Map<string, Bucket>, key: string, position: number): void => {
    const list = map.get(key) as number[] | undefined;
    if (list === undefined) map.set(key, [position]);
    else push(list, position);
  };
  for (let position = 0; position < ordered.length; position++) {
    const keys = ordered[position]!.rule.hostKeys;
    if (keys === null) {
      anyHostPositions.push(position);
      continue;
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.startsWith('*.')) add(wildcard, key.slice(2), position);
      else if (key.startsWith('~')) add(suffix, key.slice(1), position);
      else add(exact, key, position);
    }
  }
  const anyHost = finish(anyHostPositions, ordered);
  // Replacing the value of the key being visited is allowed during forEach.
  exact.forEach((list, host) => exact.set(host, finish(list as number[], ordered)));
  wildcard.forEach((list, key) => wildcard.set(key, finish(list as number[], ordered)));
  suffix.forEach((list, key) => suffix.set(key, finish(list as number[], ordered)));

  // The candidate lists of one match, and a cursor into each: reused, as a match runs to its end synchronously.
  const lists: number[][] = [];
  const cursors: number[] = [];
  let count = 0;
  const gather = (bucket: Bucket, path: string): void => {
    if (Array.isArray(bucket)) {
      if (bucket.length > 0) lists[count++] = bucket;
      return;
    }
    if (bucket.open.length > 0) lists[count++] = bucket.open;
    const { lengths, byPrefix } = bucket;
    for (let i = 0; i < lengths.length && lengths[i]! <= path.length; i++) {
      const list = byPrefix.get(path.slice(0, lengths[i]));
      if (list !== undefined) lists[count++] = list;
    }
  };

  const match = (req: MatchRequest): Route<T> | undefined => {
    const host = req.host.endsWith('.') ? req.host.slice(0, -1) : req.host;
    const key = wildcardKey(host);
    count = 0;
    gather(anyHost, req.path);
    const byHost = exact.get(host);
    if (byHost !== undefined) gather(byHost, req.path);
    const byWildcard = key === undefined ? undefined : wildcard.get(key);
    if (byWildcard !== undefined) gather(byWildcard, req.path);
    if (suffix.size > 0) {
      // One lookup per dot of the host: `a.b.example.com` is under `.b.example.com`, `.example.com` and `.com`.
      for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
        const bySuffix = suffix.get(host.slice(dot));
        if (bySuffix !== undefined) gather(bySuffix, req.path);
      }
    }
    const n = count;
    if (n === 1) {
      // One list of candidates (the usual case: a host's own routes): no merge.
      const list = lists[0]!;
      for (let i = 0; i < list.length; i++) {
        const route = ordered[list[i]!]!;
        if (route.rule.match(req)) return route;
      }
      return undefined;
    }
    for (let i = 0; i < n; i++) cursors[i] = 0;
    // A merge of ascending positions, so candidates come out in evaluation order.
    let last = -1;
    for (;;) {
      let next = Infinity;
      let from = -1;
      for (let i = 0; i < n; i++) {
        const list = lists[i]!;
        const at = cursors[i]!;
        if (at < list.length && list[at]! < next) {
          next = list[at]!;
          from = i;
        }
      }
      if (from < 0) return undefined;
      cursors[from]!++;
      // A route under both an exact host and a wildcard, or under two prefixes of the path, sits in two lists.
      if (next === last) continue;
      last = next;
      const route = ordered[next]!;
      if (route.rule.match(req)) return route;
    }
  };
  return { match, routes: ordered };
}
