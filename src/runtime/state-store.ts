import { createHash } from 'node:crypto';

/** Something kept across reloads that must release timers or sockets when no table uses it any more. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A stable hash of a configuration value (object keys sorted). */
export function configHash(value: unknown): string {
  return createHash('sha1').update(stableStringify(value)).digest('hex').slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * Keeps state (health checkers, balancer positions, rate-limit buckets) keyed by element name and
 * configuration hash, so an unchanged element keeps its state across routing tables.
 * Each compile opens a generation; entries the new generation did not touch are disposed when it commits.
 */
export class StateStore {
  readonly #entries = new Map<string, unknown>();
  #touched = new Set<string>();

  /** Returns the state under `key`, creating it on first use in any generation. */
  get<T>(key: string, create: () => T): T {
    this.#touched.add(key);
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const value = create();
    this.#entries.set(key, value);
    return value;
  }

  /** Starts tracking which keys the table being compiled uses. */
  begin(): void {
    this.#touched = new Set();
  }

  /** Disposes every entry the last compiled table did not use. */
  async commit(): Promise<void> {
    const stale = [...this.#entries.keys()].filter((k) => !this.#touched.has(k));
    for (const key of stale) {
      const value = this.#entries.get(key);
      this.#entries.delete(key);
      if (value && typeof (value as Disposable).dispose === 'function') await (value as Disposable).dispose();
    }
  }

  /** Abandons a compile: entries it created that no live table uses are disposed. */
  async rollback(previous: Set<string>): Promise<void> {
    this.#touched = previous;
    await this.commit();
  }

  /** Keys used by the last generation (so a failed compile can roll back). */
  snapshot(): Set<string> {
    return new Set(this.#touched);
  }

  /** Disposes everything (shutdown). */
  async close(): Promise<void> {
    this.#touched = new Set();
    await this.commit();
  }
}
