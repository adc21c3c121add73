import type { ProviderDefinition } from './definition.js';
import { Registry } from '../registry.js';

/** The provider types known to this process, keyed by their `providers.<type>` key. */
export class ProviderRegistry extends Registry<ProviderDefinition> {
  constructor() {
    super('provider type');
  }
}
