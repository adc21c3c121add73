import { EventEmitter, once } from 'node:events';
import type { StaticConfig } from './config/static-types.js';
import { INTERNAL_ENTRY_POINT } from './config/static-types.js';
import type { ServersTransportConfig } from './config/dynamic-schema.js';
import { createEntryPoint, type EntryPoint, type TableLease } from './entrypoint/entry-point.js';
import { startInternalServer, type InternalServer } from './internal/internal-server.js';
import { createForwarder } from './proxy/forward.js';
import { createConfigWatcher, type AppliedConfiguration, type ConfigWatcher } from './provider/watcher.js';
import type { Provider } from './provider/provider.js';
import type { Service } from './services/service.js';
import type { MiddlewareRegistry } from './middleware/registry.js';
import type { ProviderRegistry } from './provider/registry.js';
import { builtinMiddlewares, builtinProviders } from './builtins.js';
import { compile } from './runtime/compile.js';
import { StateStore } from './runtime/state-store.js';
import type { CompiledRouter, RoutingTable } from './routing/table.js';
import { createLogger, type Logger } from './log.js';
import { entryPointViews, servedEntryPoints } from './gateway-entry-points.js';
import { syError } from './errors.js';
import { pingRouter } from './internal/ping-router.js';
import { reportElementErrors } from './runtime/report-errors.js';
import { scheduleRelease } from './release-memory.js';
import type { GatewayView } from './gateway-view.js';
import { createObservability, type MetricsHook } from './observability/index.js';
import { createApi } from './api/index.js';
import { combineObservers, type RequestObserver } from './observability/observer.js';
import { createTlsManager } from './tls/create-tls-manager.js';
import { describeCertificates } from './tls/describe-certificates.js';
import type { TlsManager } from './tls/tls-manager.js';
import { createAcme, type Acme } from './acme/index.js';
import type { Server as NetServer } from 'node:net';
import { listeningSockets, takeOverFromOldProcess, type TakeOver } from './upgrade/adopt.js';

/** What starting a gateway needs. */
export interface GatewayOptions {
  config: StaticConfig;
  /** Relative paths in provider options resolve against this (the static file's folder). */
  baseDir: string;
  log?: Logger;
  middlewares?: MiddlewareRegistry;
  providers?: ProviderRegistry;
  /** Providers created by the caller (tests, embedding), in addition to the configured ones. */
  extraProviders?: Provider[];
  /** Request observers added by the caller, besides the configured metrics, access logs and tracing. */
  observers?: RequestObserver[];
  /** Set in a process started by an upgrade: take the listening sockets over instead of binding (src/upgrade/). */
  takeOver?: TakeOver;
  /** Worker mode (src/workers/): `control` serves only the internal entry point, `data` only the public ones, with no providers or ACME of its own. */
  role?: 'control' | 'data';
  /** Replaces the provider watcher (a worker applies the control process's merged configurations as they come). */
  createWatcher?: (onConfiguration: (applied: AppliedConfiguration) => Promise<void>) => ConfigWatcher;
  /** An extra condition for readiness (the control process: every worker applied its first configuration). */
  readyGate?: () => boolean;
  /** Called with every configuration put in service, in order (the control process sends it on to its workers). */
  onApplied?: (applied: AppliedConfiguration) => void;
  /** Sees the Prometheus metrics once; a returned scrape replaces the local one (the control process aggregates its workers). */
  metricsHook?: MetricsHook;
  /** Internal routers added by the caller (a worker's `acme-http@internal`, answered by its control process). */
  internalRouters?: CompiledRouter[];
  /** Sees the ACME resolvers as soon as they exist, before any order can start (the control process relays their challenges to its workers). */
  onAcme?: (acme: Acme) => void;
}

