import type { MiddlewareRepresentation, RouterRepresentation, ServiceRepresentation } from './representation.js';
import { serverCount } from './representation.js';
import type { CertificateInfo } from '../tls/certificate-info.js';

/** The list query parameters, as received (absent ones undefined). */
export type ListQuery = Record<string, string | undefined>;

type Key<T> = (item: T) => string | number;

const byName = <T extends { name: string }>(item: T): string => item.name;

const ROUTER_KEYS: Record<string, Key<RouterRepresentation>> = {
  name: byName,
  provider: (r) => r.provider,
  priority: (r) => r.priority,
  status: (r) => r.status,
  rule: (r) => r.rule,
  service: (r) => r.service,
  entryPoints: (r) => r.entryPoints?.length ?? 0,
};

const SERVICE_KEYS: Record<string, Key<ServiceRepresentation>> = {
  name: byName,
  type: (s) => s.type,
  servers: serverCount,
  provider: (s) => s.provider,
  status: (s) => s.status,
};

const MIDDLEWARE_KEYS: Record<string, Key<MiddlewareRepresentation>> = {
  name: byName,
  type: (m) => m.type,
  provider: (m) => m.provider,
  status: (m) => m.status,
};

const CERTIFICATE_KEYS: Record<string, Key<CertificateInfo>> = {
  cn: (c) => c.commonName,
  issuer: (c) => c.issuerOrg || c.issuerCN,
  validUntil: (c) => c.notAfter,
  status: (c) => c.status,
};

/** Filters certificates by `status` and `search` (common name, issuer and SANs, as Traefik), then sorts them (default: common name). */
export function filterCertificates(certificates: CertificateInfo[], query: ListQuery): CertificateInfo[] {
  const search = query.search?.toLowerCase();
  const kept = certificates.filter(
    (c) => statusMatches(c.status, query.status) && (!search || [c.commonName, c.issuerOrg, c.issuerCN, ...c.sans].some((v) => v.toLowerCase().includes(search))),
  );
  return sortBy(kept, { ...query, sortBy: query.sortBy ?? 'cn' }, CERTIFICATE_KEYS);
}

/**
 * Filters routers by `status`, `search` (rule and name), `serviceName`, `middlewareName` and, beyond
 * Traefik, `entryPoint` (an entry point the router is attached to: Traefik #10586), then sorts them.
 */
export function filterRouters(routers: RouterRepresentation[], query: ListQuery): RouterRepresentation[] {
  const search = query.search?.toLowerCase();
  const kept = routers.filter(
    (r) =>
      statusMatches(r.status, query.status) &&
      (!search || r.name.toLowerCase().includes(search) || r.rule.toLowerCase().includes(search)) &&
      serviceMatches(r.service, query.serviceName) &&
      (!query.middlewareName || (r.middlewares ?? []).includes(query.middlewareName)) &&
      (!query.entryPoint || (r.using ?? []).includes(query.entryPoint)),
  );
  return sortBy(kept, query, ROUTER_KEYS);
}

/** Filters services by `status` and `search` (name), then sorts them. */
export function filterServices(services: ServiceRepresentation[], query: ListQuery): ServiceRepresentation[] {
  return sortBy(services.filter((s) => statusMatches(s.status, query.status) && nameMatches(s.name, query.search)), query, SERVICE_KEYS);
}

/** Filters middlewares by `status` and `search` (name), then sorts them. */
export function filterMiddlewares(middlewares: MiddlewareRepresentation[], query: ListQuery): MiddlewareRepresentation[] {
  return sortBy(middlewares.filter((m) => statusMatches(m.status, query.status) && nameMatches(m.name, query.search)), query, MIDDLEWARE_KEYS);
}

/** Sorts by the `sortBy` key (unknown or absent: name) in `direction` (`asc` unless `desc`), ties by name. */
export function sortBy<T extends { name: string }>(items: T[], query: ListQuery, keys: Record<string, Key<T>>): T[] {
  const key = (query.sortBy && Object.hasOwn(keys, query.sortBy) ? keys[query.sortBy] : undefined) ?? byName;
  const sign = query.direction?.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.name, b.name)));
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function statusMatches(status: string, wanted: string | undefined): boolean {
  return !wanted || status.toLowerCase() === wanted.toLowerCase();
}

function nameMatches(name: string, search: string | undefined): boolean {
  return !search || name.toLowerCase().includes(search.toLowerCase());
}

/** A router's service written without a provider is compared with the filter's part before `@`, as Traefik does. */
function serviceMatches(service: string, wanted: string | undefined): boolean {
  if (!wanted) return true;
  if (service.includes('@')) return service === wanted;
  return wanted.split('@')[0] === service;
}
