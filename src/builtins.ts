import { MiddlewareRegistry } from './middleware/registry.js';
import { ProviderRegistry } from './provider/registry.js';
import { chainMiddleware } from '../middlewares/chain.js';
import { fileProvider } from '../providers/file/index.js';

// The one file in src/ that imports from middlewares/ and providers/ (DESIGN.md, Layout).

/** A middleware registry holding every built-in middleware type. */
export function builtinMiddlewares(): MiddlewareRegistry {
  const registry = new MiddlewareRegistry();
  registry.register(chainMiddleware);
  return registry;
}

/** A provider registry holding every built-in provider type. */
export function builtinProviders(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registry.register(fileProvider);
  return registry;
}
