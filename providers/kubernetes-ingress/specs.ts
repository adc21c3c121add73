import type { KubeConfig, KubernetesListObject, KubernetesObject, V1EndpointSlice, V1Ingress, V1IngressClass, V1Secret, V1Service } from '@kubernetes/client-node';
import type { KubeModule } from './client.js';
import type { InformerSpec } from './informers.js';

/** Which resources to watch, from the provider options. */
export interface WatchScope {
  /** Empty: cluster-wide. */
  namespaces: string[];
  /** Applies to Ingresses only, as in Traefik. */
  labelSelector?: string;
  /** False skips IngressClass (`disableClusterScopeResources`). */
  clusterScope: boolean;
}

// Helm stores every release as a Secret of this type; they can be many and large, and never hold certificates.
const HELM_RELEASE = 'helm.sh/release.v1';

type Listed = Promise<KubernetesListObject<KubernetesObject>>;

/** The informer specs for Ingress, IngressClass, Service, EndpointSlice and Secret in the given scope. */
export function informerSpecs(k8s: KubeModule, kc: KubeConfig, scope: WatchScope): InformerSpec[] {
  const networking = kc.makeApiClient(k8s.NetworkingV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  const selector = scope.labelSelector ? { labelSelector: scope.labelSelector } : {};
  const where: Array<string | undefined> = scope.namespaces.length > 0 ? scope.namespaces : [undefined];
  const specs: InformerSpec[] = [];
  for (const namespace of where) {
    const at = (group: string, plural: string) => `${group}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`;
    specs.push(
      {
        kind: 'Ingress',
        path: at('/apis/networking.k8s.io/v1', 'ingresses'),
        ...selector,
        list: () => (namespace ? networking.listNamespacedIngress({ namespace, ...selector }) : networking.listIngressForAllNamespaces(selector)) as Listed,
        // Status is left out: our own status writes must not trigger rebuilds.
        relevant: (o) => ({ labels: o.metadata?.labels, annotations: o.metadata?.annotations, spec: (o as V1Ingress).spec }),
      },
      {
        kind: 'Service',
        path: at('/api/v1', 'services'),
        list: () => (namespace ? core.listNamespacedService({ namespace }) : core.listServiceForAllNamespaces()) as Listed,
        relevant: (o) => ({ annotations: o.metadata?.annotations, spec: (o as V1Service).spec, status: (o as V1Service).status }),
      },
      {
        kind: 'EndpointSlice',
        path: at('/apis/discovery.k8s.io/v1', 'endpointslices'),
        list: () => (namespace ? discovery.listNamespacedEndpointSlice({ namespace }) : discovery.listEndpointSliceForAllNamespaces()) as Listed,
        relevant: (o) => endpointSliceParts(o as V1EndpointSlice),
      },
      {
        kind: 'Secret',
        path: at('/api/v1', 'secrets'),
        list: () => (namespace ? core.listNamespacedSecret({ namespace }) : core.listSecretForAllNamespaces()) as Listed,
        keep: (o) => (o as V1Secret).type !== HELM_RELEASE,
        relevant: (o) => ({ type: (o as V1Secret).type, data: (o as V1Secret).data }),
      },
    );
  }
  if (scope.clusterScope) {
    specs.push({
      kind: 'IngressClass',
      path: '/apis/networking.k8s.io/v1/ingressclasses',
      list: () => networking.listIngressClass() as Listed,
      relevant: (o) => ({ annotations: o.metadata?.annotations, spec: (o as V1IngressClass).spec }),
    });
  }
  return specs;
}

// As Traefik does, an EndpointSlice update counts only when addresses, ports or conditions change.
function endpointSliceParts(slice: V1EndpointSlice): unknown {
  return {
    service: slice.metadata?.labels?.['kubernetes.io/service-name'],
    addressType: slice.addressType,
    ports: slice.ports,
    endpoints: (slice.endpoints ?? []).map((e) => ({ addresses: e.addresses, conditions: e.conditions })),
  };
}
