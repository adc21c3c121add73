import type { KubeObject } from './types.js';

/** A column of a server-side `Table`, as `kubectl get` prints it. */
interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority?: number;
  cell: (obj: KubeObject) => unknown;
}

// Cells read manifests loosely: any field may be absent.
type Any = Record<string, any>;

/** How the apiserver prints a duration in the AGE column (`45s`, `3m12s`, `5h`, `2d3h`). */
export function humanAge(since: string | undefined, at = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((at - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 && d < 8 ? `${d}d${h % 24}h` : `${d}d`;
}

const nameCol: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp of the object.', cell: (o) => humanAge(o.metadata.creationTimestamp as string | undefined) };
const col = (name: string, cell: (o: Any) => unknown, priority = 0): Column => ({ name, type: 'string', description: name, priority, cell: cell as Column['cell'] });
const orNone = (v: string) => v || '<none>';
const lbAddresses = (o: Any) => ((o.status?.loadBalancer?.ingress ?? []) as Any[]).map((i) => i.ip ?? i.hostname).join(',');

const columnsByKind: Record<string, Column[]> = {
  Ingress: [
    nameCol,
    col('Class', (o) => orNone(o.spec?.ingressClassName ?? '')),
    col('Hosts', (o) => orNone(((o.spec?.rules ?? []) as Any[]).map((r) => r.host ?? '*').join(','))),
    col('Address', lbAddresses),
    col('Ports', (o) => (o.spec?.tls?.length ? '80, 443' : '80')),
    ageCol,
  ],
  IngressClass: [nameCol, col('Controller', (o) => o.spec?.controller ?? ''), col('Parameters', (o) => orNone(o.spec?.parameters?.name ?? '')), ageCol],
  Service: [
    nameCol,
    col('Type', (o) => o.spec?.type ?? 'ClusterIP'),
    col('Cluster-IP', (o) => orNone(o.spec?.clusterIP ?? '')),
    col('External-IP', (o) => orNone([...(o.spec?.externalIPs ?? []), lbAddresses(o)].filter(Boolean).join(','))),
    col('Port(s)', (o) => orNone(((o.spec?.ports ?? []) as Any[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(','))),
    ageCol,
    col('Selector', (o) => orNone(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',')), 1),
  ],
  Endpoints: [
    nameCol,
    col('Endpoints', (o) =>
      orNone(((o.subsets ?? []) as Any[]).flatMap((s) => ((s.addresses ?? []) as Any[]).flatMap((a) => ((s.ports ?? [{}]) as Any[]).map((p) => (p.port ? `${a.ip}:${p.port}` : a.ip)))).join(',')),
    ),
    ageCol,
  ],
  EndpointSlice: [
    nameCol,
    col('AddressType', (o) => o.addressType ?? ''),
    col('Ports', (o) => orNone(((o.ports ?? []) as Any[]).map((p) => p.port).join(','))),
    col('Endpoints', (o) => orNone(((o.endpoints ?? []) as Any[]).flatMap((e) => e.addresses ?? []).join(','))),
    ageCol,
  ],
  Secret: [nameCol, col('Type', (o) => o.type ?? 'Opaque'), { ...col('Data', (o) => Object.keys(o.data ?? {}).length), type: 'integer' }, ageCol],
  ConfigMap: [nameCol, { ...col('Data', (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length), type: 'integer' }, ageCol],
  Namespace: [nameCol, col('Status', (o) => o.status?.phase ?? 'Active'), ageCol],
  Node: [
    nameCol,
    col('Status', (o) => (((o.status?.conditions ?? []) as Any[]).find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady')),
    col('Roles', () => '<none>'),
    ageCol,
    col('Version', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''),
  ],
  Lease: [nameCol, col('Holder', (o) => o.spec?.holderIdentity ?? ''), ageCol],
};
const defaultColumns: Column[] = [nameCol, { ...col('Created At', (o) => o.metadata?.creationTimestamp ?? ''), format: 'date' }];

/** What a row carries as `object`: `includeObject=None|Metadata|Object` (Metadata by default, as the apiserver does). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A server-side `Table` (meta.k8s.io/v1) of objects of one kind, as kubectl asks for with `Accept: …;as=Table`. */
export function toTable(kind: string, objects: KubeObject[], resourceVersion: string, include: IncludeObject = 'Metadata', extraMeta: Record<string, unknown> = {}): Record<string, unknown> {
  const columns = columnsByKind[kind] ?? defaultColumns;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...extraMeta },
    columnDefinitions: columns.map(({ cell: _c, priority, ...c }) => ({ ...c, format: c.format ?? '', priority: priority ?? 0 })),
    rows: objects.map((o) => {
      const object = rowObject(o, include);
      return { cells: columns.map((c) => c.cell(o)), ...(object ? { object } : {}) };
    }),
  };
}

/** Whether an `Accept` header asks for a server-side Table. */
export function wantsTable(accept: string | undefined): boolean {
  return /;\s*as=Table/.test(accept ?? '');
}
