import type { ServiceConfig, ServersTransportConfig } from '../config/dynamic-schema.js';
import type { Forwarder } from '../proxy/forwarder.js';
import { createTransport, type Transport } from '../proxy/transport.js';
import type { Service } from '../services/service.js';
import { buildService } from '../services/build.js';
import type { Logger } from '../log.js';
import { configHash, type StateStore } from './state-store.js';
import { addError, addUser, type ServiceStatus } from './status.js';
import { providerOf, resolveRef } from './names.js';
import { buildChain, type MiddlewareBuildDeps } from './build-middlewares.js';
import { openServiceMemo } from './service-memo.js';
import { isDeepFrozen } from '../config/deep-frozen.js';

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

  // One hash per transport and table, not one per service using it (10,000 services share the default).
  const transportKeys = new Map<string, string>();
  // A service's `serversTransport` reference: its qualified name and configuration (undefined: it does not exist).
  const transportOf = (ref: string | undefined, provider: string): { name: string; config: ServersTransportConfig | undefined } => {
    const name = ref ? resolveRef(ref, provider) : 'default@internal';
    return { name, config: name === 'default@internal' ? deps.defaultTransport : deps.transports[name] };
  };
  const transport = (ref: string | undefined, provider: string): Transport => {
    const { name, config } = transportOf(ref, provider);
    if (!config) throw new Error(`serversTransport "${name}" does not exist`);
    return deps.state.get(transportKey(name, config), () => createTransport(config));
  };
  const transportKey = (name: string, config: ServersTransportConfig): string => {
    let key = transportKeys.get(name);
    if (key === undefined) transportKeys.set(name, (key = `transport:${name}:${configHash(config)}`));
    return key;
  };
  const memo = openServiceMemo(deps.state, deps.forwarder);
  // What a reusable service's build depends on besides its name and configuration: its transport.
  const contextOf = (config: ServiceConfig, provider: string): string | undefined => {
    const lb = config.loadBalancer;
    // Frozen means it came through the watcher and cannot change under the built service. Health checks and
    // service middlewares tie a service to other state or elements, so those are always rebuilt.
    if (!lb || !isDeepFrozen(config) || !hasOneKey(config) || lb.healthCheck || lb.passiveHealthCheck) return undefined;
    const { name, config: transportConfig } = transportOf(lb.serversTransport, provider);
    return transportConfig ? transportKey(name, transportConfig) : undefined;
  };

  const get = (name: string, usedBy?: string): Service => {
    const internal = deps.internal[name];
    if (internal) return internal;
    const status = deps.statuses[name];
    if (!status) throw new Error(`service "${name}" does not exist`);
    if (usedBy) addUser(status, usedBy);
    const existing = built.get(name);
    if (existing) return existing;
    if (building.includes(name)) throw new Error(`service reference loop: ${[...building, name].join(' -> ')}`);
    if (status.status === 'disabled') throw new Error(`service "${name}" is disabled: ${(status.error ?? []).join('; ')}`);
    building.push(name);
    try {
      const provider = providerOf(name);
      const config = deps.configs[name]!;
      const context = contextOf(config, provider);
      const reused = context === undefined ? undefined : memo.take(name, config, context);
      if (reused) {
        built.set(name, reused);
        return reused;
      }
      const build = () =>
        buildService(config, {
          name,
          forwarder: deps.forwarder,
          state: deps.state,
          transport: (ref) => transport(ref, provider),
          child: (ref) => get(resolveRef(ref, provider), name),
          log: deps.log,
        });
      if (context !== undefined) {
        const { value, keys } = deps.state.record(build);
        const remembered = memo.put(name, config, context, value, keys);
        built.set(name, remembered);
        return remembered;
      }
      const service = build();
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
      memo.commit();
    },
  };
}

// Counted without listing the keys: asked of every service on every reload (issue 8).
function hasOneKey(value: object): boolean {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++count > 1) return false;
  return count === 1;
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
