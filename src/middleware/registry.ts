import type { MiddlewareDefinition } from './definition.js';
import { Registry } from '../registry.js';

/** The middleware types known to this process, keyed by configuration key. */
export class MiddlewareRegistry extends Registry<MiddlewareDefinition> {
  constructor() {
    super('middleware type');
  }
}
