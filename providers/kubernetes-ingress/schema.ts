import { Type, type Static } from '@sinclair/typebox';
import { Duration } from '../../src/config/types.js';

/** `providers.kubernetesIngress` in the static configuration (Traefik's keys, plus `kubeconfig`). */
export const kubernetesIngressSchema = Type.Object(
  {
    endpoint: Type.Optional(Type.String({ minLength: 1, description: 'API server URL. In a cluster it replaces the service host; outside, it is used with `token` and `certAuthFilePath`.' })),
    token: Type.Optional(Type.String({ description: 'Bearer token. Default: the service account token in a cluster.' })),
    certAuthFilePath: Type.Optional(Type.String({ minLength: 1, description: 'CA bundle (PEM) that signs the API server\'s certificate. Default: the service account CA in a cluster.' })),
    kubeconfig: Type.Optional(Type.String({ minLength: 1, description: 'Path of a kubeconfig file whose current context is used (Switchyard only; Traefik reads `KUBECONFIG`, which is also honoured).' })),
    namespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Namespaces to watch. Default: all.' })),
    labelSelector: Type.Optional(Type.String({ description: 'Label selector applied to Ingresses only (e.g. `app=web,tier!=db`).' })),
    ingressClass: Type.Optional(Type.String({ description: 'Only Ingresses of this class (IngressClass name or legacy annotation value). Default: classes whose controller is `switchyard.io/ingress-controller`, plus class-less Ingresses.' })),
    ingressEndpoint: Type.Optional(
      Type.Object(
        {
          ip: Type.Optional(Type.String({ description: 'IP published in each Ingress\'s `status.loadBalancer.ingress`.' })),
          hostname: Type.Optional(Type.String({ description: 'Hostname published in each Ingress\'s status.' })),
          publishedService: Type.Optional(Type.String({ pattern: '^[^/]+/[^/]+$', description: '`namespace/name` of the Service whose addresses are published (LoadBalancer ingress, ClusterIP externalIPs, or ExternalName).' })),
        },
        { additionalProperties: false, description: 'What to publish in Ingress status. Unset: status is not written.' },
      ),
    ),
    throttleDuration: Type.Optional(Duration('Minimum time between two rebuilds; changes in between are coalesced. Default 0s.')),
    allowEmptyServices: Type.Optional(Type.Boolean({ description: 'Keep routers whose Service has no ready endpoint (they answer 503). Default false.' })),
    allowExternalNameServices: Type.Optional(Type.Boolean({ description: 'Allow ExternalName Services as backends. Default false.' })),
    strictPrefixMatching: Type.Optional(Type.Boolean({ description: 'pathType Prefix matches whole path elements (`/v1` does not match `/v11`). Default TRUE in Switchyard (Traefik: false).' })),
    disableClusterScopeResources: Type.Optional(Type.Boolean({ description: 'Do not watch cluster-scoped resources (IngressClass); Ingresses naming a class are then ignored. Default false.' })),
  },
  { additionalProperties: false },
);

/** The options as written in the static configuration. */
export type KubernetesIngressOptions = Static<typeof kubernetesIngressSchema>;
