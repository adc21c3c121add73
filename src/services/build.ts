import type { ServiceConfig } from '../config/dynamic-schema.js';
import type { Logger } from '../log.js';
import type { Forwarder } from '../proxy/forwarder.js';
import type { Transport } from '../proxy/transport.js';
import type { StateStore } from '../runtime/state-store.js';
import { createFailover } from './failover.js';
import { createLoadBalancer } from './load-balancer.js';
import { createMirroring } from './mirroring.js';
import type { Service } from './service.js';
import { createWeighted } from './weighted.js';

/** What building one service needs from the routing-table compiler. */
export interface ServiceBuildContext {
  /** Qualified name of the service being built, `name@provider`. */
  name: string;
  forwarder: Forwarder;
  /** Survives reloads: health checkers and balancer positions live here. */
  state: StateStore;
  /** The transport for a serversTransport name (already resolved by the caller; undefined name → default). */
  transport(name: string | undefined): Transport;
  /** Returns a child service by reference (resolved in this service's provider unless qualified); throws when it does not exist. */
  child(ref: string): Service;
  log: Logger;
}

type Kind = 'loadBalancer' | 'weighted' | 'mirroring' | 'failover';

// Registries, not if-chains: the configuration key selects the builder.
const BUILDERS: { [K in Kind]: (config: NonNullable<ServiceConfig[K]>, ctx: ServiceBuildContext) => Service } = {
  loadBalancer: createLoadBalancer,
  weighted: createWeighted,
  mirroring: createMirroring,
  failover: createFailover,
};

/** Builds a service from its configuration; throws an Error with a clear message on invalid combinations. */
export function buildService(config: ServiceConfig, ctx: ServiceBuildContext): Service {
  const kinds = (Object.keys(BUILDERS) as Kind[]).filter((kind) => config[kind] !== undefined);
  if (kinds.length === 0) throw new Error('a service needs one of loadBalancer, weighted, mirroring or failover');
  if (kinds.length > 1) throw new Error(`a service must define exactly one of loadBalancer, weighted, mirroring or failover, not ${kinds.join(' and ')}`);
  const kind = kinds[0]!;
  return (BUILDERS[kind] as (c: unknown, x: ServiceBuildContext) => Service)(config[kind], ctx);
}
