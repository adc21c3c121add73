import type { RouterConfig, ServiceConfig, MiddlewareConfig } from '../config/dynamic-schema.js';

/** Status of an element, as in Traefik's API. */
export type ElementStatus = 'enabled' | 'warning' | 'disabled';

interface Element {
  /** Qualified name `name@provider`. */
  name: string;
  provider: string;
  status: ElementStatus;
  error?: string[];
}

export interface RouterStatus extends Element {
  config: RouterConfig;
  /** Entry points the router is attached to. */
  using: string[];
  priority: number;
}

export interface ServiceStatus extends Element {
  config: ServiceConfig;
  type: string;
  usedBy: string[];
  serverStatus?: Record<string, 'UP' | 'DOWN'>;
}

export interface MiddlewareStatus extends Element {
  config: MiddlewareConfig;
  type: string;
  usedBy: string[];
}

/** The runtime view of one routing table: what the API returns. */
export interface RuntimeStatus {
  routers: Record<string, RouterStatus>;
  services: Record<string, ServiceStatus>;
  middlewares: Record<string, MiddlewareStatus>;
}

/** Adds an error; critical errors disable, others warn (never upgrading a disabled element). */
export function addError(element: Element, message: string, critical: boolean): void {
  element.error ??= [];
  if (!element.error.includes(message)) element.error.push(message);
  if (critical) element.status = 'disabled';
  else if (element.status !== 'disabled') element.status = 'warning';
}

// Lists longer than this are checked for repeats with a set, not scanned: 10,000 routers sharing one service or
// one entry-point middleware made every compile quadratic (issue 8).
const SCANNED_USERS = 16;
// Kept beside the lists that grew long, and dropped with their status; only addUser writes to a list.
const userSets = new WeakMap<object, Set<string>>();

/** Records that `user` (a router, service or middleware) uses the element, once, in first-use order. */
export function addUser(element: { usedBy: string[] }, user: string): void {
  const list = element.usedBy;
  // The first user gets a list of one: pushing onto the empty list reserves room for 17 (10,000 services, issue 8).
  if (list.length === 0) {
    element.usedBy = [user];
    return;
  }
  if (list.length < SCANNED_USERS) {
    if (!list.includes(user)) list.push(user);
    return;
  }
  let seen = userSets.get(element);
  if (!seen) userSets.set(element, (seen = new Set(list)));
  if (seen.has(user)) return;
  seen.add(user);
  list.push(user);
}
