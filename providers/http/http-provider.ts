import type { Dispatcher } from 'undici';
import type { DynamicConfig } from '../../src/config/dynamic-schema.js';
import type { Logger } from '../../src/log.js';
import type { Provider, ProviderSnapshot, ProviderState } from '../../src/provider/provider.js';
import { sleep } from '../../src/wait.js';
import { fetchConfig } from './fetch-config.js';

/** Resolved options of the http provider. */
export interface HttpProviderOptions {
  endpoint: string;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  headers: Record<string, string>;
  /** Bytes; negative means no limit. */
  maxResponseBodySize: number;
  agent: Dispatcher & { close(): Promise<void> };
  log: Logger;
}

/**
 * Creates the http provider. A failed poll (status, timeout, size, unparsable body) yields nothing, so
 * the last good snapshot stays in force, and state() reports the error until a poll succeeds again.
 */
export function createHttpProvider(options: HttpProviderOptions): Provider {
  const state: ProviderState = { connected: false };
  let etag: string | undefined;
  return {
    name: 'http',
    state: () => ({ ...state }),
    async *watch(signal: AbortSignal): AsyncGenerator<ProviderSnapshot> {
      while (!signal.aborted) {
        try {
          const outcome = await fetchConfig({
            endpoint: options.endpoint,
            headers: options.headers,
            etag,
            timeoutMs: options.pollTimeoutMs,
            maxBodySize: options.maxResponseBodySize,
            agent: options.agent,
            signal,
          });
          state.connected = true;
          state.lastError = undefined;
          if (outcome.changed) {
            etag = outcome.etag;
            state.lastSnapshotAt = new Date().toISOString();
            yield { config: outcome.value as DynamicConfig, errors: [] };
          }
        } catch (error) {
          if (signal.aborted) break;
          state.connected = false;
          state.lastError = (error as Error).message;
          options.log.warn({ provider: 'http' }, `http provider: ${state.lastError}; the last good configuration stays`);
        }
        await sleep(options.pollIntervalMs, signal);
      }
    },
  };
}
