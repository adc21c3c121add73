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
 * Builds the index: routes ordered by priority (highest first), ties broken by name so the order
 * never depends on input order (Traefik's is undefined there), and bucketed by exact host and by
 * wildcard suffix; host-independent routes are merged in by position at match time, so the
 * result is always the first matching route of the whole ordered list.
 */
export function createRouteIndex<T>(routes: Route<T>[]): RouteIndex<T> {
  const ordered = [...routes].sort(
    // Compared, not subtracted: priorities near Go's MaxInt64 lose precision as JS numbers.
    (a, b) => (a.priority !== b.priority ? (a.priority > b.priority ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const exact = new Map<string, number[]>();
  const wildcard = new Map<string, number[]>();
  const anyHost: number[] = [];
  // Index loops, no destructuring: at 10,000 routes the iterators and pairs were a megabyte per compile (issue 8).
  const add = (bucket: Map<string, number[]>, key: string, position: number): void => {
    const list = bucket.get(key);
    if (list === undefined) bucket.set(key, [position]);
    // A rule naming one host twice is indexed once under it.
    else if (list[list.length - 1] !== position) list.push(position);
  };
  for (let position = 0; position < ordered.length; position++) {
    const hosts = ordered[position]!.rule.hosts;
    if (hosts === null) {
      anyHost.push(position);
      continue;
    }
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[i]!;
      if (host.startsWith('*.')) add(wildcard, host.slice(2), position);
      else add(exact, host, position);
    }
  }

  const match = (req: MatchRequest): Route<T> | undefined => {
    const host = req.host.endsWith('.') ? req.host.slice(0, -1) : req.host;
    const key = wildcardKey(host);
    const byHost = exact.get(host) ?? NONE;
    const byWildcard = key === undefined ? NONE : (wildcard.get(key) ?? NONE);
    // A three-way merge of ascending positions, so candidates come out in evaluation order.
    let i = 0;
    let j = 0;
    let k = 0;
    let last = -1;
    for (;;) {
      const a = i < anyHost.length ? anyHost[i] : Infinity;
      const b = j < byHost.length ? byHost[j] : Infinity;
      const c = k < byWildcard.length ? byWildcard[k] : Infinity;
      const next = Math.min(a, b, c);
      if (next === Infinity) return undefined;
      if (next === a) i++;
      else if (next === b) j++;
      else k++;
      // A route listing both an exact host and a wildcard covering it sits in two lists.
      if (next === last) continue;
      last = next;
      const route = ordered[next];
      if (route.rule.match(req)) return route;
    }
  };
  return { match, routes: ordered };
}

const NONE: readonly number[] = [];
