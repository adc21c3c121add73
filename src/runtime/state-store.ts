import { createHash } from 'node:crypto';

/** Something kept across reloads that must release timers or sockets when no table uses it any more. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A stable key for a configuration value (object keys sorted): the value itself when short, else its hash. */
export function configHash(value: unknown): string {
  const text = flatten(stableStringify(value));
  // Most keyed configurations (one server list, one transport) are short: keeping them as they are is
  // exact and spares a hash per element, which a compile of 10,000 services paid for noticeably.
  return text.length <= SHORT_KEY ? text : createHash('sha1').update(text).digest('hex').slice(0, 16);
}

const SHORT_KEY = 160;

// A string built piece by piece is a tree of pieces in V8 until something reads it whole; converting it to a
// number makes V8 copy it into one flat string in place, so a key kept for the life of a table holds one
// string instead of its pieces (about 4 MB and their GC copying at 10,000 services, issue 8).
function flatten(text: string): string {
  void Number(text);
  return text;
}

// Built by concatenation, not map/join: a compile of 10,000 services keys each one's server list (issue 8).
function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) {
    let text = '[';
    // A hole stays empty, as map and join leave it.
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + (i in value ? stableStringify(value[i]) : '');
    return `${text}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    text += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`;
  }
  return `${text}}`;
}

/**
 * Keeps state (health checkers, balancer positions, connection pools, rate-limit buckets) keyed by
 * element name and configuration hash, so an unchanged element keeps its state across routing tables.
 * Each compile is a generation; an entry is disposed once no live generation uses it, so requests
 * still running on an old table keep their pools until that table is released.
 */
export class StateStore {
  readonly #entries = new Map<string, unknown>();
  readonly #live = new Map<number, Set<string>>();
  #current: Set<string> | undefined;
  #recording: string[] | undefined;
  #next = 0;

  /** Returns the state under `key`, creating it on first use. */
  get<T>(key: string, create: () => T): T {
    this.#current?.add(key);
    this.#recording?.push(key);
    const known = this.#entries.get(key);
    if (known !== undefined || this.#entries.has(key)) return known as T;
    const value = create();
    this.#entries.set(flatten(key), value);
    return value;
  }

  /** Runs `build` and returns the keys it read, so a caller reusing what it built can claim them again with `touch`. */
  record<T>(build: () => T): { value: T; keys: string[] } {
    const outer = this.#recording;
    const keys: string[] = [];
    this.#recording = keys;
    try {
      return { value: build(), keys };
    } finally {
      this.#recording = outer;
      outer?.push(...keys);
    }
  }

  /** Claims `keys` for the current generation; false (claiming nothing) when any of them is gone. */
  touch(keys: readonly string[]): boolean {
    // Index loops: a reload touches the keys of every reused service (issue 8).
    for (let i = 0; i < keys.length; i++) if (!this.#entries.has(keys[i]!)) return false;
    for (let i = 0; i < keys.length; i++) {
      this.#current?.add(keys[i]!);
      this.#recording?.push(keys[i]!);
    }
    return true;
  }

  /** Opens a generation: the keys read until the next `begin` belong to it. */
  begin(): number {
    const id = ++this.#next;
    this.#current = new Set();
    this.#live.set(id, this.#current);
    return id;
  }

  /** Releases a generation (its table drained, or its compile failed) and disposes what nothing else uses. */
  async release(generation: number): Promise<void> {
    this.#live.delete(generation);
    // The unused keys are picked out first (a compile running during a dispose below adds keys of its own), and
    // checked against the few live generations instead of copying 10,000 entries and their union (issue 8).
    const unused: string[] = [];
    this.#entries.forEach((_value, key) => {
      if (!this.#used(key)) unused.push(key);
    });
    for (const key of unused) {
      // Claimed again by a compile that ran while an earlier entry was being disposed: kept.
      if (this.#used(key)) continue;
      const value = this.#entries.get(key);
      this.#entries.delete(key);
      if (value && typeof (value as Disposable).dispose === 'function') await (value as Disposable).dispose();
    }
  }

  #used(key: string): boolean {
    for (const keys of this.#live.values()) if (keys.has(key)) return true;
    return false;
  }

  /** Number of entries held (for tests and the API). */
  get size(): number {
    return this.#entries.size;
  }

  /** Disposes everything (shutdown). */
  async close(): Promise<void> {
    this.#live.clear();
    this.#current = undefined;
    await this.release(-1);
  }
}
