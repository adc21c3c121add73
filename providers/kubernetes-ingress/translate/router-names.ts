import type { RouterConfig } from '../../../src/config/dynamic-schema.js';
import { hashedRouterKey } from './names.js';

/** A router before naming: its key (`<namespace>-<ingress>-<host><path>`) may be shared by other paths. */
export interface RouterCandidate {
  key: string;
  router: RouterConfig;
  /** `Ingress ns/name`. */
  origin: string;
}

/** A router with its final name, or an error for one that duplicates another. */
export type NamedRouter = { name: string; router: RouterConfig; origin: string } | { error: string; origin: string };

/**
 * Names routers: a key used once keeps it; keys used several times (`/foo` and `/foo/` normalise alike, or the same
 * path under `*.x` and `x`) get Traefik's suffix, the first 10 bytes of sha256(rule). A router whose suffixed name is
 * still taken has the same rule as another (a path listed twice) and is reported instead. `taken` holds fixed names.
 */
export function nameRouters(candidates: readonly RouterCandidate[], taken: ReadonlySet<string>): NamedRouter[] {
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
  const used = new Set(taken);
  const out: NamedRouter[] = [];
  for (const c of candidates) {
    const name = counts.get(c.key) === 1 && !used.has(c.key) ? c.key : hashedRouterKey(c.key, c.router.rule);
    if (used.has(name)) {
      out.push({ error: `rule ${c.router.rule} is already routed by router "${name}"; this path is skipped`, origin: c.origin });
      continue;
    }
    used.add(name);
    out.push({ name, router: c.router, origin: c.origin });
  }
  return out;
}
