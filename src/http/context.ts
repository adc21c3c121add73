import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** A request handler on Node's own request and response objects. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What Switchyard knows about one request, attached to the request once at the entry point. */
export interface RequestContext {
  /** Entry point name that accepted the request. */
  entryPoint: string;
  /** True when the request arrived over TLS. */
  tls: boolean;
  /** The connection's peer address (never taken from headers). */
  remoteAddr: string;
  remotePort: number;
  /** Canonical host: lower-cased, port and trailing dot removed. */
  host: string;
  /** The normalised path that is routed and forwarded (may be changed by path middlewares). */
  path: string;
  /** The raw query string without `?`, or '' when absent. */
  query: string;
  /** When the request started (performance.now()). */
  start: number;
  /** Set for WebSocket upgrades: the client socket and the bytes read past the headers. */
  upgrade?: { socket: Duplex; head: Buffer };
  /** X-Forwarded-For as the request brought it (empty from untrusted peers), before the gateway appended the peer; what ipStrategy reads, as in Traefik. */
  forwardedFor?: string[];
  /** The user an authentication middleware verified, for access logs. */
  clientUsername?: string;
  /** Filled as the request travels: for logs, metrics and the API. */
  routerName?: string;
  serviceName?: string;
  serverUrl?: string;
  /** Set by middlewares that retry, so services can prefer another server. */
  attempt?: number;
  triedServers?: Set<string>;
}

const CONTEXT = Symbol('switchyard.context');

/** Attaches the context to the request. */
export function setContext(req: IncomingMessage, ctx: RequestContext): void {
  (req as IncomingMessage & { [CONTEXT]?: RequestContext })[CONTEXT] = ctx;
}

/** Returns the request's context; every request that passed an entry point has one. */
export function getContext(req: IncomingMessage): RequestContext {
  const ctx = (req as IncomingMessage & { [CONTEXT]?: RequestContext })[CONTEXT];
  if (!ctx) throw new Error('request has no Switchyard context');
  return ctx;
}

/** The path plus query string as forwarded to servers. */
export function forwardedUrl(ctx: RequestContext): string {
  return ctx.query ? `${ctx.path}?${ctx.query}` : ctx.path;
}

/** The elements a request is passing through, for log lines about it (router, service, server). */
export function elementFields(req: IncomingMessage): { router?: string; service?: string; server?: string } {
  const ctx = (req as IncomingMessage & { [CONTEXT]?: RequestContext })[CONTEXT];
  if (!ctx) return {};
  return {
    ...(ctx.routerName && { router: ctx.routerName }),
    ...(ctx.serviceName && { service: ctx.serviceName }),
    ...(ctx.serverUrl && { server: ctx.serverUrl }),
  };
}
