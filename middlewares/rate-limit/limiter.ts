/** What a limiter decided for one request. */
export interface Decision {
  allowed: boolean;
  /** Allowed: how long to hold the request first. Denied: how long until it would have been allowed. */
  delayMs: number;
}

/** A token-bucket limiter keyed by source; memory and Redis implement it. */
export interface Limiter {
  take(source: string): Decision | Promise<Decision>;
  dispose(): void | Promise<void>;
}

/** The bucket parameters every implementation shares. */
export interface BucketParams {
  /** Tokens per millisecond. */
  rate: number;
  burst: number;
  /** Longest delay a request is held for instead of being refused. */
  maxDelayMs: number;
}

/** Derives the parameters from the configuration, as Traefik does (maxDelay: half a token interval, 500 ms below 1/s). */
export function bucketParams(average: number, periodMs: number, burst: number): BucketParams {
  const perSecond = (average * 1000) / periodMs;
  // Traefik truncates the per-second rate to an integer before halving the interval.
  const maxDelayMs = perSecond > 1 ? 1000 / (Math.trunc(perSecond) * 2) : 500;
  return { rate: perSecond / 1000, burst: Math.max(1, burst), maxDelayMs };
}

/** One bucket: tokens left (may be negative while requests are held) at time `at`. */
export interface Bucket {
  tokens: number;
  at: number;
}

/** Reserves one token from `bucket` at `now`; the bucket is only changed when the request is allowed. */
export function reserve(bucket: Bucket, now: number, params: BucketParams): Decision {
  const tokens = Math.min(params.burst, bucket.tokens + Math.max(0, now - bucket.at) * params.rate) - 1;
  const delayMs = tokens < 0 ? -tokens / params.rate : 0;
  if (delayMs > params.maxDelayMs) return { allowed: false, delayMs };
  bucket.tokens = tokens;
  bucket.at = Math.max(now, bucket.at);
  return { allowed: true, delayMs };
}
