import type { WeightedConfig } from '../config/dynamic-schema.js';
import { configHash } from '../runtime/state-store.js';
import type { ServiceBuildContext } from './build.js';
import { createHealthSignal, isHealthChecked } from './health-signal.js';
import type { Service } from './service.js';
import { pickSticky, resolveStickyCookie, StickyItems } from './sticky.js';
import { respondUnavailable } from './unavailable.js';
import { createWrrState, pickSmoothWrr, type WrrState } from './wrr.js';

/**
 * Builds a `weighted` service: smooth WRR across child services, skipping children that report
 * themselves unhealthy, with an optional sticky cookie whose value is a hash of the child's name.
 */
export function createWeighted(config: WeightedConfig, ctx: ServiceBuildContext): Service {
  const children = config.services.map((ref) => ({ name: ref.name, service: ctx.child(ref.name), weight: ref.weight ?? 1 }));
  if (config.healthCheck) {
    const blind = children.find((c) => !isHealthChecked(c.service));
    if (blind) throw new Error(`weighted.healthCheck needs health checking on every child, and service "${blind.name}" has none`);
  }
  const weights = children.map((c) => c.weight);
  const wrr = ctx.state.get<WrrState>(`wrr:${ctx.name}:${configHash(config.services)}`, () => createWrrState(children.length));
  // Every child reports health (a load balancer without checks is healthy while it has servers), so unhealthy ones are always skipped.
  const up = (i: number): boolean => children[i]!.weight > 0 && children[i]!.service.healthy();
  const healthy = (): boolean => children.some((_, i) => up(i));
  const signal = createHealthSignal(healthy);
  const unsubscribers = children.map((c) => c.service.onHealthChange(() => signal.update()));
  const cookie = config.sticky?.cookie ? resolveStickyCookie(config.sticky.cookie, ctx.name) : undefined;
  const items = new StickyItems(children.map((c) => c.name));
  const balance = (): number => pickSmoothWrr(weights, wrr, up);

  return {
    healthChecked: config.healthCheck !== undefined,
    async handle(req, res) {
      const index = cookie ? pickSticky(req, res, cookie, items, up, balance) : balance();
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
