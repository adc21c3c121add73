import { isDeepStrictEqual } from 'node:util';
import type { DynamicConfig } from '../../config/dynamic-schema.js';
import { entriesOf } from '../../records.js';

/** One instance's contribution: its http section, built from its labels and address. */
export interface InstanceConfig {
  /** Names the instance in conflict messages (e.g. the Consul service ID). */
  source: string;
  http: NonNullable<DynamicConfig['http']>;
}

type Section = 'routers' | 'services' | 'middlewares' | 'serversTransports';
const SECTIONS: Section[] = ['routers', 'services', 'middlewares', 'serversTransports'];
const KIND: Record<Section, string> = { routers: 'router', services: 'service', middlewares: 'middleware', serversTransports: 'serversTransport' };

/**
 * Merges the instances of a registry into one http section. Load balancers of the same name pool their
 * servers; any other element defined differently by two instances is dropped and reported, as Traefik's
 * label providers drop conflicting definitions rather than pick one.
 */
export function mergeInstanceConfigs(instances: InstanceConfig[]): { http: NonNullable<DynamicConfig['http']>; errors: string[] } {
  const out: Record<Section, Record<string, unknown>> = { routers: {}, services: {}, middlewares: {}, serversTransports: {} };
  const firstSource = new Map<string, string>();
  const conflicts = new Map<string, string[]>();
  for (const instance of instances) {
    for (const section of SECTIONS) {
      for (const [name, element] of entriesOf(instance.http[section] ?? {})) {
        const id = `${section}:${name}`;
        const previous = out[section][name];
        if (previous === undefined) {
          out[section][name] = structuredClone(element);
          firstSource.set(id, instance.source);
          continue;
        }
        if (section === 'services' && sameBesideServers(previous, element)) {
          const servers = ((element as { loadBalancer?: { servers?: unknown[] } }).loadBalancer?.servers ?? []) as unknown[];
          ((previous as { loadBalancer: { servers?: unknown[] } }).loadBalancer.servers ??= []).push(...servers);
          continue;
        }
        if (!isDeepStrictEqual(previous, element)) conflicts.set(id, [...(conflicts.get(id) ?? [firstSource.get(id)!]), instance.source]);
      }
    }
  }
  const errors: string[] = [];
  for (const [id, sources] of conflicts) {
    const [section, name] = id.split(':') as [Section, string];
    delete out[section][name];
    errors.push(`${KIND[section]} "${name}" is defined differently by ${sources.join(', ')}; it is left out`);
  }
  const http: Record<string, unknown> = {};
  for (const section of SECTIONS) if (Object.keys(out[section]).length > 0) http[section] = out[section];
  return { http: http as NonNullable<DynamicConfig['http']>, errors };
}

/**
 * Whether two service definitions differ only in their load balancer's servers. Compared through shallow
 * copies without the servers: cloning the pooled definition for every instance, servers and all, made
 * merging a service's instances quadratic in them (0.8 s for 1,000 instances of one service, issue 8).
 */
function sameBesideServers(a: unknown, b: unknown): boolean {
  const left = withoutServers(a);
  return left !== undefined && isDeepStrictEqual(left, withoutServers(b));
}

function withoutServers(value: unknown): object | undefined {
  const { loadBalancer, ...rest } = (value ?? {}) as { loadBalancer?: { servers?: unknown } };
  if (!loadBalancer) return undefined;
  const { servers: _servers, ...settings } = loadBalancer;
  return { ...rest, loadBalancer: settings };
}
