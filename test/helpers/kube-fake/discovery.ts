import { apiVersionOf } from './resources.js';
import type { ResourceDef } from './types.js';

/** The Kubernetes version the fake claims; the kubectl dispatcher on these machines picks a kubectl of the same minor. */
export const serverVersion = {
  major: '1',
  minor: '30',
  gitVersion: 'v1.30.0',
  gitCommit: '7c48c2bd72b9bf5c44d21d7338cc7bea77d0ad2a',
  gitTreeState: 'clean',
  buildDate: '2024-04-17T17:27:03Z',
  goVersion: 'go1.22.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `GET /api`: the core group's versions (plain `APIVersions`, so kubectl falls back from aggregated discovery). */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, defs: ResourceDef[]): Record<string, unknown> {
  const versions = [...new Set(defs.filter((d) => d.group === group).map((d) => d.version))].map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** `GET /apis`: every named group. */
export function apiGroupList(defs: ResourceDef[]): Record<string, unknown> {
  const groups = [...new Set(defs.map((d) => d.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(g, defs)) };
}

/** `GET /apis/<group>`: one group, or undefined when the fake does not serve it. */
export function apiGroup(defs: ResourceDef[], group: string): Record<string, unknown> | undefined {
  if (!defs.some((d) => d.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, defs) };
}

/** `GET /api/v1` or `/apis/<group>/<version>`: the resources with their verbs, short names and status subresources. */
export function apiResourceList(defs: ResourceDef[], group: string, version: string): Record<string, unknown> | undefined {
  const inGv = defs.filter((d) => d.group === group && d.version === version);
  if (inGv.length === 0) return undefined;
  const resources = inGv.flatMap((d) => [
    {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs,
      ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    },
    ...(d.status ? [{ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(inGv[0]!), resources };
}
