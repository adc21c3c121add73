import { performance } from 'node:perf_hooks';
import { reserve, type Bucket, type BucketParams, type Limiter } from './limiter.js';

/** Sources remembered at most; the least recently used is forgotten first (Traefik keeps 65536 too). */
export const MAX_SOURCES = 65536;

/**
 * Buckets in a Map used as an LRU: a source is moved to the end on each request. A forgotten bucket
 * reappears full, which is exact once it has been idle for burst/rate, and the bound keeps memory flat
 * under a flood of spoofed sources.
 */
export function createMemoryLimiter(params: BucketParams, maxSources = MAX_SOURCES): Limiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(source) {
      const now = performance.now();
      let bucket = buckets.get(source);
      if (bucket) buckets.delete(source);
      else {
        bucket = { tokens: params.burst, at: now };
        if (buckets.size >= maxSources) buckets.delete(buckets.keys().next().value!);
      }
      buckets.set(source, bucket);
      return reserve(bucket, now, params);
    },
    dispose() {
      buckets.clear();
    },
  };
}
