import { readFileSync } from 'node:fs';
import type { GatewayView } from '../gateway-view.js';
import type { RuntimeStatus } from '../runtime/status.js';
import {
  representMiddleware,
  representRouter,
  representService,
  type MiddlewareRepresentation,
  type RouterRepresentation,
  type ServiceRepresentation,
} from './representation.js';

const EMPTY: RuntimeStatus = { routers: {}, services: {}, middlewares: {} };

/** The runtime status of the table in service (empty before the first configuration). */
export function currentStatus(view: GatewayView): RuntimeStatus {
  return view.table()?.status ?? EMPTY;
}

/** Every HTTP router's representation. */
export function routers(view: GatewayView): RouterRepresentation[] {
  return Object.values(currentStatus(view).routers).map(representRouter);
}

/** Every HTTP service's representation, with live server health. */
export function services(view: GatewayView): ServiceRepresentation[] {
  const table = view.table();
  return Object.values(currentStatus(view).services).map((s) => representService(s, table));
}

/** Every HTTP middleware's representation. */
export function middlewares(view: GatewayView): MiddlewareRepresentation[] {
  return Object.values(currentStatus(view).middlewares).map(representMiddleware);
}

/** One element's representation by name, without representing every other one (10,000 routers, issue 8). */
export function elementNamed(view: GatewayView, kind: 'routers' | 'services' | 'middlewares', name: string): RouterRepresentation | ServiceRepresentation | MiddlewareRepresentation | undefined {
  const status = currentStatus(view);
  if (kind === 'routers') return Object.hasOwn(status.routers, name) ? representRouter(status.routers[name]!) : undefined;
  if (kind === 'services') return Object.hasOwn(status.services, name) ? representService(status.services[name]!, view.table()) : undefined;
  return Object.hasOwn(status.middlewares, name) ? representMiddleware(status.middlewares[name]!) : undefined;
}

/** Counts by status, as the overview shows them (`errors` counts disabled elements). */
export function counts(items: Array<{ status: string }>): { total: number; warnings: number; errors: number } {
  return {
    total: items.length,
    warnings: items.filter((i) => i.status === 'warning').length,
    errors: items.filter((i) => i.status === 'disabled').length,
  };
}

/** `/api/overview`: counts per kind, enabled features and configured providers. */
export function overview(view: GatewayView): Record<string, unknown> {
  const none = counts([]);
  const config = view.config;
  return {
    http: { routers: counts(routers(view)), services: counts(services(view)), middlewares: counts(middlewares(view)) },
    tcp: { routers: none, services: none, middlewares: none },
    udp: { routers: none, services: none },
    // An expired certificate counts as an error, one close to expiry as a warning (Traefik's overview).
    certificates: certificateCounts(view),
    features: {
      tracing: tracingBackend(config as unknown as Record<string, unknown>),
      metrics: config.metrics.prometheus ? 'Prometheus' : '',
      accessLog: Boolean(config.accessLog),
    },
    providers: providerNames(view),
  };
}

/** The configured providers named as Traefik's overview names them (its static section, capitalised: `File`). */
export function providerNames(view: GatewayView): string[] {
  const sections = Object.keys((view.config.input.providers ?? {}) as Record<string, unknown>).filter((key) => key !== 'providersThrottleDuration');
  return sections.map((key) => key[0]!.toUpperCase() + key.slice(1)).sort();
}

// Read loosely: tracing is another engineer's section and exports only OTLP, which Traefik names OpenTelemetry.
function tracingBackend(config: Record<string, unknown>): string {
  return config.tracing ? 'OpenTelemetry' : '';
}

/** `/api/rawdata`: every element keyed by qualified name; TCP and UDP are empty until they exist. */
export function rawData(view: GatewayView): Record<string, Record<string, unknown>> {
  const byName = <T extends { name: string }>(items: T[]) => Object.fromEntries(items.map((item) => [item.name, item]));
  return {
    routers: byName(routers(view)),
    middlewares: byName(middlewares(view)),
    services: byName(services(view)),
    tcpRouters: {},
    tcpMiddlewares: {},
    tcpServices: {},
    udpRouters: {},
    udpServices: {},
  };
}

let packageVersion: string | undefined;

/** `/api/version`: Traefik's capitalised `Version` and `Codename`, and when the gateway started. */
export function versionInfo(view: GatewayView): { Version: string; Codename: string; startDate: string } {
  packageVersion ??= readPackageVersion();
  return { Version: packageVersion, Codename: 'switchyard', startDate: view.startedAt };
}

function readPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'dev';
  }
}

function certificateCounts(view: GatewayView): { total: number; warnings: number; errors: number } {
  const all = view.certificates();
  return { total: all.length, warnings: all.filter((c) => c.status === 'warning').length, errors: all.filter((c) => c.status === 'expired').length };
}
