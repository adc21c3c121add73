import type { DynamicConfig, ServersTransportConfig } from '../config/dynamic-schema.js';
import type { ElementError } from '../config/validate-dynamic.js';
import type { Forwarder } from '../proxy/forwarder.js';
import type { MiddlewareRegistry } from '../middleware/registry.js';
import { CLOSED, type Service } from '../services/service.js';
import type { Handler } from '../http/context.js';
import { getContext } from '../http/context.js';
import type { Logger } from '../log.js';
import { compileRule, defaultPriority, rotateRuleCache } from '../rules/compile.js';
import { createRoutingTable, type CompiledRouter, type RoutingTable } from '../routing/table.js';
import type { StateStore } from './state-store.js';
import { addError, type RuntimeStatus } from './status.js';
import { initialStatus } from './initial-status.js';
import { providerOf } from './names.js';
import { keysOf } from '../config/frozen-keys.js';
import { buildChain, type MiddlewareBuildDeps } from './build-middlewares.js';
import { createServiceBuilder } from './build-services.js';
import { defaultEntryPoints, type EntryPointView } from './entry-point-view.js';
import { redirectRouter } from './redirect-entry-point.js';

/** Highest priority a user may give a router; higher ones are reserved for internal routers. */
export const MAX_USER_PRIORITY = Number.MAX_SAFE_INTEGER - 1000;

/** A merged, validated configuration and the static facts compiling needs. */
export interface CompileInput {
  version: number;
  config: DynamicConfig;
  errors: ElementError[];
  entryPoints: EntryPointView[];
  /** Internal routers (ping on a public entry point, later the API and metrics). */
  internalRouters?: CompiledRouter[];
  /** TLS facts: router errors from the TLS options (fail closed), entry points with `http.tls` (all routers TLS). */
  tls?: { routerErrors: ReadonlyMap<string, { message: string; disable: boolean }>; entryPoints: ReadonlySet<string> };
}

/** The long-lived parts compiling uses. */
export interface CompileDeps {
  registry: MiddlewareRegistry;
  forwarder: Forwarder;
  state: StateStore;
  log: Logger;
  defaultTransport: ServersTransportConfig;
  internal: Record<string, Service>;
}

/**
 * Compiles a configuration into a routing table. A broken element disables itself and the routers
 * using it, nothing else; every element gets a status with its errors.
 */
export function compile(input: CompileInput, deps: CompileDeps): RoutingTable {
  const http = input.config.http ?? {};
  const status: RuntimeStatus = initialStatus(input.config, input.errors, deps.registry);
  const middlewareDeps: MiddlewareBuildDeps = { configs: http.middlewares ?? {}, statuses: status.middlewares, registry: deps.registry, state: deps.state, log: deps.log, loggers: new Map() };
  const services = createServiceBuilder({
    configs: http.services ?? {},
    statuses: status.services,
    transports: http.serversTransports ?? {},
    defaultTransport: deps.defaultTransport,
    internal: deps.internal,
    forwarder: deps.forwarder,
    state: deps.state,
    log: deps.log,
    middlewares: middlewareDeps,
  });
  middlewareDeps.service = (name, usedBy) => services.get(name, usedBy);
  const known = new Set(input.entryPoints.map((ep) => ep.name));
  const byName = new Map(input.entryPoints.map((ep) => [ep.name, ep]));
  const defaults = defaultEntryPoints(input.entryPoints);
  const compiled: CompiledRouter[] = [];
  // Every compiled router lists one entry point; routers on the same one share the list (read-only downstream).
  const single = new Map<string, string[]>();
  const onlyEntryPoint = (ep: string): string[] => {
    let list = single.get(ep);
    if (!list) single.set(ep, (list = [ep]));
    return list;
  };

  const routers = http.routers ?? {};
  for (const name of keysOf(routers)) {
    const router = routers[name]!;
    const routerStatus = status.routers[name]!;
    const provider = providerOf(name);
    try {
      const tlsError = input.tls?.routerErrors.get(name);
      if (tlsError?.disable) throw new Error(tlsError.message);
      if (tlsError) addError(routerStatus, tlsError.message, false);
      const rule = compileRule(router.rule);
      const priority = router.priority || defaultPriority(router.rule);
      if (priority > MAX_USER_PRIORITY) throw new Error(`priority ${priority} is above the maximum ${MAX_USER_PRIORITY}`);
      routerStatus.priority = priority;
      const wanted = router.entryPoints?.length ? router.entryPoints : defaults;
      // Usually one entry point, all known: a list of exactly that size (a pushed-to list reserves room for 17).
      const using: string[] = wanted.length === 1 && known.has(wanted[0]!) ? [wanted[0]!] : [];
      if (using.length === 0) {
        for (const ep of wanted) {
          if (known.has(ep)) using.push(ep);
          else addError(routerStatus, `entryPoint "${ep}" doesn't exist`, false);
        }
      }
      if (using.length === 0) throw new Error('no valid entryPoint for this router');
      routerStatus.using = using.sort();
      const serviceName = resolveServiceRef(router.service, provider);
      const service = services.get(serviceName, name);
      const routed: Handler = (req, res) => {
        const ctx = getContext(req);
        ctx.routerName = name;
        ctx.serviceName = serviceName;
        return service.handle(req, res);
      };
      const own = router.middlewares?.length ? router.middlewares.map((m) => (m.includes('@') ? m : `${m}@${provider}`)) : NO_MIDDLEWARES;
      // Entry point middlewares come first, then the router's own (Traefik's order). One chain per distinct list;
      // the map is only needed when the router listens on several entry points.
      const handlers = using.length > 1 ? new Map<string, Handler>() : undefined;
      for (const ep of using) {
        const epMiddlewares = byName.get(ep)?.middlewares ?? NO_MIDDLEWARES;
        const chain = epMiddlewares.length === 0 ? own : [...epMiddlewares, ...own];
        const key = chain.join('\n');
        let handler = handlers?.get(key);
        if (!handler) {
          handler = buildChain(middlewareDeps, chain, provider, routed, name);
          handlers?.set(key, handler);
        }
        compiled.push({ name, entryPoints: onlyEntryPoint(ep), tls: Boolean(router.tls) || Boolean(input.tls?.entryPoints.has(ep)), route: { name, priority, rule, value: handler } });
      }
    } catch (error) {
      addError(routerStatus, (error as Error).message, true);
    }
  }
  services.buildAll();
  // The rules this table uses stay cached for the next reload; older ones are dropped.
  rotateRuleCache();
  for (const ep of input.entryPoints) {
    const redirect = redirectRouter(ep);
    if (redirect) compiled.push(redirect);
  }
  compiled.push(...(input.internalRouters ?? []));
  // A router disabled after it was placed (e.g. a later error) must not serve.
  const serving = compiled.filter((r) => r.name.endsWith('@internal') || status.routers[r.name]?.status !== 'disabled');
  const built = services.built();
  return createRoutingTable(input.version, status, serving, built, async () => {
    // Reused services answer CLOSED: only the services that really close are waited for.
    const closing: Array<Promise<void>> = [];
    for (const service of built.values()) {
      try {
        const closed = service.close();
        if (closed !== CLOSED) closing.push(closed);
      } catch {
        // A service that fails to close does not keep the others open (as allSettled did for a rejection).
      }
    }
    await Promise.allSettled(closing);
  });
}

const NO_MIDDLEWARES: readonly string[] = [];

function resolveServiceRef(ref: string, provider: string): string {
  return ref.includes('@') ? ref : `${ref}@${provider}`;
}
