import type { ProviderDefinition } from './definition.js';

/** The provider types known to this process, keyed by their `providers.<type>` key. */
export class ProviderRegistry {
  readonly #definitions = new Map<string, ProviderDefinition>();

  /** Adds a definition; registering the same type twice is a programming error. */
  register(definition: ProviderDefinition): void {
    if (this.#definitions.has(definition.type)) throw new Error(`provider type "${definition.type}" is registered twice`);
    this.#definitions.set(definition.type, definition);
  }

  /** Returns the definition for a `providers.<type>` key, or undefined. */
  get(type: string): ProviderDefinition | undefined {
    return this.#definitions.get(type);
  }

  /** Every registered type, sorted. */
  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }
}
