import path from 'node:path';
import { syError } from '../../src/errors.js';
import { parseDuration } from '../../src/duration.js';
import { defineProvider } from '../../src/provider/definition.js';
import { createKubernetesIngressProvider } from './provider.js';
import { kubernetesIngressSchema } from './schema.js';

const invalid = (message: string) => syError('SY_ERR_STATIC_INVALID', `providers.kubernetesIngress.${message}`);

/** The kubernetesIngress provider (namespace `kubernetes`): Ingresses, their Services' EndpointSlices and TLS Secrets. */
export const kubernetesIngressProvider = defineProvider({
  type: 'kubernetesIngress',
  schema: kubernetesIngressSchema,
  create(options, ctx) {
    let throttleMs = 0;
    try {
      throttleMs = options.throttleDuration === undefined ? 0 : Math.max(0, parseDuration(options.throttleDuration));
    } catch (error) {
      throw invalid(`throttleDuration: ${(error as Error).message}`);
    }
    if (options.endpoint && !/^https?:\/\//.test(options.endpoint)) throw invalid(`endpoint: "${options.endpoint}" must be an http:// or https:// URL`);
    const endpoint = options.ingressEndpoint;
    if (endpoint && !endpoint.ip && !endpoint.hostname && !endpoint.publishedService) {
      throw invalid('ingressEndpoint: set ip, hostname or publishedService');
    }
    const resolve = (file: string | undefined) => (file ? path.resolve(ctx.baseDir, file) : undefined);
    const kubeconfig = resolve(options.kubeconfig);
    const certAuthFilePath = resolve(options.certAuthFilePath);
    const clusterScope = !options.disableClusterScopeResources;
    return createKubernetesIngressProvider({
      connection: {
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.token ? { token: options.token } : {}),
        ...(certAuthFilePath ? { certAuthFilePath } : {}),
        ...(kubeconfig ? { kubeconfig } : {}),
      },
      scope: { namespaces: options.namespaces ?? [], ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}), clusterScope },
      translate: {
        ...(options.ingressClass ? { ingressClass: options.ingressClass } : {}),
        allowEmptyServices: options.allowEmptyServices ?? false,
        allowExternalNameServices: options.allowExternalNameServices ?? false,
        // Switchyard's default differs from Traefik's (false): the Ingress spec's element-wise Prefix (#11200).
        strictPrefixMatching: options.strictPrefixMatching ?? true,
        clusterScope,
      },
      throttleMs,
      ...(endpoint ? { ingressEndpoint: endpoint } : {}),
      log: ctx.log,
    });
  },
});

export { kubernetesIngressSchema, type KubernetesIngressOptions } from './schema.js';
export { createKubernetesIngressProvider, STATUS_LEASE_NAME, type KubernetesIngressProvider, type KubernetesIngressProviderOptions } from './provider.js';
