import type { Logger } from '../../log.js';
import type { KvPair, KvSession } from '../kv/index.js';
import { watchSessions } from '../kv/kv-provider.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../provider.js';
import { buildRegistryConfig, parseInstance, type RegisteredInstance, type RegistryBuildOptions } from './instances.js';

/** What createRegistryProvider needs from a store-specific registry provider. */
export interface RegistryProviderOptions extends RegistryBuildOptions {
  /** Provider namespace: `etcdregistry`, `redisregistry`. */
  name: string;
  /** Splits a key into `[service, instance-id]` below the prefix, or undefined for a key outside it. */
  split(key: string): string[] | undefined;
  /** Connects and authenticates, like a KV session: watch the prefix, list it, close. */
  open(): Promise<KvSession>;
  log: Logger;
  debounceMs?: number;
}

/**
 * Builds a service-registry provider: each change under the prefix (a registration, a lease or TTL
 * expiry, a deletion) re-reads the prefix whole and yields the services with their current instances.
 * An entry that does not parse is reported by key and left out; the rest still serve.
 */
export function createRegistryProvider(options: RegistryProviderOptions): Provider {
  const { name, log } = options;
  const state: ProviderState = { connected: false };

  function snapshot(pairs: KvPair[]): ProviderSnapshot {
    const errors: string[] = [];
    const instances: RegisteredInstance[] = [];
    for (const { key, value } of pairs) {
      const segments = options.split(key);
      if (!segments) continue;
      try {
        instances.push(parseInstance(segments, value));
      } catch (error) {
        errors.push(`key "${key}": ${(error as Error).message}`);
      }
    }
    const built = buildRegistryConfig(instances, options);
    errors.push(...built.errors);
    for (const error of errors) log.warn({ provider: name }, error);
    state.connected = true;
    state.lastSnapshotAt = new Date().toISOString();
    state.lastError = errors.at(-1);
    return { config: built.config, errors };
  }

  return {
    name,
    state: () => ({ ...state }),
    watch: (signal: AbortSignal) => watchSessions(signal, options.open, options.debounceMs ?? 50, state, snapshot),
  };
}
