/** Service-registry providers' shared model: instances announced under a prefix become load-balanced services. */
export { buildRegistryConfig, parseInstance, type RegisteredInstance, type RegistryBuildOptions } from './instances.js';
export { createRegistryProvider, type RegistryProviderOptions } from './registry-provider.js';
