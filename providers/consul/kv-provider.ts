import type { Dispatcher } from 'undici';
import type { Logger } from '../../src/log.js';
import type { MiddlewareRegistry } from '../../src/middleware/registry.js';
import { decodeKv, normalizeRoot } from '../../src/provider/kv/index.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../src/provider/provider.js';
import { consulGet, nextIndex, type ConsulTarget } from '../../src/provider/remote/consul-client.js';

/** Resolved options of the consul KV provider. */
export interface ConsulKvOptions {
  /** Base URLs of the agents, tried in turn when one fails. */
  bases: string[];
  rootKey: string;
  token?: string;
  namespace?: string;
  agent: Dispatcher;
  /** Longest wait of one blocking query. Default 5 minutes. */
  waitMs?: number;
  middlewares?: MiddlewareRegistry;
  log: Logger;
}

interface KvPair {
  Key: string;
  Value: string | null;
}

/**
 * Creates the consul KV provider: a recursive read of `<rootKey>/`, then blocking queries on it; any
 * change of the prefix's index re-reads and re-decodes everything (as Traefik does). An emptied root
 * yields an empty snapshot, which removes the routes (#8092). Failures end the watch with the error so
 * the runner retries with backoff (moving to the next endpoint) while the last good routes stay.
 */
export function createConsulKvProvider(options: ConsulKvOptions): Provider {
  const state: ProviderState = { connected: false };
  const root = normalizeRoot(options.rootKey);
  const waitMs = options.waitMs ?? 300_000;
  let current = 0;
  return {
    name: 'consul',
    state: () => ({ ...state }),
    async *watch(signal: AbortSignal): AsyncGenerator<ProviderSnapshot> {
      const target: ConsulTarget = {
        base: options.bases[current % options.bases.length]!,
        agent: options.agent,
        ...(options.token ? { token: options.token } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
      };
      let index = 0;
      let first = true;
      while (!signal.aborted) {
        let answer;
        try {
          answer = await consulGet<KvPair[]>(target, `/v1/kv/${encodeURI(root === '' ? '' : `${root}/`)}`, { query: { recurse: 'true' }, index, waitMs, signal, timeoutMs: waitMs + 15_000 });
        } catch (error) {
          if (signal.aborted) return;
          current += 1;
          state.connected = false;
          state.lastError = (error as Error).message;
          throw error;
        }
        const next = nextIndex(index, answer.index);
        const changed = first || next !== index;
        index = next;
        if (!changed) continue;
        first = false;
        const pairs = (answer.body ?? []).map((pair) => ({ key: pair.Key, value: pair.Value === null ? '' : Buffer.from(pair.Value, 'base64').toString('utf8') }));
        const decoded = decodeKv(pairs, root, options.middlewares);
        state.connected = true;
        state.lastError = decoded.errors.at(-1);
        state.lastSnapshotAt = new Date().toISOString();
        yield { config: decoded.config, errors: decoded.errors };
      }
    },
  };
}
