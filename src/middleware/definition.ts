import type { TSchema, Static } from '@sinclair/typebox';
import type { Handler } from '../http/context.js';
import type { StateStore } from '../runtime/state-store.js';
import type { Logger } from '../log.js';
import type { Service } from '../services/service.js';

/** What a middleware's `create` receives besides its configuration. */
export interface MiddlewareContext {
  /** Qualified name, `name@provider`. */
  name: string;
  provider: string;
  /** State that survives reloads while this middleware's configuration is unchanged. */
  state: StateStore;
  log: Logger;
  /** Builds the handler of other middlewares in front of `next` (used by `chain`); names resolve in this provider. */
  buildChain(names: string[], next: Handler): Handler;
  /** A service of the routing table being built (for `errors`, a breaker's fallback); resolved in this provider; throws when it does not exist or is disabled. */
  service(ref: string): Service;
}

/** A middleware type: its configuration key, schema and factory. */
export interface MiddlewareDefinition<S extends TSchema = TSchema> {
  /** The configuration key, e.g. `stripPrefix`. */
  type: string;
  schema: S;
  /** Builds the handler; throws an Error whose message becomes the element's error. */
  create(config: Static<S>, next: Handler, ctx: MiddlewareContext): Handler;
  /** Closes timers or connections when the routing table that used it is retired. */
  close?(): Promise<void>;
}

/** Declares a middleware definition with its config type inferred from the schema. */
export function defineMiddleware<S extends TSchema>(definition: MiddlewareDefinition<S>): MiddlewareDefinition<S> {
  return definition;
}
