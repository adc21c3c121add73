import { createHash } from 'node:crypto';

/** Joins the letter-and-digit runs of `name` with `-`, as Traefik names Kubernetes elements (leading and trailing separators vanish). */
export function normalizeName(name: string): string {
  return name
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part !== '')
    .join('-');
}

/** The router name of one Ingress path before collisions: `<namespace>-<ingress>-<host><path>`, normalised. */
export function routerKey(namespace: string, ingress: string, host: string, path: string): string {
  return normalizeName(`${namespace}-${ingress}-${host}${path}`);
}

/** The name of a colliding router: its key and the first 10 bytes of sha256(rule) in hex, as Traefik suffixes it. */
export function hashedRouterKey(key: string, rule: string): string {
  return `${key}-${createHash('sha256').update(rule).digest('hex').slice(0, 20)}`;
}

/** The load-balancer service of a Service port: `<namespace>-<service>-<port number or name>`, normalised. */
export function serviceName(namespace: string, service: string, port: string): string {
  return normalizeName(`${namespace}-${service}-${port}`);
}

/**
 * The weighted service of one Ingress's canary over a backend. It names the Ingress so two Ingresses that share a
 * Service never share weights (the leak of Traefik #12906).
 */
export function canaryServiceName(namespace: string, ingress: string, service: string, port: string): string {
  return `${normalizeName(`${namespace}-${ingress}-${service}-${port}`)}-canary`;
}

/** The router Traefik gives the one cluster-wide `defaultBackend` of a rule-less Ingress. */
export const DEFAULT_ROUTER = 'default-router';

/** The service behind {@link DEFAULT_ROUTER}. */
export const DEFAULT_SERVICE = 'default-backend';
