import type { ServiceConfig } from '../config/dynamic-schema.js';
import type { Logger } from '../log.js';
import type { Forwarder } from '../proxy/forwarder.js';
import type { Transport } from '../proxy/transport.js';
import type { StateStore } from '../runtime/state-store.js';
import { createFailover } from './failover.js';
import { createHighestRandomWeight } from './highest-random-weight.js';
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

type Kind = 'loadBalancer' | 'weighted' | 'mirroring' | 'failover' | 'highestRandomWeight';

// Registries, not if-chains: the configuration key selects the builder.
const BUILDERS: { [K in Kind]: (config: NonNullable<ServiceConfig[K]>, ctx: ServiceBuildContext) => Service } = {
  loadBalancer: createLoadBalancer,
  weighted: createWeighted,
  mirroring: createMirroring,
  failover: createFailover,
  highestRandomWeight: createHighestRandomWeight,
};
const KINDS = Object.keys(BUILDERS) as Kind[];
const KIND_LIST = `${KINDS.slice(0, -1).join(', ')} or ${KINDS.at(-1)}`;

/** Builds a service from its configuration; throws an Error with a clear message on invalid combinations. */
export function buildService(config: ServiceConfig, ctx: ServiceBuildContext): Service {
  // The common service has one key: checked without building a list (a compile builds 10,000 of them).
  const only = Object.keys(config);
  const kinds = only.length === 1 && Object.hasOwn(BUILDERS, only[0]!) && config[only[0] as Kind] !== undefined ? (only as Kind[]) : KINDS.filter((kind) => config[kind] !== undefined);
  if (kinds.length === 0) throw new Error(`a service needs one of ${KIND_LIST}`);
  if (kinds.length > 1) throw new Error(`a service must define exactly one of ${KIND_LIST}, not ${kinds.join(' and ')}`);
  const kind = kinds[0]!;
  return (BUILDERS[kind] as (c: unknown, x: ServiceBuildContext) => Service)(config[kind], ctx);
}
