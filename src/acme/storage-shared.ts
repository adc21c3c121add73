import type { ResolverData } from './storage.js';

/** The JSON a shared backend (etcd, Redis, Kubernetes) stores for one resolver. */
export function encodeResolverData(data: ResolverData): string {
  return JSON.stringify({ ...(data.account && { account: data.account }), certificates: data.certificates });
}

/** Reads what encodeResolverData wrote; absent or empty means no data yet. */
export function decodeResolverData(text: string | null | undefined): ResolverData {
  if (!text) return { certificates: [] };
  const parsed = JSON.parse(text) as Partial<ResolverData>;
  return { ...(parsed.account && { account: parsed.account }), certificates: parsed.certificates ?? [] };
}

/** Waits `ms`, rejecting early when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs tasks one after another per key, so a connection-scoped protocol (Redis WATCH) never interleaves. */
export function createSerializer(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
