import type { MiddlewareDefinition } from './definition.js';

/** The middleware types known to this process, keyed by configuration key. */
export class MiddlewareRegistry {
  readonly #definitions = new Map<string, MiddlewareDefinition>();

  /** Adds a definition; registering the same type twice is a programming error. */
  register(definition: MiddlewareDefinition): void {
    if (this.#definitions.has(definition.type)) throw new Error(`middleware type "${definition.type}" is registered twice`);
    this.#definitions.set(definition.type, definition);
  }

  /** Returns the definition for a configuration key, or undefined. */
  get(type: string): MiddlewareDefinition | undefined {
    return this.#definitions.get(type);
  }

  /** Every registered type, sorted. */
  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }
}
