import type { Forwarder } from '../proxy/forwarder.js';
import { CLOSED, type Service } from '../services/service.js';
import type { StateStore } from './state-store.js';

interface Entry {
  /** What the service depends on besides its configuration (its transport's key). */
  context: string;
  config: object;
  /** The configuration as JSON, computed only when a later one is equal but not the same object. */
  json?: string;
  service: Service;
  /** The StateStore keys the build read (transport, balancer position), claimed again on reuse. */
  keys: string[];
  /** Tables holding the service; it is closed once none does and the memo dropped it. */
  refs: number;
  live: boolean;
}

/** One compile's view of the memo: reuse, remember, then drop what this compile did not use. */
export interface ServiceMemoSession {
  /** The service built earlier under `name` from an equal configuration and context, as a handle for this table; undefined to build. */
  take(name: string, config: object, context: string): Service | undefined;
  /** Remembers a service just built (with the StateStore keys it read) and returns its handle for this table. */
  put(name: string, config: object, context: string, service: Service, keys: string[]): Service;
  /** Ends the compile: services it did not use are dropped, and closed once no table holds them. */
  commit(): void;
}

interface Memo {
  forwarder: Forwarder;
  entries: Map<string, Entry>;
}

// One memo per gateway (its StateStore), so two gateways in a process never share services.
const memos = new WeakMap<StateStore, Memo>();

/**
 * Opens a memo session for one compile (issue 8): a service whose configuration did not change since the
 * last table is reused instead of rebuilt, so a reload changing one service of 10,000 builds one. Only
 * the last compile's services are kept, so the memo never outgrows the configuration.
 */
export function openServiceMemo(state: StateStore, forwarder: Forwarder): ServiceMemoSession {
  let memo = memos.get(state);
  if (!memo || memo.forwarder !== forwarder) memos.set(state, (memo = { forwarder, entries: new Map() }));
  const { entries } = memo;
  const used = new Set<string>();
  return {
    take(name, config, context) {
      const entry = entries.get(name);
      if (!entry || entry.context !== context || !sameConfig(entry, config) || !state.touch(entry.keys)) return undefined;
      used.add(name);
      return handleFor(entry);
    },
    put(name, config, context, service, keys) {
      const old = entries.get(name);
      if (old) drop(old);
      const entry: Entry = { context, config, service, keys, refs: 0, live: true };
      entries.set(name, entry);
      used.add(name);
      return handleFor(entry);
    },
    commit() {
      // forEach, not for…of over pairs: no [name, entry] array per service (issue 8); deleting the visited entry is safe.
      entries.forEach((entry, name) => {
        if (used.has(name)) return;
        entries.delete(name);
        drop(entry);
      });
    },
  };
}

// The watcher keeps an unchanged element's object across snapshots, so identity is the usual answer; JSON
// covers a provider that rebuilt an equal one (validated configurations are plain JSON data).
function sameConfig(entry: Entry, config: object): boolean {
  if (entry.config === config) return true;
  entry.json ??= JSON.stringify(entry.config);
  return entry.json === JSON.stringify(config);
}

function drop(entry: Entry): void {
  entry.live = false;
  if (entry.refs === 0) entry.service.close().catch(() => undefined);
}

// The handle shares the service's request handler (no extra call per request); only close is per table. A class
// rather than an object of closures: a table of 10,000 reused services allocates one small object each (issue 8).
class Handle implements Service {
  readonly handle: Service['handle'];
  readonly healthChecked: boolean | undefined;
  #entry: Entry | undefined;
  readonly #service: Service;

  constructor(entry: Entry) {
    this.#entry = entry;
    this.#service = entry.service;
    this.handle = entry.service.handle;
    this.healthChecked = entry.service.healthChecked;
  }

  healthy(): boolean {
    return this.#service.healthy();
  }

  onHealthChange(listener: (healthy: boolean) => void): () => void {
    return this.#service.onHealthChange(listener);
  }

  serverStatus(): Record<string, 'UP' | 'DOWN'> {
    return this.#service.serverStatus();
  }

  close(): Promise<void> {
    const entry = this.#entry;
    if (!entry) return CLOSED;
    this.#entry = undefined;
    entry.refs -= 1;
    if (entry.live || entry.refs > 0) return CLOSED;
    try {
      return entry.service.close();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

function handleFor(entry: Entry): Service {
  entry.refs += 1;
  return new Handle(entry);
}
