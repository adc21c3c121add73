import type { TSchema } from '@sinclair/typebox';
import { MiddlewareRegistry } from './middleware/registry.js';
import type { MiddlewareDefinition } from './middleware/definition.js';
import { ProviderRegistry } from './provider/registry.js';
import type { ProviderDefinition } from './provider/definition.js';
import { chainMiddleware } from '../middlewares/chain.js';
import { fileProvider } from '../providers/file/index.js';
import { etcdProvider } from '../providers/etcd/index.js';
import { redisProvider } from '../providers/redis/index.js';
import { httpProvider } from '../providers/http/index.js';
import { consulProvider } from '../providers/consul/index.js';
import { consulCatalogProvider } from '../providers/consul-catalog/index.js';
import { etcdRegistryProvider } from '../providers/etcd-registry/index.js';
import { redisRegistryProvider } from '../providers/redis-registry/index.js';
import { kubernetesIngressProvider } from '../providers/kubernetes-ingress/index.js';
import { compressMiddleware } from '../middlewares/compress/index.js';
import { contentTypeMiddleware } from '../middlewares/content-type.js';
import { errorsMiddleware } from '../middlewares/errors/index.js';
import { faultInjectionMiddleware } from '../middlewares/fault-injection.js';
import { timeoutMiddleware } from '../middlewares/timeout.js';
import { addPrefixMiddleware } from '../middlewares/add-prefix.js';
import { stripPrefixMiddleware } from '../middlewares/strip-prefix.js';
import { stripPrefixRegexMiddleware } from '../middlewares/strip-prefix-regex.js';
import { replacePathMiddleware } from '../middlewares/replace-path.js';
import { replacePathRegexMiddleware } from '../middlewares/replace-path-regex.js';
import { redirectSchemeMiddleware } from '../middlewares/redirect-scheme.js';
import { redirectRegexMiddleware } from '../middlewares/redirect-regex.js';
import { headersMiddleware } from '../middlewares/headers/index.js';
import { basicAuthMiddleware } from '../middlewares/basic-auth.js';
import { digestAuthMiddleware } from '../middlewares/digest-auth.js';
import { forwardAuthMiddleware } from '../middlewares/forward-auth/index.js';
import { ipAllowListMiddleware, ipWhiteListMiddleware } from '../middlewares/ip-allow-list.js';
import { rateLimitMiddleware } from '../middlewares/rate-limit/index.js';
import { inFlightReqMiddleware } from '../middlewares/in-flight-req.js';
import { retryMiddleware } from '../middlewares/retry/index.js';
import { circuitBreakerMiddleware } from '../middlewares/circuit-breaker/index.js';
import { bufferingMiddleware } from '../middlewares/buffering.js';
import { passTlsClientCertMiddleware } from '../middlewares/pass-tls-client-cert.js';
import { grpcWebMiddleware } from '../middlewares/grpc-web/index.js';

// The one file in src/ that imports from middlewares/ and providers/ (DESIGN.md, Layout).

/** A middleware registry holding every built-in middleware type. */
export function builtinMiddlewares(): MiddlewareRegistry {
  const registry = new MiddlewareRegistry();
  const definitions = [
    chainMiddleware,
    addPrefixMiddleware,
    stripPrefixMiddleware,
    stripPrefixRegexMiddleware,
    replacePathMiddleware,
    replacePathRegexMiddleware,
    redirectSchemeMiddleware,
    redirectRegexMiddleware,
    headersMiddleware,
    basicAuthMiddleware,
    digestAuthMiddleware,
    forwardAuthMiddleware,
    ipAllowListMiddleware,
    ipWhiteListMiddleware,
    rateLimitMiddleware,
    inFlightReqMiddleware,
    retryMiddleware,
    circuitBreakerMiddleware,
    bufferingMiddleware,
    passTlsClientCertMiddleware,
    compressMiddleware,
    contentTypeMiddleware,
    errorsMiddleware,
    faultInjectionMiddleware,
    timeoutMiddleware,
    grpcWebMiddleware,
  ];
  for (const definition of definitions) {
    registry.register(definition as MiddlewareDefinition);
  }
  return registry;
}

/** A provider registry holding every built-in provider type. */
export function builtinProviders(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registry.register(fileProvider);
  registry.register(etcdProvider);
  registry.register(redisProvider);
  for (const definition of [httpProvider, consulProvider, consulCatalogProvider, etcdRegistryProvider, redisRegistryProvider, kubernetesIngressProvider]) {
    registry.register(definition as ProviderDefinition);
  }
  return registry;
}

/** The static schemas of the built-in providers but `file` (which the core schema holds), keyed by `providers.<type>`. */
export function builtinProviderSchemas(registry: ProviderRegistry = builtinProviders()): Record<string, TSchema> {
  return Object.fromEntries(registry.types().filter((type) => type !== 'file').map((type) => [type, registry.get(type)!.schema]));
}
