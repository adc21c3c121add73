import type { V1EndpointSlice, V1Secret, V1Service } from '@kubernetes/client-node';
import type { KubeSnapshot } from '../types.js';

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Lookups over one snapshot by namespace and name. */
export interface SnapshotIndex {
  service(namespace: string, name: string): V1Service | undefined;
  /** The EndpointSlices of a Service, ordered by name so the output does not depend on listing order. */
  slices(namespace: string, service: string): V1EndpointSlice[];
  secret(namespace: string, name: string): V1Secret | undefined;
}

const key = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;

/** Indexes Services, EndpointSlices (by their service-name label) and Secrets of a snapshot. */
export function indexSnapshot(snapshot: KubeSnapshot): SnapshotIndex {
  const services = new Map(snapshot.services.map((s) => [key(s.metadata?.namespace, s.metadata?.name), s] as const));
  const secrets = new Map(snapshot.secrets.map((s) => [key(s.metadata?.namespace, s.metadata?.name), s] as const));
  const slices = new Map<string, V1EndpointSlice[]>();
  for (const slice of snapshot.endpointSlices) {
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!owner) continue;
    const k = key(slice.metadata?.namespace, owner);
    slices.set(k, [...(slices.get(k) ?? []), slice]);
  }
  for (const list of slices.values()) list.sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  return {
    service: (namespace, name) => services.get(key(namespace, name)),
    slices: (namespace, service) => slices.get(key(namespace, service)) ?? [],
    secret: (namespace, name) => secrets.get(key(namespace, name)),
  };
}
