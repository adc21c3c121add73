import type { DynamicConfig } from '../config/dynamic-schema.js';
import type { EntryPointConfig } from '../config/static-types.js';
import { MATCHER_NAMES } from '../rules/matchers.js';
import { parseRule, type RuleNode } from '../rules/parser.js';

/** One certificate to obtain: the main name and the other names on it (lower-case). */
export interface WantedDomain {
  main: string;
  sans: string[];
}

/**
 * The certificates each resolver must hold for a configuration, as Traefik derives them: a router
 * naming the resolver (itself or through its entry points' `http.tls`) wants `tls.domains` when set
 * (each main with its SANs is one certificate), else one certificate per `Host()` name of its rule.
 */
export function wantedDomains(config: DynamicConfig, entryPoints: Record<string, EntryPointConfig> = {}, defaultEntryPoints: string[] = []): Map<string, WantedDomain[]> {
  const out = new Map<string, Map<string, WantedDomain>>();
  const add = (resolver: string, domain: WantedDomain) => {
    const main = normalize(domain.main);
    if (!main) return;
    const sans = [...new Set(domain.sans.map(normalize).filter((s) => s && s !== main))];
    const list = out.get(resolver) ?? new Map<string, WantedDomain>();
    out.set(resolver, list);
    const key = [main, ...[...sans].sort()].join(',');
    if (!list.has(key)) list.set(key, { main, sans });
  };
  for (const router of Object.values(config.http?.routers ?? {})) {
    const eps = router.entryPoints?.length ? router.entryPoints : defaultEntryPoints;
    const epTls = eps.map((ep) => entryPoints[ep]?.http.tls).find((t) => t?.certResolver);
    if (!router.tls && !epTls) continue;
    const resolver = router.tls?.certResolver ?? epTls?.certResolver;
    if (!resolver) continue;
    const domains = router.tls?.domains?.length ? router.tls.domains : epTls?.domains ?? [];
    if (domains.length) {
      for (const d of domains) add(resolver, { main: d.main, sans: d.sans ?? [] });
      continue;
    }
    for (const host of ruleHosts(router.rule)) add(resolver, { main: host, sans: [] });
  }
  // Traefik v3.2+: the default store's certificate can itself come from a resolver.
  const generated = defaultGeneratedCert(config);
  if (generated) add(generated.resolver, generated.domain);
  return new Map([...out].map(([resolver, list]) => [resolver, [...list.values()]]));
}

/** `tls.stores.default.defaultGeneratedCert` when it names a resolver and a main domain. */
export function defaultGeneratedCert(config: DynamicConfig): { resolver: string; domain: WantedDomain } | undefined {
  const store = config.tls?.stores?.default as { defaultGeneratedCert?: { resolver?: unknown; domain?: { main?: unknown; sans?: unknown } } } | undefined;
  const wanted = store?.defaultGeneratedCert;
  if (typeof wanted?.resolver !== 'string' || typeof wanted.domain?.main !== 'string') return undefined;
  const sans = Array.isArray(wanted.domain.sans) ? wanted.domain.sans.filter((x): x is string => typeof x === 'string') : [];
  return { resolver: wanted.resolver, domain: { main: normalize(wanted.domain.main), sans: sans.map(normalize) } };
}

/** Every literal name in the rule's `Host()` matchers (not negated), lower-cased; a broken rule has none. */
export function ruleHosts(rule: string): string[] {
  let tree: RuleNode;
  try {
    tree = parseRule(rule, MATCHER_NAMES);
  } catch {
    return [];
  }
  const hosts: string[] = [];
  const walk = (node: RuleNode) => {
    if (node.kind !== 'matcher') return node.children.forEach(walk);
    if (node.name === 'Host' && !node.negated) hosts.push(...node.args.map((a) => normalize(a.value)).filter(Boolean));
  };
  walk(tree);
  return [...new Set(hosts)];
}

/** True when a name can be validated only over DNS-01 (RFC 8555 §7.1.3: wildcards need dns-01). */
export function isWildcard(name: string): boolean {
  return name.startsWith('*.');
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