/** A running gateway. */
export interface Gateway {
  /** The bound port of an entry point (useful with port 0). */
  port(entryPoint: string): number;
  /** Version of the routing table in service (0 before the first). */
  version(): number;
  table(): RoutingTable | undefined;
  ready(): boolean;
  /** Emits `applied` with an AppliedEvent after every swap. */
  events: EventEmitter;
  /** The read-only view the API and observability use. */
  view: GatewayView;
  /** Reopens the access log and the log file (SIGUSR1, after logrotate moved them). */
  reopenLogs(): void;
  /** ACME resolvers (when `certificatesResolvers` has any): certificates for TLS, challenge answers, API list. */
  acme?: Acme;
  waitForVersion(version: number, timeoutMs?: number): Promise<void>;
  /** Certificates, TLS options, certificate sources (ACME) and TLS-ALPN challenge responders. */
  tls: TlsManager;
  /** Listening sockets by entry point name (the internal one included), for an upgrade to hand over. */
  listeners(): Map<string, NetServer>;
  /** Drains and stops; `handedOver`: a new process serves the sockets now, so no accept grace and no terminating /ping. */
  shutdown(options?: { handedOver?: boolean }): Promise<void>;
}

/** Starts entry points, providers and the internal server, and swaps in a new routing table per configuration. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const log = options.log ?? createLogger(config.log);
  const registry = options.middlewares ?? builtinMiddlewares();
  const providerTypes = options.providers ?? builtinProviders();
  const state = new StateStore();
  const forwarder = createForwarder({ log, http1: config.forwarder });
  const events = new EventEmitter();
  const views = entryPointViews(config);
  const defaultTransport = staticTransport(config);
  const tls = await createTlsManager(config, views, options.baseDir, log);
  let current: (TableLease & { generation: number; retired?: boolean }) | undefined;
  let terminating = false;
  let reported = new Set<string>();
  let internalServices: Record<string, Service> = {};
  const ping = config.ping;
  const internalRouters = ping && ping.entryPoint !== INTERNAL_ENTRY_POINT && !ping.manualRouting ? [pingRouter(ping.entryPoint, ping.terminatingStatusCode, () => terminating)] : [];
  const role = options.role;
  const acme = role !== 'data' && Object.keys(config.certificatesResolvers).length ? createAcme({ config, baseDir: options.baseDir, log }) : undefined;
  internalRouters.push(...(acme?.internalRouters() ?? []), ...(options.internalRouters ?? []));
  if (acme) {
    tls.manager.registerSource(acme.source);
    tls.manager.registerAlpnChallenge(acme.alpnChallenge);
    options.onAcme?.(acme);
  }

  // A build's garbage is freed by V8 but stays resident until a memory-reducing collection, which V8 starts only once
  // allocation has been low for a while: a gateway that keeps serving may never get one (docs/operations.md, Memory).
  const memory = scheduleRelease({
    delayMs: config.memory.releaseAfterReload,
    onReleased: ({ rssBefore, rssAfter, ms }) => log.debug({ rssBeforeMB: mb(rssBefore), rssAfterMB: mb(rssAfter), ms: Math.round(ms) }, 'memory freed by configuration changes given back to the system'),
  });

  const retireIfDrained = (lease: TableLease & { generation: number; retired?: boolean }) => {
    if (!lease.retired || lease.active > 0) return;
    lease.active = -1; // closed once
    void lease.table.close().finally(() => state.release(lease.generation));
  };

  const apply = async (applied: AppliedConfiguration) => {
    const generation = state.begin();
    let table: RoutingTable;
    const preparedTls = tls.manager.prepare(applied.config);
    try {
      table = compile(
        { version: applied.version, config: applied.config, errors: applied.errors, entryPoints: views, internalRouters, tls: { routerErrors: preparedTls.plan.routerErrors, entryPoints: tls.entryPoints } },
        { registry, forwarder, state, log, defaultTransport, internal: internalServices },
      );
    } catch (error) {
      log.error({ err: error, version: applied.version }, 'configuration could not be compiled; the previous routing table stays');
      await state.release(generation);
      return;
    }
    reported = reportElementErrors(table.status, reported, log);
    for (const error of applied.errors.filter((e) => !e.name)) log.error({ version: applied.version }, error.message);
    const previous = current;
    // Same tick as the table swap: a request never sees the new routers with the old TLS options.
    tls.manager.commit(preparedTls);
    current = { table, active: 0, generation };
    events.emit('applied', { version: applied.version, table, applied, previous: previous?.table });
    options.onApplied?.(applied);
    acme?.apply(applied.config);
    if (previous) {
      previous.retired = true;
      retireIfDrained(previous);
    }
    memory.changed();
  };

  const providers = [...(role === 'data' ? [] : createProviders(config, providerTypes, options.baseDir, log, registry)), ...(options.extraProviders ?? [])];
  const watcher = options.createWatcher
    ? options.createWatcher(apply)
    : createConfigWatcher({ providers, middlewares: registry, throttleMs: config.providers.providersThrottleDuration, log, onConfiguration: apply });
  const readyGate = options.readyGate ?? (() => true);
  const view: GatewayView = {
    config,
    table: () => current?.table,
    version: () => current?.table.version ?? 0,
    ready: () => watcher.ready() && current !== undefined && readyGate(),
    providerStates: () => watcher.providerStates(),
    events,
    startedAt: new Date().toISOString(),
    certificates: () => describeCertificates(tls.manager.certificates()),
  };
  const observability = createObservability(view, log, options.metricsHook ? { metricsHook: options.metricsHook } : {});
  const api = config.api ? createApi(view, log) : undefined;
  internalServices = { ...api?.services, ...observability.services };
  // Metrics on a public entry point become the internal prometheus@internal router.
  internalRouters.push(...observability.routers);
  const observer = combineObservers([...observability.observers, ...(options.observers ?? [])], (error) => log.warn({ err: error }, 'request observer failed'));

  const entryPoints: EntryPoint[] = (role === 'control' ? [] : servedEntryPoints(config)).map((ep) =>
    createEntryPoint({
      name: ep.name,
      address: ep.address,
      readTimeout: ep.transport.respondingTimeouts.readTimeout,
      writeTimeout: ep.transport.respondingTimeouts.writeTimeout,
      idleTimeout: ep.transport.respondingTimeouts.idleTimeout,
      trustedIPs: ep.forwardedHeaders.trustedIPs,
      insecureForwardedHeaders: ep.forwardedHeaders.insecure,
      connectionHeaders: ep.forwardedHeaders.connection,
      keepAliveMaxRequests: ep.transport.keepAliveMaxRequests,
      keepAliveMaxTime: ep.transport.keepAliveMaxTime,
      request: ep.http,
      readHeaderTimeout: ep.transport.respondingTimeouts.readHeaderTimeout,
      bodyIdleTimeout: ep.transport.respondingTimeouts.bodyIdleTimeout,
      current: () => current,
      tls: tls.manager,
      ...(observer ? { observer } : {}),
      release: (lease) => {
        lease.active--;
        retireIfDrained(lease as TableLease & { generation: number; retired?: boolean });
      },
      log,
    }),
  );
  let internal: InternalServer | undefined;
  let internalOpen = false;
  const closeInternal = async (): Promise<void> => {
    if (!internalOpen) return;
    internalOpen = false;
    await internal?.close();
  };
  // Everything the gateway opened, closed in order: a shutdown, and a start that fails half-way. `run` takes
  // each step (the failed start goes on past a step that throws: what it reports is why the start failed).
  const closeAll = async (grace: (ep: EntryPoint) => number, gentle: boolean, run: (step: () => unknown) => Promise<unknown>): Promise<void> => {
    const steps: Array<() => unknown> = [
      () => watcher.stop(),
      () => memory.close(),
      () => acme?.close(),
      // Event streams never finish on their own: end them first so they do not hold the drain.
      () => api?.close(),
      () => Promise.all(entryPoints.map((ep) => ep.shutdown(grace(ep), { gentle }))),
      closeInternal,
      () => observability.close(),
      () => current?.table.close(),
      () => state.close(),
      () => tls.manager.close(),
      () => forwarder.close(),
    ];
    for (const step of steps) await run(step);
  };
  try {
    // Stored certificates are loaded before any entry point listens, so they are served at once (#7869).
    await acme?.start();
    if (!options.takeOver) for (const ep of entryPoints) await ep.listen();
    const internalEp = role === 'data' ? undefined : config.entryPoints[INTERNAL_ENTRY_POINT];
    internal = internalEp
      ? await startInternalServer({
          address: internalEp.address,
          ping: config.ping?.entryPoint === INTERNAL_ENTRY_POINT ? config.ping : undefined,
          state: { terminating: () => terminating, ready: view.ready },
          plugins: [observability.register, ...(api && config.api?.insecure ? [api.register] : [])],
          log,
          defer: options.takeOver !== undefined,
        })
      : undefined;
    internalOpen = internal !== undefined;
    watcher.start();
    if (options.takeOver) await takeOverFromOldProcess({ takeOver: options.takeOver, entryPoints, internal, ready: view.ready, readyTimeoutMs: 60_000 });
  } catch (error) {
    // A start that fails half-way (an address in use, a take-over that timed out) closes what it opened, so the
    // caller can report and exit instead of hanging on listening sockets, watchers and timers.
    await closeAll(() => 0, false, (step) => Promise.resolve().then(step).catch(() => undefined));
    throw error;
  }

  return {
    events,
    port(name) {
      if (name === INTERNAL_ENTRY_POINT && internal) {
        const address = internal.server.address();
        return typeof address === 'object' && address ? address.port : 0;
      }
      const ep = entryPoints.find((e) => e.name === name);
      if (!ep) throw new Error(`no entry point "${name}"`);
      return ep.port();
    },
    view,
    reopenLogs: () => observability.reopen(),
    ...(acme && { acme }),
    version: view.version,
    tls: tls.manager,
    table: view.table,
    ready: view.ready,
    async waitForVersion(version, timeoutMs = 10_000) {
      const deadline = AbortSignal.timeout(timeoutMs);
      while (view.version() < version) await once(events, 'applied', { signal: deadline });
    },
    listeners: () => listeningSockets(entryPoints, internal),
    async shutdown(shutdownOptions = {}) {
      const handedOver = shutdownOptions.handedOver === true;
      // After a hand-over the sockets are served on by the new process: a public /ping must not say terminating.
      if (!handedOver) terminating = true;
      const served = servedEntryPoints(config);
      const acceptGrace = handedOver ? 0 : Math.max(0, ...served.map((ep) => ep.transport.lifeCycle.requestAcceptGraceTimeout));
      if (acceptGrace > 0) await new Promise((r) => setTimeout(r, acceptGrace));
      // The new process answers /ping and /ready now; this one stops taking internal connections at once.
      if (handedOver) await closeInternal();
      await closeAll((ep) => config.entryPoints[ep.name]!.transport.lifeCycle.graceTimeOut, handedOver, async (step) => step());
    },
  };
}

function createProviders(config: StaticConfig, types: ProviderRegistry, baseDir: string, log: Logger, middlewares: MiddlewareRegistry): Provider[] {
  const sections: Record<string, unknown> = { ...config.providers.others, ...(config.providers.file ? { file: config.providers.file } : {}) };
  return Object.entries(sections).map(([type, options]) => {
    const definition = types.get(type);
    if (!definition) throw syError('SY_ERR_STATIC_INVALID', `providers.${type}: unknown provider type (known: ${types.types().join(', ')})`);
    return definition.create(options as never, { log: log.child({ provider: type }), baseDir, middlewares });
  });
}

// The static `serversTransport` is the `default@internal` transport; its durations are already in ms.
function staticTransport(config: StaticConfig): ServersTransportConfig {
  const t = config.serversTransport;
  return {
    insecureSkipVerify: t.insecureSkipVerify,
    rootCAs: t.rootCAs,
    maxIdleConnsPerHost: t.maxIdleConnsPerHost,
    forwardingTimeouts: {
      dialTimeout: `${t.forwardingTimeouts.dialTimeout}ms`,
      responseHeaderTimeout: `${t.forwardingTimeouts.responseHeaderTimeout}ms`,
      idleConnTimeout: `${t.forwardingTimeouts.idleConnTimeout}ms`,
    },
  };
}

const mb = (bytes: number): number => Math.round(bytes / 1048576);
