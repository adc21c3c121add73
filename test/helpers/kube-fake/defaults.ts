import type { KubeObject } from './types.js';

/** Fills in what the apiserver defaults or allocates on a write; `previous` is the stored object on an update. */
export type Defaulter = (obj: KubeObject, previous: KubeObject | undefined) => void;

type Any = Record<string, any>; // manifests are loosely typed here: any field may be absent

/** A defaulter with its own ClusterIP (10.96.0.0/12) and NodePort (30000–32767) allocators. */
export function createDefaulter(): Defaulter {
  let nextIp = 10;
  let nextNodePort = 30000;
  const byKind: Record<string, (o: Any, prev: Any | undefined) => void> = {
    Service(o, prev) {
      const spec = (o.spec ??= {});
      spec.type ??= 'ClusterIP';
      // clusterIP is immutable: an update that omits it keeps the allocated one, as the apiserver does.
      if (spec.type !== 'ExternalName') {
        if (!spec.clusterIP) spec.clusterIP = prev?.spec?.clusterIP ?? `10.96.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
        spec.clusterIPs ??= [spec.clusterIP];
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
        spec.internalTrafficPolicy ??= 'Cluster';
      }
      spec.sessionAffinity ??= 'None';
      const prevPorts = (prev?.spec?.ports ?? []) as Any[];
      for (const p of (spec.ports ?? []) as Any[]) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
        if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !p.nodePort) {
          p.nodePort = prevPorts.find((q) => q.port === p.port)?.nodePort ?? nextNodePort++;
        }
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
      o.status ??= { loadBalancer: {} };
    },
    Ingress(o) {
      o.status ??= { loadBalancer: {} };
    },
    Secret(o) {
      o.type ??= 'Opaque';
    },
    EndpointSlice(o) {
      for (const p of (o.ports ?? []) as Any[]) p.protocol ??= 'TCP';
    },
    Endpoints(o) {
      for (const s of (o.subsets ?? []) as Any[]) for (const p of (s.ports ?? []) as Any[]) p.protocol ??= 'TCP';
    },
    Namespace(o) {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec ??= { finalizers: ['kubernetes'] };
      o.status ??= { phase: 'Active' };
    },
  };
  return (obj, previous) => byKind[obj.kind]?.(obj as Any, previous as Any | undefined);
}
