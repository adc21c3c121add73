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

/** Records that `user` (a router, service or middleware) uses the element, once. */
export function addUser(element: { usedBy: string[] }, user: string): void {
  // The first user gets a list of one: pushing onto the empty list reserves room for 17 (10,000 services, issue 8).
  if (element.usedBy.length === 0) element.usedBy = [user];
  else if (!element.usedBy.includes(user)) element.usedBy.push(user);
}
