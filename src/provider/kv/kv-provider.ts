import type { Logger } from '../../log.js';
import type { MiddlewareRegistry } from '../../middleware/registry.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../provider.js';
import { decodeKv } from './decode.js';
import { createChangeSignal } from './change-signal.js';

/** One key and its value as a KV store returns them. */
export interface KvPair {
  key: string;
  value: string;
}

/** A live connection to a KV store, opened for one run of `watch`. */
export interface KvSession {
  /** Starts watching the root: `changed` on any change under it, `lost` once when the connection is gone. */
  watch(changed: () => void, lost: (error: Error) => void): Promise<void>;
  /** Reads every key under the root. */
  list(): Promise<KvPair[]>;
  close(): Promise<void>;
}

/** What createKvProvider needs from a store-specific provider. */
export interface KvProviderOptions {
  /** Provider namespace: `etcd`, `redis`, `consul`. */
  name: string;
  rootKey: string;
  log: Logger;
  middlewares?: MiddlewareRegistry;
  /** Connects and authenticates; rejects with a readable message when it cannot. */
  open(): Promise<KvSession>;
  /** How long a burst of changes is gathered into one re-read. Default 50 ms. */
  debounceMs?: number;
}

/**
 * Builds a KV provider: open a session, watch the root, read it whole, and read it whole again after
 * every burst of changes, so each snapshot is complete (an emptied root is an empty snapshot, unlike
 * Traefik #8092). Losing the store ends the watch with an error: the configuration watcher keeps the
 * last good snapshot and restarts the watch with backoff, and the next session reads the root afresh.
 */
export function createKvProvider(options: KvProviderOptions): Provider {
  const { name, log } = options;
  const state: ProviderState = { connected: false };

  function snapshot(pairs: KvPair[]): ProviderSnapshot {
    const { config, errors } = decodeKv(pairs, options.rootKey, options.middlewares);
    for (const error of errors) log.warn({ provider: name }, error);
    state.connected = true;
    state.lastSnapshotAt = new Date().toISOString();
    state.lastError = errors.at(-1);
    return { config, errors: errors.map((error) => `${name}: ${error}`) };
  }

  return {
    name,
    state: () => ({ ...state }),
    watch: (signal: AbortSignal) => watchSessions(signal, options.open, options.debounceMs ?? 50, state, snapshot),
  };
}

/**
 * Reads a store through sessions: open one, start its watch before the first read (so a change made
 * during the read is never missed), then read it whole on every change. A lost session ends the
 * watch with its error, which the provider runner turns into a restart with backoff.
 */
export async function* watchSessions(
  signal: AbortSignal,
  open: () => Promise<KvSession>,
  debounceMs: number,
  state: ProviderState,
  snapshot: (pairs: KvPair[]) => ProviderSnapshot,
): AsyncGenerator<ProviderSnapshot> {
  let session: KvSession | undefined;
  const changes = createChangeSignal(debounceMs);
  try {
    session = await open();
    if (signal.aborted) return;
    await session.watch(changes.notify, changes.fail);
    yield snapshot(await session.list());
    while (await changes.next(signal)) yield snapshot(await session.list());
  } catch (error) {
    state.connected = false;
    state.lastError = (error as Error).message;
    throw error;
  } finally {
    changes.close();
    await session?.close().catch(() => undefined);
  }
}
