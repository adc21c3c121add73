import type { FailoverConfig } from '../config/dynamic-schema.js';
import type { ServiceBuildContext } from './build.js';
import { createHealthSignal, isHealthChecked } from './health-signal.js';
import type { Service } from './service.js';
import { respondUnavailable } from './unavailable.js';

/** Builds a `failover` service: the main service while it is healthy, else the fallback; 503 when neither is. */
export function createFailover(config: FailoverConfig, ctx: ServiceBuildContext): Service {
  const main = ctx.child(config.service);
  const fallback = ctx.child(config.fallback);
  // As in Traefik: without health checking the main service would never be seen as down.
  if (!isHealthChecked(main)) throw new Error(`failover needs health checking on its main service, and service "${config.service}" has none`);
  if (config.healthCheck && !isHealthChecked(fallback)) {
    throw new Error(`failover.healthCheck needs health checking on the fallback too, and service "${config.fallback}" has none`);
  }
  const healthy = (): boolean => main.healthy() || fallback.healthy();
  const signal = createHealthSignal(healthy);
  const unsubscribers = [main.onHealthChange(() => signal.update()), fallback.onHealthChange(() => signal.update())];

  return {
    healthChecked: config.healthCheck !== undefined,
    async handle(req, res) {
      if (main.healthy()) return main.handle(req, res);
      if (fallback.healthy()) return fallback.handle(req, res);
      respondUnavailable(req, res);
    },
    healthy,
    onHealthChange: (listener) => signal.subscribe(listener),
    serverStatus: () => ({}),
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
