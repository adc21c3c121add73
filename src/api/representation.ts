import type { RoutingTable } from '../routing/table.js';
import type { MiddlewareStatus, RouterStatus, ServiceStatus } from '../runtime/status.js';
import { defaultPriority } from '../rules/compile.js';

/** A router as the API shows it: its dynamic fields, then status, errors, attachment, name, provider, priority. */
export type RouterRepresentation = Record<string, unknown> & {
  name: string;
  provider: string;
  status: string;
  rule: string;
  service: string;
  priority: number;
  priorityStr: string;
  entryPoints?: string[];
  middlewares?: string[];
  using?: string[];
  error?: string[];
};

/** A service as the API shows it: its one kind key (and service middlewares), status, usedBy, type, server health. */
export type ServiceRepresentation = Record<string, unknown> & {
  name: string;
  provider: string;
  status: string;
  type: string;
  usedBy: string[];
  serverStatus?: Record<string, 'UP' | 'DOWN'>;
  error?: string[];
};

/** A middleware as the API shows it: its one config key, status, usedBy, type. */
export type MiddlewareRepresentation = Record<string, unknown> & {
  name: string;
  provider: string;
  status: string;
  type: string;
  usedBy: string[];
  error?: string[];
};

/** The effective priority: the configured one, else the rule's length (what routing uses). */
export function effectivePriority(router: RouterStatus): number {
  if (router.priority) return router.priority;
  const configured = router.config?.priority;
  if (configured) return configured;
  return typeof router.config?.rule === 'string' ? defaultPriority(router.config.rule) : 0;
}

/** Builds a router's representation; `tls.options` shows `default` when unset, as Traefik's API does. */
export function representRouter(router: RouterStatus): RouterRepresentation {
  const config = { ...(router.config ?? {}) } as Record<string, unknown>;
  const tls = config.tls as Record<string, unknown> | undefined;
  if (tls) config.tls = { ...tls, options: tls.options ?? 'default' };
  const priority = effectivePriority(router);
  return {
    ...config,
    rule: String(config.rule ?? ''),
    service: String(config.service ?? ''),
    priority,
    status: router.status,
    ...(router.error?.length ? { error: [...router.error] } : {}),
    ...(router.using.length ? { using: [...router.using] } : {}),
    name: router.name,
    provider: router.provider,
    // Go priorities reach 2^63; the string survives JavaScript clients' number precision.
    priorityStr: String(priority),
  };
}

/** Builds a service's representation, with the live server health of the table in service. */
export function representService(service: ServiceStatus, table: RoutingTable | undefined): ServiceRepresentation {
  const live = table?.services.get(service.name)?.serverStatus() ?? service.serverStatus ?? {};
  return {
    ...(service.config ?? {}),
    status: service.status,
    ...(service.error?.length ? { error: [...service.error] } : {}),
    usedBy: [...service.usedBy].sort(),
    ...(Object.keys(live).length ? { serverStatus: { ...live } } : {}),
    name: service.name,
    provider: service.provider,
    type: service.type,
  };
}

/** Builds a middleware's representation. */
export function representMiddleware(middleware: MiddlewareStatus): MiddlewareRepresentation {
  return {
    ...(middleware.config ?? {}),
    status: middleware.status,
    ...(middleware.error?.length ? { error: [...middleware.error] } : {}),
    usedBy: [...middleware.usedBy].sort(),
    name: middleware.name,
    provider: middleware.provider,
    type: middleware.type,
  };
}

/** The number of servers of a service, for `sortBy=servers` (0 for kinds without servers). */
export function serverCount(service: ServiceRepresentation): number {
  const lb = service.loadBalancer as { servers?: unknown[] } | undefined;
  return lb?.servers?.length ?? 0;
}
