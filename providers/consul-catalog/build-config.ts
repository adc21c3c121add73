import type { DynamicConfig } from '../../src/config/dynamic-schema.js';
import type { MiddlewareRegistry } from '../../src/middleware/registry.js';
import { decodeLabels, mergeInstanceConfigs, normalizeName, renderDefaultRule, tagsToLabels, type InstanceConfig, type TagPredicate } from '../../src/provider/labels/index.js';

/** One entry of `/v1/health/service/<name>`, reduced to the fields the provider reads. */
export interface HealthEntry {
  Node: { Node: string; Address: string };
  Service: { ID: string; Service: string; Tags: string[] | null; Address: string; Port: number };
  Checks: Array<{ Status: string }>;
}

/** How catalog entries become configuration. */
export interface BuildOptions {
  prefix: string;
  exposedByDefault: boolean;
  defaultRule: string;
  constraints?: TagPredicate;
  /** Check statuses an instance may have and still take traffic. */
  strictChecks: string[];
  middlewares?: MiddlewareRegistry;
}

// Consul aggregates an instance's checks to its worst status.
function aggregate(checks: Array<{ Status: string }>): string {
  const order = ['maintenance', 'critical', 'warning', 'passing'];
  let worst = 'passing';
  for (const check of checks) if (order.indexOf(check.Status) !== -1 && order.indexOf(check.Status) < order.indexOf(worst)) worst = check.Status;
  return worst;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * Builds the configuration of every Consul service: one load balancer per service with a server per
 * healthy instance, and a router with the default rule unless the tags define routers (Traefik's model).
 */
export function buildCatalogConfig(services: Map<string, HealthEntry[]>, options: BuildOptions): { config: DynamicConfig; errors: string[] } {
  const errors: string[] = [];
  const instances: InstanceConfig[] = [];
  for (const [name, entries] of [...services].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const entry of entries) {
      const tags = entry.Service.Tags ?? [];
      const source = `consul service "${name}" instance "${entry.Service.ID}"`;
      if (!options.strictChecks.includes(aggregate(entry.Checks))) continue;
      const labels = tagsToLabels(tags);
      const decoded = decodeLabels(labels, options.prefix, options.middlewares);
      for (const error of decoded.errors) errors.push(`${source}: ${error}`);
      if (!(decoded.enable ?? options.exposedByDefault)) continue;
      if (options.constraints && !options.constraints(tags)) continue;
      if (decoded.config.tcp || decoded.config.udp) errors.push(`${source}: TCP and UDP tags are not served yet; they are ignored`);
      try {
        instances.push({ source, http: instanceHttp(name, entry, decoded, labels, options) });
      } catch (error) {
        errors.push(`${source}: ${(error as Error).message}`);
      }
    }
  }
  const merged = mergeInstanceConfigs(instances);
  errors.push(...merged.errors);
  return { config: Object.keys(merged.http).length > 0 ? { http: merged.http } : {}, errors };
}

function instanceHttp(name: string, entry: HealthEntry, decoded: ReturnType<typeof decodeLabels>, labels: Record<string, string>, options: BuildOptions): NonNullable<DynamicConfig['http']> {
  const http = structuredClone(decoded.config.http ?? {});
  const services = (http.services ??= {}) as Record<string, Record<string, unknown>>;
  const own = normalizeName(name);
  for (const hinted of Object.keys(decoded.servers)) {
    if (!Object.keys(services).some((key) => key.toLowerCase() === hinted.toLowerCase())) services[hinted] = { loadBalancer: {} };
  }
  if (Object.keys(services).length === 0) services[own] = { loadBalancer: {} };
  const address = entry.Service.Address || entry.Node.Address;
  for (const [serviceName, service] of Object.entries(services)) {
    const lb = service.loadBalancer as Record<string, unknown> | undefined;
    if (!lb) continue;
    if (lb.servers !== undefined) continue;
    const hint = Object.entries(decoded.servers).find(([key]) => key.toLowerCase() === serviceName.toLowerCase())?.[1] ?? {};
    const server: Record<string, unknown> = { url: `${hint.scheme ?? 'http'}://${hostPort(address, hint.port ?? entry.Service.Port)}` };
    if (hint.weight !== undefined) server.weight = hint.weight;
    lb.servers = [server];
  }
  const routers = (http.routers ??= {}) as Record<string, Record<string, unknown>>;
  const serviceNames = Object.keys(services);
  if (Object.keys(routers).length === 0) routers[own] = {};
  for (const [routerName, router] of Object.entries(routers)) {
    router.rule ??= renderDefaultRule(options.defaultRule, { Name: name, Labels: labels });
    if (router.service === undefined) {
      if (serviceNames.length !== 1) throw new Error(`router "${routerName}" names no service and the tags define ${serviceNames.length} services`);
      router.service = serviceNames[0];
    }
  }
  return http as NonNullable<DynamicConfig['http']>;
}
