import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from '../http/context.js';
import type { MatchRequest } from '../rules/compile.js';
import { createRouteIndex, type Route, type RouteIndex } from './route-index.js';
import type { RuntimeStatus } from '../runtime/status.js';
import type { Service } from '../services/service.js';

/** A router ready to serve: its compiled rule, where it listens, and its handler (middlewares + service). */
export interface CompiledRouter {
  name: string;
  entryPoints: string[];
  tls: boolean;
  route: Route<Handler>;
}

/** An immutable routing table: what one compiled configuration serves. */
export interface RoutingTable {
  version: number;
  status: RuntimeStatus;
  services: ReadonlyMap<string, Service>;
  /** The router that would take the request on this entry point, or undefined (404). */
  match(entryPoint: string, tls: boolean, req: MatchRequest): Route<Handler> | undefined;
  /** Releases what this table alone holds, once requests that started on it have finished. */
  close(): Promise<void>;
}

/** Builds the per-entry-point indexes (TLS and plain HTTP apart) of a compiled configuration. */
export function createRoutingTable(
  version: number,
  status: RuntimeStatus,
  routers: CompiledRouter[],
  services: ReadonlyMap<string, Service>,
  close: () => Promise<void>,
): RoutingTable {
  const grouped = new Map<string, Route<Handler>[]>();
  for (const router of routers) {
    for (const ep of router.entryPoints) {
      const key = `${router.tls ? 'tls' : 'plain'}:${ep}`;
      const list = grouped.get(key) ?? [];
      list.push(router.route);
      grouped.set(key, list);
    }
  }
  const indexes = new Map<string, RouteIndex<Handler>>();
  for (const [key, list] of grouped) indexes.set(key, createRouteIndex(list));
  return {
    version,
    status,
    services,
    match(entryPoint, tls, req) {
      return indexes.get(`${tls ? 'tls' : 'plain'}:${entryPoint}`)?.match(req);
    },
    close,
  };
}

/** Answers a request no router took, as Traefik does. */
export function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end('404 page not found\n');
}
