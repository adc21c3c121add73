import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from '../log.js';
import type { MiddlewareRegistry } from '../middleware/registry.js';
import type { Provider } from './provider.js';

/** What a provider's `create` receives besides its options. */
export interface ProviderContext {
  log: Logger;
  /** Relative paths in the provider's options resolve against this (the static configuration file's folder). */
  baseDir: string;
  /** The middleware types in use, for providers that decode middleware options by schema (the KV layout). */
  middlewares?: MiddlewareRegistry;
}

/** A provider type: its static configuration key (`providers.<type>`), option schema and factory. */
export interface ProviderDefinition<S extends TSchema = TSchema> {
  type: string;
  schema: S;
  /** Builds the provider; throws a SwitchyardError naming the option when the options are unusable. */
  create(options: Static<S>, ctx: ProviderContext): Provider;
}

/** Declares a provider definition with its options type inferred from the schema. */
export function defineProvider<S extends TSchema>(definition: ProviderDefinition<S>): ProviderDefinition<S> {
  return definition;
}
