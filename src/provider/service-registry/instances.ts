import type { DynamicConfig } from '../../config/dynamic-schema.js';
import { normalizeName, renderDefaultRule } from '../labels/default-rule.js';
import type { TagPredicate } from '../labels/constraints.js';

/** What an instance writes under its key: `{ address, port, weight?, tags?, metadata?, scheme? }` as JSON. */
export interface RegisteredInstance {
  service: string;
  id: string;
  address: string;
  port: number;
  weight?: number;
  scheme: string;
  tags: string[];
  metadata: Record<string, string>;
}

/** How registered instances become configuration. */
export interface RegistryBuildOptions {
  /** Rule template of the router made per service (`.Name`, `.Labels` = instance metadata); no router when unset. */
  defaultRule?: string;
  entryPoints?: string[];
  /** Keeps only instances whose tags match (the `constraints` expression, as consulCatalog's). */
  constraints?: TagPredicate;
}

/**
 * Parses one registry entry from its key path below the prefix (`<service>/<instance-id>`, already
 * split) and its JSON value; throws an Error saying what is wrong with it.
 */
export function parseInstance(segments: string[], value: string): RegisteredInstance {
  if (segments.length !== 2 || !segments[0] || !segments[1]) throw new Error('expected <prefix>/<service>/<instance-id>');
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new Error('the value is not JSON');
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('the value must be a JSON object');
  const { address, port, weight, scheme, tags, metadata } = record;
  if (typeof address !== 'string' || address === '') throw new Error('"address" must be a non-empty string');
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw new Error('"port" must be an integer from 1 to 65535');
  if (weight !== undefined && (!Number.isInteger(weight) || (weight as number) < 0)) throw new Error('"weight" must be a whole number');
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') throw new Error('"scheme" must be http or https');
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string'))) throw new Error('"tags" must be a list of strings');
  return {
    service: segments[0],
    id: segments[1],
    address,
    port: port as number,
    ...(weight !== undefined ? { weight: weight as number } : {}),
    scheme: (scheme as string | undefined) ?? 'http',
    tags: (tags as string[] | undefined) ?? [],
    metadata: typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, string>) : {},
  };
}

/**
 * Builds one load-balanced service per registered service (named by normalizing the service name),
 * with one server per instance in instance-id order, plus a router per service when a default rule is set.
 */
export function buildRegistryConfig(instances: RegisteredInstance[], options: RegistryBuildOptions): { config: DynamicConfig; errors: string[] } {
  const errors: string[] = [];
  const byService = new Map<string, RegisteredInstance[]>();
  const kept = options.constraints ? instances.filter((instance) => options.constraints!(instance.tags)) : instances;
  for (const instance of [...kept].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const members = byService.get(instance.service);
    if (members) members.push(instance);
    else byService.set(instance.service, [instance]);
  }
  const services: Record<string, unknown> = {};
  const routers: Record<string, unknown> = {};
  for (const [service, members] of [...byService].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = normalizeName(service);
    if (name === '' || services[name]) {
      errors.push(`service "${service}": its name normalizes to "${name}", which is empty or taken; it is left out`);
      continue;
    }
    services[name] = {
      loadBalancer: {
        servers: members.map((m) => ({ url: `${m.scheme}://${m.address.includes(':') ? `[${m.address}]` : m.address}:${m.port}`, ...(m.weight !== undefined ? { weight: m.weight } : {}) })),
      },
    };
    if (options.defaultRule === undefined) continue;
    try {
      // Instances of one service may disagree on metadata; the first instance (by id) that sets a key wins.
      const labels = Object.assign({}, ...[...members].reverse().map((m) => m.metadata)) as Record<string, string>;
      routers[name] = { rule: renderDefaultRule(options.defaultRule, { Name: service, Labels: labels }), service: name, ...(options.entryPoints ? { entryPoints: options.entryPoints } : {}) };
    } catch (error) {
      errors.push(`service "${service}": ${(error as Error).message}`);
    }
  }
  const http: Record<string, unknown> = {};
  if (Object.keys(services).length > 0) http.services = services;
  if (Object.keys(routers).length > 0) http.routers = routers;
  return { config: Object.keys(http).length > 0 ? ({ http } as DynamicConfig) : {}, errors };
}
