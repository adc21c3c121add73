import { Agent, H2CClient, interceptors, request, type Dispatcher } from 'undici';
import { grpcHealthProbe } from './grpc-health-probe.js';
import type { HealthCheckConfig } from '../config/dynamic-schema.js';
import { parseDuration } from '../duration.js';
import type { Logger } from '../log.js';
import type { Transport } from '../proxy/transport.js';
import type { Disposable } from '../runtime/state-store.js';

/** A server's state as the API shows it. */
export type ServerHealth = 'UP' | 'DOWN';

/** Active health checking of a fixed set of servers; lives in the StateStore so it survives reloads. */
export interface HealthChecker extends Disposable {
  status(url: string): ServerHealth;
  statuses(): Record<string, ServerHealth>;
  /** Called on every UP ↔ DOWN transition of one server; returns an unsubscribe. */
  onChange(listener: (url: string, status: ServerHealth) => void): () => void;
}

/** What a health checker needs to run. */
export interface HealthCheckerOptions {
  serviceName: string;
  servers: readonly string[];
  config: HealthCheckConfig;
  transport: Transport;
  log: Logger;
  /** Last known status per URL for this service, shared with the checker of the previous config. */
  memory: Map<string, ServerHealth>;
}

/** Validates the options a checker would use and returns them in milliseconds; throws a clear Error. */
export function resolveHealthCheck(config: HealthCheckConfig): { interval: number; unhealthyInterval: number; timeout: number } {
  // The gRPC health protocol has a fixed method: no path to ask for (as in Traefik).
  if (config.mode !== 'grpc' && !config.path) throw new Error('healthCheck.path is required');
  const interval = parseDuration(config.interval ?? '30s');
  const unhealthyInterval = config.unhealthyInterval === undefined ? interval : parseDuration(config.unhealthyInterval);
  const timeout = parseDuration(config.timeout ?? '5s');
  if (interval <= 0) throw new Error('healthCheck.interval must be positive');
  if (unhealthyInterval <= 0) throw new Error('healthCheck.unhealthyInterval must be positive');
  if (timeout <= 0) throw new Error('healthCheck.timeout must be positive');
  return { interval, unhealthyInterval, timeout };
}

/** Builds the probe URL: the server's origin with scheme, port and path (with query) from the config. */
export function probeUrl(server: string, config: HealthCheckConfig): string {
  const serverScheme = server.slice(0, server.indexOf(':')).toLowerCase();
  const scheme = (config.scheme ?? serverScheme).toLowerCase();
  // WHATWG URLs cannot switch between h2c (not a special scheme) and http(s): an h2c URL is edited as http.
  const url = new URL(serverScheme === 'h2c' ? `http${server.slice(3)}` : server);
  url.protocol = scheme === 'h2c' ? 'http:' : `${scheme}:`;
  if (config.port) url.port = String(config.port);
  const target = new URL(config.path ?? '/', 'http://placeholder');
  url.pathname = target.pathname;
  url.search = target.search;
  // An h2c server stays h2c (probed over cleartext HTTP/2 with prior knowledge); `scheme` can override.
  return scheme === 'h2c' ? `h2c:${url.toString().slice('http:'.length)}` : url.toString();
}

/**
 * Starts probing every server at once (PR #13223: Traefik waits one interval, so dead servers get
 * traffic after each reload), then every `interval` while UP and `unhealthyInterval` while DOWN.
 * Servers start with their remembered status, or UP when never probed, until their first answer;
 * nothing waits for that first probe, so building a table never blocks on servers.
 */
export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  const { config, log, memory, serviceName } = options;
  const { interval, unhealthyInterval, timeout } = resolveHealthCheck(config);
  const tls = options.transport.httpsAgent.options;
  const connectTls = { rejectUnauthorized: tls.rejectUnauthorized ?? true, servername: tls.servername, ca: tls.ca, cert: tls.cert, key: tls.key };
  const agent = new Agent({ connect: connectTls });
  // grpc-js and other gRPC servers refuse HTTP/1.1: h2c servers get HTTP/2 with prior knowledge.
  const h2cAgent = new Agent({ factory: (origin, opts) => new H2CClient(origin, opts) });
  const follow = (base: Agent): Dispatcher => (config.followRedirects === false ? base : base.compose(interceptors.redirect({ maxRedirections: 10 })));
  const dispatcher = follow(agent);
  const h2cDispatcher = follow(h2cAgent);
  const grpcMetadata = Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]).filter(([k]) => k !== 'host' && k !== 'connection'));
  const headers: Record<string, string> = { ...config.headers, ...(config.hostname ? { host: config.hostname } : {}) };
  const method = (config.method ?? 'GET').toUpperCase();
  const status = new Map<string, ServerHealth>(options.servers.map((url) => [url, memory.get(url) ?? 'UP']));
  // Servers no longer configured are forgotten, so the memory stays as small as the config.
  for (const url of memory.keys()) if (!status.has(url)) memory.delete(url);
  const listeners = new Set<(url: string, status: ServerHealth) => void>();
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<AbortController>();
  let disposed = false;

  const set = (url: string, next: ServerHealth, reason: string): void => {
    memory.set(url, next);
    if (status.get(url) === next) return;
    status.set(url, next);
    if (next === 'DOWN') log.warn({ service: serviceName, server: url, reason }, 'health check: server is DOWN');
    else log.info({ service: serviceName, server: url }, 'health check: server is UP');
    for (const listener of [...listeners]) {
      // A failing listener must neither silence the others nor be taken for a failed probe.
      try {
        listener(url, next);
      } catch (error) {
        log.error({ service: serviceName, err: error }, 'health change listener failed');
      }
    }
  };

  const probe = async (url: string): Promise<void> => {
    const abort = new AbortController();
    inFlight.add(abort);
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeout} ms`)), timeout);
    try {
      const probed = probeUrl(url, config);
      const h2c = probed.startsWith('h2c:');
      // Parsed as http: (see probeUrl); the h2c flag picks the dispatcher.
      const target = new URL(h2c ? `http:${probed.slice(4)}` : probed);
      if (config.mode === 'grpc') {
        await grpcHealthProbe({ url: target, tls: connectTls, authority: config.hostname, metadata: grpcMetadata, timeoutMs: timeout, signal: abort.signal });
        if (!disposed) set(url, 'UP', 'SERVING');
      } else {
        const res = await request(target, { method, headers, dispatcher: h2c ? h2cDispatcher : dispatcher, signal: abort.signal });
        await res.body.dump();
        const ok = config.status ? res.statusCode === config.status : res.statusCode >= 200 && res.statusCode < 400;
        if (!disposed) set(url, ok ? 'UP' : 'DOWN', `status ${res.statusCode}`);
      }
    } catch (error) {
      const reason = abort.signal.aborted ? String((abort.signal.reason as Error)?.message) : String((error as Error).message);
      if (!disposed) set(url, 'DOWN', reason);
    } finally {
      clearTimeout(timer);
      inFlight.delete(abort);
    }
    if (disposed) return;
    // unref: a checker alone must not keep a process (or a test) alive.
    timers.set(url, setTimeout(() => void probe(url), status.get(url) === 'UP' ? interval : unhealthyInterval).unref());
  };

  for (const url of status.keys()) void probe(url);

  return {
    status: (url) => status.get(url) ?? 'UP',
    statuses: () => Object.fromEntries(status),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      for (const abort of inFlight) abort.abort(new Error('health checker disposed'));
      listeners.clear();
      // destroy, not close: a probe still in flight must not hold up the table swap that disposes us.
      await Promise.all([agent.destroy(), h2cAgent.destroy()]);
    },
  };
}
