import type { HighestRandomWeightConfig } from '../config/dynamic-schema.js';
import { configHash } from '../runtime/state-store.js';
import type { ServiceBuildContext } from './build.js';
import { createHashKey } from './hash-key.js';
import { createHealthSignal, isHealthChecked } from './health-signal.js';
import type { Service } from './service.js';
import { createBalancer } from './strategy.js';
import { respondUnavailable } from './unavailable.js';

/**
 * Builds a `highestRandomWeight` service: weighted rendezvous hashing of the client IP (or of the
 * configured `hash` key) over child services, hashed with the child's name so a key keeps its child
 * across reloads and only the keys of an added or removed child move. Unhealthy children are
 * skipped (their keys go to each key's next-best child); requests without a key are balanced by WRR.
 */
export function createHighestRandomWeight(config: HighestRandomWeightConfig, ctx: ServiceBuildContext): Service {
  const hashKey = createHashKey(config.hash, 'highestRandomWeight.hash');
  const children = config.services.map((ref) => ({ name: ref.name, service: ctx.child(ref.name), weight: ref.weight ?? 1 }));
  if (config.healthCheck) {
    const blind = children.find((c) => !isHealthChecked(c.service));
    if (blind) throw new Error(`highestRandomWeight.healthCheck needs health checking on every child, and service "${blind.name}" has none`);
  }
  const balancer = createBalancer({
    strategy: 'hrw',
    ids: children.map((c) => c.name),
    weights: children.map((c) => c.weight),
    state: ctx.state,
    stateKey: `${ctx.name}:${configHash(config.services)}`,
    hashKey,
  });
  const up = (i: number): boolean => children[i]!.weight > 0 && children[i]!.service.healthy();
  const healthy = (): boolean => children.some((_, i) => up(i));
  const signal = createHealthSignal(healthy);
  const unsubscribers = children.map((c) => c.service.onHealthChange(() => signal.update()));

  return {
    healthChecked: config.healthCheck !== undefined,
    async handle(req, res) {
      const index = balancer.pick(req, up);
      if (index === -1) return respondUnavailable(req, res);
      await children[index]!.service.handle(req, res);
    },
    healthy,
    onHealthChange: (listener) => signal.subscribe(listener),
    serverStatus: () => ({}),
    async close() {
      // Children are built and closed by the table that owns them; only detach.
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
