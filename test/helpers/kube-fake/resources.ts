import type { ResourceDef } from './types.js';

/** The resource types a Traefik-like router reads, with the names and scopes the real apiserver gives them. */
export const builtinResources: ResourceDef[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], status: true },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], status: true },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], status: true, categories: ['all'] },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'], status: false },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, shortNames: [], status: false },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], status: false },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true, shortNames: ['ing'], status: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', plural: 'ingressclasses', singular: 'ingressclass', namespaced: false, shortNames: [], status: false },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', singular: 'endpointslice', namespaced: true, shortNames: [], status: false },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true, shortNames: [], status: false },
];

/** `v1` for the core group, `<group>/<version>` otherwise. */
export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The `plural.group` form the apiserver uses in error messages (`ingresses.networking.k8s.io`). */
export function groupResource(def: ResourceDef): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

/** The URL prefix of a resource's group version (`/api/v1` or `/apis/<group>/<version>`). */
export function basePath(def: ResourceDef): string {
  return def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
}

/** Finds a resource by kind, plural, singular or short name (case-insensitive), optionally within an apiVersion. */
export function findResource(defs: ResourceDef[], name: string, apiVersion?: string): ResourceDef | undefined {
  const n = name.toLowerCase();
  return defs.find(
    (d) =>
      (apiVersion === undefined || apiVersionOf(d) === apiVersion) &&
      (d.kind.toLowerCase() === n || d.plural === n || d.singular === n || d.shortNames.includes(n)),
  );
}
