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
  // Grouped by entry point, TLS and plain apart, without a key string per router (10,000 of them, issue 8).
  const grouped = { tls: new Map<string, Route<Handler>[]>(), plain: new Map<string, Route<Handler>[]>() };
  for (let i = 0; i < routers.length; i++) {
    const router = routers[i]!;
    const byEntryPoint = router.tls ? grouped.tls : grouped.plain;
    for (let j = 0; j < router.entryPoints.length; j++) {
      const ep = router.entryPoints[j]!;
      const list = byEntryPoint.get(ep);
      if (list) list.push(router.route);
      else byEntryPoint.set(ep, [router.route]);
    }
  }
  // Looked up by entry point name in the map for the connection's kind: no key string built per request.
  const plain = new Map<string, RouteIndex<Handler>>();
  const tls = new Map<string, RouteIndex<Handler>>();
  grouped.plain.forEach((list, ep) => plain.set(ep, createRouteIndex(list)));
  grouped.tls.forEach((list, ep) => tls.set(ep, createRouteIndex(list)));
  return {
    version,
    status,
    services,
    match(entryPoint, overTls, req) {
      return (overTls ? tls : plain).get(entryPoint)?.match(req);
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
