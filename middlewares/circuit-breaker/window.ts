/** One second of observations. */
interface Bucket {
  second: number;
  total: number;
  networkErrors: number;
  codes: Map<number, number>;
  latencies: number[];
  seen: number;
}

/** Latency samples kept per second; beyond it, reservoir sampling keeps a fair sample. */
const SAMPLES_PER_SECOND = 1024;

/**
 * Rolling statistics over the last `seconds` seconds, in one-second buckets (Traefik's breaker
 * looks at a 10 s window the same way): request count, network errors, status codes, latencies.
 */
export class SlidingWindow {
  readonly #buckets: Bucket[];
  readonly #seconds: number;
  readonly #now: () => number;

  constructor(seconds = 10, now: () => number = () => performance.now()) {
    this.#seconds = seconds;
    this.#now = now;
    this.#buckets = Array.from({ length: seconds }, () => ({ second: -1, total: 0, networkErrors: 0, codes: new Map(), latencies: [], seen: 0 }));
  }

  #bucket(): Bucket {
    const second = Math.floor(this.#now() / 1000);
    const bucket = this.#buckets[second % this.#seconds]!;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.total = 0;
      bucket.networkErrors = 0;
      bucket.codes.clear();
      bucket.latencies.length = 0;
      bucket.seen = 0;
    }
    return bucket;
  }

  #live(): Bucket[] {
    const oldest = Math.floor(this.#now() / 1000) - this.#seconds + 1;
    return this.#buckets.filter((b) => b.second >= oldest);
  }

  /** Records one finished request. Like Traefik, a 502 or 504 counts as a network error. */
  record(status: number, latencyMs: number): void {
    const bucket = this.#bucket();
    bucket.total++;
    if (status === 502 || status === 504) bucket.networkErrors++;
    bucket.codes.set(status, (bucket.codes.get(status) ?? 0) + 1);
    bucket.seen++;
    if (bucket.latencies.length < SAMPLES_PER_SECOND) bucket.latencies.push(latencyMs);
    else {
      const slot = Math.floor(Math.random() * bucket.seen);
      if (slot < SAMPLES_PER_SECOND) bucket.latencies[slot] = latencyMs;
    }
  }

  /** Forgets everything (the breaker trips or recovers). */
  reset(): void {
    for (const bucket of this.#buckets) bucket.second = -1;
  }

  /** Requests in the window. */
  requests(): number {
    return this.#live().reduce((sum, b) => sum + b.total, 0);
  }

  /** Share of requests that were network errors; 0 without requests. */
  networkErrorRatio(): number {
    const live = this.#live();
    const total = live.reduce((sum, b) => sum + b.total, 0);
    return total === 0 ? 0 : live.reduce((sum, b) => sum + b.networkErrors, 0) / total;
  }

  /** Requests with a status in [from, to) divided by those in [divFrom, divTo); 0 when the divisor is 0. */
  responseCodeRatio(from: number, to: number, divFrom: number, divTo: number): number {
    let num = 0;
    let div = 0;
    for (const bucket of this.#live()) {
      for (const [code, n] of bucket.codes) {
        if (code >= from && code < to) num += n;
        if (code >= divFrom && code < divTo) div += n;
      }
    }
    return div === 0 ? 0 : num / div;
  }

  /** Latency at quantile `q` (0–100) in whole milliseconds; 0 without requests. */
  latencyAtQuantileMs(q: number): number {
    const all = this.#live().flatMap((b) => b.latencies).sort((a, b) => a - b);
    if (all.length === 0) return 0;
    const index = Math.min(all.length - 1, Math.max(0, Math.ceil((q / 100) * all.length) - 1));
    return Math.floor(all[index]!);
  }
}
