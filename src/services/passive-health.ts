import type { PassiveHealthCheckConfig } from '../config/dynamic-schema.js';
import { parseDuration } from '../duration.js';
import type { Logger } from '../log.js';
import type { ForwardOutcome } from '../proxy/forwarder.js';
import type { Disposable } from '../runtime/state-store.js';
import type { ServerHealth } from './health-check.js';

/** Passive health checking of a fixed set of servers: real traffic decides; lives in the StateStore across reloads. */
export interface PassiveHealth extends Disposable {
  status(url: string): ServerHealth;
  /** Feeds the outcome of one forward to `url`. */
  record(url: string, outcome: ForwardOutcome): void;
  /** Called on every UP ↔ DOWN transition of one server; returns an unsubscribe. */
  onChange(listener: (url: string, status: ServerHealth) => void): () => void;
}

/** What a passive checker needs. */
export interface PassiveHealthOptions {
  serviceName: string;
  servers: readonly string[];
  config: PassiveHealthCheckConfig;
  log: Logger;
}

/** Validates `passiveHealthCheck` and returns it in milliseconds with Traefik's defaults (10s, 1); throws a clear Error. */
export function resolvePassiveHealthCheck(config: PassiveHealthCheckConfig): { failureWindow: number; maxFailedAttempts: number } {
  const failureWindow = parseDuration(config.failureWindow ?? '10s');
  const maxFailedAttempts = config.maxFailedAttempts ?? 1;
  if (failureWindow <= 0) throw new Error('passiveHealthCheck.failureWindow must be positive');
  if (!Number.isInteger(maxFailedAttempts) || maxFailedAttempts < 1) throw new Error('passiveHealthCheck.maxFailedAttempts must be at least 1');
  return { failureWindow, maxFailedAttempts };
}

/**
 * True when an exchange counts as a failed attempt, as Traefik counts them: the server was not
 * reached or broke (refused, reset, timeout, malformed answer) or the final status is 5xx. A client
 * that went away says nothing about the server.
 */
export function isFailedAttempt(outcome: ForwardOutcome): boolean {
  if (outcome.error === 'client-gone') return false;
  return outcome.error !== undefined || outcome.status >= 500;
}

/**
 * Counts failed attempts per server in a sliding `failureWindow`; at `maxFailedAttempts` the server is
 * ejected (DOWN) for one window and then re-admitted. A success clears the count (Traefik behaviour).
 */
export function createPassiveHealth(options: PassiveHealthOptions): PassiveHealth {
  const { serviceName, log } = options;
  const { failureWindow, maxFailedAttempts } = resolvePassiveHealthCheck(options.config);
  const failures = new Map<string, number[]>();
  const ejected = new Map<string, NodeJS.Timeout>();
  const listeners = new Set<(url: string, status: ServerHealth) => void>();
  const known = new Set(options.servers);
  let disposed = false;

  const notify = (url: string, status: ServerHealth): void => {
    for (const listener of [...listeners]) {
      // One failing listener must not silence the others or break the request that reported.
      try {
        listener(url, status);
      } catch (error) {
        log.error({ service: serviceName, err: error }, 'health change listener failed');
      }
    }
  };

  const readmit = (url: string): void => {
    ejected.delete(url);
    if (disposed) return;
    log.info({ service: serviceName, server: url }, 'passive health check: server is re-admitted');
    notify(url, 'UP');
  };

  return {
    status: (url) => (ejected.has(url) ? 'DOWN' : 'UP'),
    record(url, outcome) {
      if (disposed || !known.has(url)) return;
      if (!isFailedAttempt(outcome)) {
        failures.delete(url);
        return;
      }
      const now = Date.now();
      const recent = (failures.get(url) ?? []).filter((at) => at > now - failureWindow);
      recent.push(now);
      failures.set(url, recent);
      if (recent.length < maxFailedAttempts || ejected.has(url)) return;
      // unref: an ejection timer alone must not keep a process (or a test) alive.
      ejected.set(url, setTimeout(() => readmit(url), failureWindow).unref());
      log.warn({ service: serviceName, server: url, failures: recent.length, window: failureWindow }, 'passive health check: server is DOWN');
      notify(url, 'DOWN');
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      disposed = true;
      for (const timer of ejected.values()) clearTimeout(timer);
      ejected.clear();
      failures.clear();
      listeners.clear();
    },
  };
}
