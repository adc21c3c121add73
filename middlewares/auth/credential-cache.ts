import { createHash } from 'node:crypto';

/**
 * Remembers credentials that verified, keyed by a SHA-256 of the Authorization value (never the
 * value itself), so bcrypt runs once per credential and TTL rather than once per request
 * (Traefik #7897). Concurrent checks of one credential share one verification.
 */
export class CredentialCache {
  readonly #entries = new Map<string, { user: string; expires: number }>();
  readonly #pending = new Map<string, Promise<string | undefined>>();

  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /** Returns the user a credential belongs to, from the cache or by running `verify` once. */
  async lookup(authorization: string, verify: () => Promise<string | undefined>): Promise<string | undefined> {
    const key = createHash('sha256').update(authorization).digest('base64');
    const hit = this.#entries.get(key);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.user;
    if (hit) this.#entries.delete(key);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = verify().finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const user = await pending;
    if (user !== undefined && !this.#entries.has(key)) {
      // Oldest first: a Map iterates in insertion order.
      if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(key, { user, expires: now + this.ttlMs });
    }
    return user;
  }

  /** Number of cached credentials (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
