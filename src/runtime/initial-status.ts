import type { DynamicConfig } from '../config/dynamic-schema.js';
import type { ElementError } from '../config/validate-dynamic.js';
import type { MiddlewareRegistry } from '../middleware/registry.js';
import type { RuntimeStatus } from './status.js';
import { providerOf } from './names.js';
import { keysOf } from '../config/frozen-keys.js';
import { NO_STRINGS } from '../empty.js';

const SERVICE_KINDS = ['loadBalancer', 'weighted', 'mirroring', 'failover', 'highestRandomWeight'] as const;
// Lower-cased once, not per service: 10,000 statuses then share five strings (issue 8).
const SERVICE_TYPES = new Map<string, string>(SERVICE_KINDS.map((kind) => [kind, kind.toLowerCase()]));

function serviceType(service: object): string {
  const kind = SERVICE_KINDS.find((k) => k in service);
  return kind === undefined ? 'unknown' : SERVICE_TYPES.get(kind)!;
}

/**
 * Every element starts `enabled`; elements that failed validation start `disabled` with their errors. Users and
 * entry points start as the shared empty list, which the compile replaces, never adds to.
 */
export function initialStatus(config: DynamicConfig, errors: ElementError[], registry: MiddlewareRegistry): RuntimeStatus {
  const status: RuntimeStatus = { routers: {}, services: {}, middlewares: {} };
  const http = config.http ?? {};
  const routers = http.routers ?? {};
  for (const name of keysOf(routers)) {
    const router = routers[name]!;
    status.routers[name] = { name, provider: providerOf(name), status: 'enabled', config: router, using: NO_STRINGS, priority: 0 };
  }
  const services = http.services ?? {};
  for (const name of keysOf(services)) {
    const service = services[name]!;
    const type = serviceType(service);
    status.services[name] = { name, provider: providerOf(name), status: 'enabled', config: service, type, usedBy: NO_STRINGS };
  }
  const middlewares = http.middlewares ?? {};
  for (const name of keysOf(middlewares)) {
    const middleware = middlewares[name]!;
    const key = Object.keys(middleware)[0] ?? '';
    const type = registry.get(key) ? key.toLowerCase() : key.toLowerCase() || 'unknown';
    status.middlewares[name] = { name, provider: providerOf(name), status: 'enabled', config: middleware, type, usedBy: NO_STRINGS };
  }
  for (const error of errors) addInvalid(status, error);
  return status;
}

function addInvalid(status: RuntimeStatus, error: ElementError): void {
  if (!error.name || !error.name.includes('@')) return;
  const name = error.name;
  const base = { name, provider: providerOf(name), status: 'disabled' as const, error: [error.message] };
  const raw = (error.raw ?? {}) as Record<string, unknown>;
  const existing =
    error.kind === 'router' ? status.routers[name] : error.kind === 'service' ? status.services[name] : error.kind === 'middleware' ? status.middlewares[name] : undefined;
  if (existing) {
    existing.status = 'disabled';
    existing.error = [...(existing.error ?? []), error.message];
    return;
  }
  if (error.kind === 'router') status.routers[name] = { ...base, config: raw as never, using: NO_STRINGS, priority: 0 };
  if (error.kind === 'service') {
    const type = serviceType(raw);
    status.services[name] = { ...base, config: raw as never, type, usedBy: NO_STRINGS };
  }
  if (error.kind === 'middleware') status.middlewares[name] = { ...base, config: raw, type: (Object.keys(raw)[0] ?? 'unknown').toLowerCase(), usedBy: NO_STRINGS };
}
