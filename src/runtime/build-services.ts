import type { ServiceConfig, ServersTransportConfig } from '../config/dynamic-schema.js';
import type { Forwarder } from '../proxy/forwarder.js';
import { createTransport, type Transport } from '../proxy/transport.js';
import type { Service } from '../services/service.js';
import { buildService } from '../services/build.js';
import type { Logger } from '../log.js';
import { configHash, type StateStore } from './state-store.js';
import { addError, type ServiceStatus } from './status.js';
import { providerOf, resolveRef } from './names.js';
import { buildChain, type MiddlewareBuildDeps } from './build-middlewares.js';

/** What building services needs from the compile in progress. */
export interface ServiceBuildDeps {
  configs: Record<string, ServiceConfig>;
  statuses: Record<string, ServiceStatus>;
  transports: Record<string, ServersTransportConfig>;
  defaultTransport: ServersTransportConfig;
  internal: Record<string, Service>;
  forwarder: Forwarder;
  state: StateStore;
  log: Logger;
  middlewares: MiddlewareBuildDeps;
}

/** Builds services on demand, once each per table, detecting reference loops. */
export function createServiceBuilder(deps: ServiceBuildDeps) {
  const built = new Map<string, Service>();
  const building: string[] = [];

  const transport = (ref: string | undefined, provider: string): Transport => {
    const name = ref ? resolveRef(ref, provider) : 'default@internal';
    const config = name === 'default@internal' ? deps.defaultTransport : deps.transports[name];
    if (!config) throw new Error(`serversTransport "${name}" does not exist`);
    return deps.state.get(`transport:${name}:${configHash(config)}`, () => createTransport(config));
  };

  const get = (name: string, usedBy?: string): Service => {
    const internal = deps.internal[name];
    if (internal) return internal;
    const status = deps.statuses[name];
    if (!status) throw new Error(`service "${name}" does not exist`);
    if (usedBy && !status.usedBy.includes(usedBy)) status.usedBy.push(usedBy);
    const existing = built.get(name);
    if (existing) return existing;
    if (building.includes(name)) throw new Error(`service reference loop: ${[...building, name].join(' -> ')}`);
    if (status.status === 'disabled') throw new Error(`service "${name}" is disabled: ${(status.error ?? []).join('; ')}`);
    building.push(name);
    try {
      const provider = providerOf(name);
      const config = deps.configs[name]!;
      const service = buildService(config, {
        name,
        forwarder: deps.forwarder,
        state: deps.state,
        transport: (ref) => transport(ref, provider),
        child: (ref) => get(resolveRef(ref, provider), name),
        log: deps.log,
      });
      const wrapped = config.middlewares?.length
        ? withHandle(service, buildChain(deps.middlewares, config.middlewares, provider, service.handle, name))
        : service;
      built.set(name, wrapped);
      return wrapped;
    } catch (error) {
      addError(status, (error as Error).message, true);
      throw new Error(`service "${name}" is disabled: ${(error as Error).message}`);
    } finally {
      building.pop();
    }
  };

  return {
    get,
    built: () => built,
    /** Builds every declared service so unused ones report their errors too. */
    buildAll(): void {
      for (const name of Object.keys(deps.configs)) {
        try {
          get(name);
        } catch {
          // the error is on the service's status already
        }
      }
    },
  };
}

function withHandle(service: Service, handle: Service['handle']): Service {
  return {
    handle,
    healthChecked: service.healthChecked,
    healthy: () => service.healthy(),
    onHealthChange: (listener) => service.onHealthChange(listener),
    serverStatus: () => service.serverStatus(),
    close: () => service.close(),
  };
}
