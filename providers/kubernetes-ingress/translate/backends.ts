import type { LoadBalancerConfig, ServerConfig, ServiceConfig } from '../../../src/config/dynamic-schema.js';
import type { TranslateOptions } from '../types.js';
import { endpointServers, joinHostPort } from './endpoints.js';
import { serviceName } from './names.js';
import { parseServiceAnnotations, type ServiceAnnotations } from './service-annotations.js';
import type { SnapshotIndex } from './snapshot-index.js';

/** A Service port an Ingress backend names, by number or by name. */
export interface BackendRef {
  namespace: string;
  service: string;
  port: { name?: string; number?: number };
}

/** A backend made into a load-balancer service, or why it could not be. */
export type Backend = { name: string; config: ServiceConfig } | { name: string; error: string };

/** How a backend port is written in names and messages: its name, else its number. */
export function portLabel(port: BackendRef['port']): string {
  return port.name ? port.name : String(port.number ?? '');
}

/**
 * Builds the load balancer of one Service port: servers from its EndpointSlices (or its ExternalName, or its
 * ClusterIP with `service.nativelb`), with the scheme and options its annotations give.
 */
export function loadBackend(index: SnapshotIndex, ref: BackendRef, options: TranslateOptions): Backend {
  const name = serviceName(ref.namespace, ref.service, portLabel(ref.port));
  const id = `Service ${ref.namespace}/${ref.service}`;
  const fail = (reason: string): Backend => ({ name, error: `${id} ${reason}` });
  if (!ref.port.name && !ref.port.number) return fail('is named without a port');
  const service = index.service(ref.namespace, ref.service);
  if (!service) return fail('is not found');
  let annotations: ServiceAnnotations;
  try {
    annotations = parseServiceAnnotations(service.metadata?.annotations);
  } catch (error) {
    return fail(`has a bad ${(error as Error).message}`);
  }
  const externalName = service.spec?.type === 'ExternalName';
  if (externalName && !options.allowExternalNameServices) return fail('is an ExternalName service, which allowExternalNameServices=false forbids');
  const port = (service.spec?.ports ?? []).find((p) => (ref.port.number && p.port === ref.port.number) || (ref.port.name && p.name === ref.port.name));
  if (!port) return fail(`has no port ${portLabel(ref.port)}`);
  const scheme = annotations.scheme ?? (port.port === 443 || (port.name ?? '').startsWith('https') ? 'https' : 'http');
  let servers: ServerConfig[];
  if (externalName) {
    if (!service.spec?.externalName) return fail('is an ExternalName service without spec.externalName');
    servers = [{ url: `${scheme}://${joinHostPort(service.spec.externalName, port.port)}` }];
  } else if (annotations.nativeLB) {
    const clusterIP = service.spec?.clusterIP;
    if (!clusterIP || clusterIP === 'None') return fail('has no ClusterIP (headless), which service.nativelb needs');
    servers = [{ url: `${scheme}://${joinHostPort(clusterIP, port.port)}` }];
  } else {
    servers = endpointServers(index.slices(ref.namespace, ref.service), port.name ?? '', scheme);
  }
  if (servers.length === 0 && !options.allowEmptyServices) return fail(`port ${portLabel(ref.port)} has no ready endpoints (allowEmptyServices=true would answer 503 instead)`);
  return { name, config: serviceConfig(servers, annotations) };
}

function serviceConfig(servers: ServerConfig[], a: ServiceAnnotations): ServiceConfig {
  const lb: LoadBalancerConfig = { servers };
  if (a.passHostHeader !== undefined) lb.passHostHeader = a.passHostHeader;
  if (a.sticky) lb.sticky = { cookie: a.sticky };
  if (a.serversTransport) lb.serversTransport = a.serversTransport;
  return { loadBalancer: lb, ...(a.middlewares ? { middlewares: a.middlewares } : {}) };
}

