import type { AuthAnswer } from './auth-response.js';

/**
 * Auth decisions kept for a TTL (Traefik #11718): allowing answers for `ttl`, denying 4xx answers
 * for `negativeTtl`. Bounded: the oldest entry goes first. Shared by every router using the
 * middleware and kept across reloads while the configuration is unchanged.
 */
export class DecisionCache {
  readonly #entries = new Map<string, { answer: AuthAnswer; expires: number }>();
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #max: number;

  constructor(ttlMs: number, negativeTtlMs: number, maxEntries: number) {
    this.#ttl = ttlMs;
    this.#negativeTtl = negativeTtlMs;
    this.#max = maxEntries;
  }

  /** The cached answer for a key, when still fresh. */
  get(key: string): AuthAnswer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.answer;
    this.#entries.delete(key);
    return undefined;
  }

  /** Keeps an answer if its kind is cached; 5xx answers (the auth server failing) never are. */
  put(key: string, answer: AuthAnswer): void {
    const allow = answer.status >= 200 && answer.status < 300;
    const ttl = allow ? this.#ttl : answer.status >= 400 && answer.status < 500 ? this.#negativeTtl : 0;
    if (ttl <= 0) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { answer, expires: Date.now() + ttl });
  }

  /** Number of cached decisions (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
