import { MiddlewareRegistry } from './middleware/registry.js';
import type { MiddlewareDefinition } from './middleware/definition.js';
import { ProviderRegistry } from './provider/registry.js';
import { chainMiddleware } from '../middlewares/chain.js';
import { fileProvider } from '../providers/file/index.js';
import { compressMiddleware } from '../middlewares/compress/index.js';
import { contentTypeMiddleware } from '../middlewares/content-type.js';
import { errorsMiddleware } from '../middlewares/errors/index.js';
import { faultInjectionMiddleware } from '../middlewares/fault-injection.js';
import { timeoutMiddleware } from '../middlewares/timeout.js';

// The one file in src/ that imports from middlewares/ and providers/ (DESIGN.md, Layout).

/** A middleware registry holding every built-in middleware type. */
export function builtinMiddlewares(): MiddlewareRegistry {
  const registry = new MiddlewareRegistry();
  for (const definition of [chainMiddleware, compressMiddleware, contentTypeMiddleware, errorsMiddleware, faultInjectionMiddleware, timeoutMiddleware]) {
    registry.register(definition as MiddlewareDefinition);
  }
  return registry;
}

/** A provider registry holding every built-in provider type. */
export function builtinProviders(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registry.register(fileProvider);
  return registry;
}
