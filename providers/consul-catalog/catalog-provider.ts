import type { Logger } from '../../src/log.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../src/provider/provider.js';
import { consulGet, nextIndex, type ConsulTarget } from '../../src/provider/remote/consul-client.js';
import { sleep } from '../../src/wait.js';
import { buildCatalogConfig, type BuildOptions, type HealthEntry } from './build-config.js';

/** Resolved options of the consulCatalog provider. */
export interface CatalogProviderOptions extends BuildOptions {
  target: ConsulTarget;
  /** Blocking queries when true, else a full read every refreshIntervalMs. */
  watch: boolean;
  refreshIntervalMs: number;
  /** How long one blocking query may hang (Consul's `wait`). */
  waitMs: number;
  /** `consistent` or `stale` read mode, sent as Consul's query flag. */
  consistency?: 'consistent' | 'stale';
  log: Logger;
}

// A request gets this long beyond its blocking wait before it counts as lost (Consul adds up to wait/16 of jitter).
const SLACK_MS = 15_000;

/**
 * Creates the consulCatalog provider. Each refresh lists the services and reads every service's
 * instances with their checks; with `watch`, blocking queries on the catalog and on the checks wake it.
 * An unreachable or refusing Consul ends the watch with the error, so the runner retries with backoff
 * while the last good routes keep serving and the provider state shows the error.
 */
export function createCatalogProvider(options: CatalogProviderOptions): Provider {
  const state: ProviderState = { connected: false };
  const { target } = options;
  const query: Record<string, string> = options.consistency ? { [options.consistency]: '' } : {};
  const timeoutMs = options.waitMs + SLACK_MS;
  let catalogIndex = 0;
  let checksIndex = 0;

  async function readAll(signal: AbortSignal): Promise<ProviderSnapshot> {
    const listed = await consulGet<Record<string, string[]>>(target, '/v1/catalog/services', { query, signal, timeoutMs });
    catalogIndex = nextIndex(catalogIndex, listed.index);
    if (options.watch) {
      const checks = await consulGet<unknown[]>(target, '/v1/health/state/any', { query, signal, timeoutMs });
      checksIndex = nextIndex(checksIndex, checks.index);
    }
    const names = Object.keys(listed.body ?? {});
    const services = new Map<string, HealthEntry[]>();
    await Promise.all(
      names.map(async (name) => {
        const answer = await consulGet<HealthEntry[]>(target, `/v1/health/service/${encodeURIComponent(name)}`, { query, signal, timeoutMs });
        services.set(name, answer.body ?? []);
      }),
    );
    const built = buildCatalogConfig(services, options);
    for (const error of built.errors) options.log.warn({ provider: 'consulcatalog' }, error);
    return { config: built.config, errors: built.errors };
  }

  // Hangs until the catalog or any check changes (or a wait ends with no change, which loops).
  async function waitForChange(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const round = new AbortController();
      const both = AbortSignal.any([signal, round.signal]);
      const catalog = consulGet(target, '/v1/catalog/services', { query, index: catalogIndex, waitMs: options.waitMs, signal: both, timeoutMs }).then((a) => ({ which: 'catalog' as const, index: a.index }));
      const checks = consulGet(target, '/v1/health/state/any', { query, index: checksIndex, waitMs: options.waitMs, signal: both, timeoutMs }).then((a) => ({ which: 'checks' as const, index: a.index }));
      catalog.catch(() => undefined);
      checks.catch(() => undefined);
      let first;
      try {
        first = await Promise.race([catalog, checks]);
      } finally {
        round.abort();
      }
      if (first.which === 'catalog') {
        const next = nextIndex(catalogIndex, first.index);
        if (next !== catalogIndex) return void (catalogIndex = next);
      } else {
        const next = nextIndex(checksIndex, first.index);
        if (next !== checksIndex) return void (checksIndex = next);
      }
    }
  }

  return {
    name: 'consulcatalog',
    state: () => ({ ...state }),
    async *watch(signal: AbortSignal): AsyncGenerator<ProviderSnapshot> {
      while (!signal.aborted) {
        let snapshot: ProviderSnapshot;
        try {
          snapshot = await readAll(signal);
        } catch (error) {
          state.connected = false;
          state.lastError = (error as Error).message;
          throw error;
        }
        state.connected = true;
        state.lastError = snapshot.errors.at(-1);
        state.lastSnapshotAt = new Date().toISOString();
        yield snapshot;
        if (options.watch) await waitForChange(signal);
        else await sleep(options.refreshIntervalMs, signal);
      }
    },
  };
}
