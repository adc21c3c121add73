/** Definitions keyed by their configuration key (`type`): the registries of middlewares and providers. */
export class Registry<D extends { type: string }> {
  readonly #definitions = new Map<string, D>();
  readonly #kind: string;

  /** `kind` names the definitions in errors ("middleware type", "provider type"). */
  constructor(kind: string) {
    this.#kind = kind;
  }

  /** Adds a definition; registering the same type twice is a programming error. */
  register(definition: D): void {
    if (this.#definitions.has(definition.type)) throw new Error(`${this.#kind} "${definition.type}" is registered twice`);
    this.#definitions.set(definition.type, definition);
  }

  /** Returns the definition for a configuration key, or undefined. */
  get(type: string): D | undefined {
    return this.#definitions.get(type);
  }

  /** Every registered type, sorted. */
  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }
}
