import type { Logger } from '../log.js';
import type { Provider } from './provider.js';
import { sleep } from '../wait.js';

/** Restart delays for a provider whose watch fails or ends: doubling from initialMs up to maxMs. */
export interface RestartBackoff {
  initialMs: number;
  maxMs: number;
}

const STOP_GRACE_MS = 1000;

/** The default restart backoff: 500 ms doubling to a 30 s cap. */
export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 30_000 };

/** What runProvider needs: the provider, where its snapshots go, and how to report failures. */
export interface ProviderRunOptions {
  provider: Provider;
  signal: AbortSignal;
  log: Logger;
  backoff: RestartBackoff;
  /** Receives every value the provider yields, unchecked (the caller validates). */
  onSnapshot(snapshot: unknown): void;
  /** Receives the failure message when watch throws or ends, before the backoff wait. */
  onFailure(message: string): void;
}

/**
 * Runs a provider's watch until the signal aborts, restarting it with exponential backoff when it
 * throws or ends early (unless it is `finite`); the backoff resets once a restarted watch yields a snapshot.
 */
export async function runProvider(options: ProviderRunOptions): Promise<void> {
  const { provider, signal, log, backoff } = options;
  let attempt = 0;
  while (!signal.aborted) {
    let message: string;
    try {
      const iterator = provider.watch(signal)[Symbol.asyncIterator]();
      for (;;) {
        const next = iterator.next();
        const step = await raceAbort(next, signal);
        if (step === undefined) {
          // A provider honouring its signal ends promptly (and closes its watches); one that ignores it
          // gets a bounded grace so stop() never hangs.
          await settleWithin(next, STOP_GRACE_MS);
          void Promise.resolve(iterator.return?.()).catch(() => {});
          return;
        }
        if (step.done) {
          if (provider.finite) return;
          break;
        }
        attempt = 0;
        options.onSnapshot(step.value);
      }
      message = 'watch ended unexpectedly';
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    if (signal.aborted) return;
    const delay = Math.min(backoff.initialMs * 2 ** attempt, backoff.maxMs);
    attempt += 1;
    log.error({ provider: provider.name, retryInMs: delay }, `provider "${provider.name}": ${message}; restarting`);
    options.onFailure(message);
    await sleep(delay, signal);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}
