import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RequestRecord } from './kube-fake/index.js';

/** One RBAC PolicyRule as written in a Role or ClusterRole. */
export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** What the API server authorizes for one request. */
export interface RequestAttributes {
  verb: string;
  group: string;
  /** `plural` or `plural/subresource`. */
  resource: string;
  namespace?: string;
  name?: string;
}

/** One granted (group, resource, verb), keyed `group/resource:verb`, with the check RBAC would make. */
export interface Grant {
  key: string;
  allows(request: RequestAttributes): boolean;
}

// The resources the provider's client-node calls name, by the kind in the method name.
const KINDS: Record<string, { group: string; plural: string }> = {
  Ingress: { group: 'networking.k8s.io', plural: 'ingresses' },
  IngressClass: { group: 'networking.k8s.io', plural: 'ingressclasses' },
  Service: { group: '', plural: 'services' },
  EndpointSlice: { group: 'discovery.k8s.io', plural: 'endpointslices' },
  Secret: { group: '', plural: 'secrets' },
  Lease: { group: 'coordination.k8s.io', plural: 'leases' },
  Namespace: { group: '', plural: 'namespaces' },
  ConfigMap: { group: '', plural: 'configmaps' },
  Endpoints: { group: '', plural: 'endpoints' },
  Node: { group: '', plural: 'nodes' },
};
const VERBS: Record<string, string> = { list: 'list', read: 'get', create: 'create', replace: 'update', patch: 'patch', delete: 'delete' };
const CALL = /\.(list|read|create|replace|patch|delete)(Namespaced)?([A-Z][A-Za-z]*?)(ForAllNamespaces)?(Status)?\(/g;

/**
 * Scans a provider's TypeScript for client-node API calls (`listNamespacedIngress(`,
 * `replaceNamespacedIngressStatus(`, …) and returns what they need as `group/resource:verb`. Lists
 * feed informers, which also watch, so each list adds its watch. Throws on a kind it cannot map.
 */
export async function usedByProvider(dir: string): Promise<Set<string>> {
  const used = new Set<string>();
  for (const file of await sources(dir)) {
    const text = await readFile(file, 'utf8');
    for (const [, op, , kind, , status] of text.matchAll(CALL)) {
      const target = KINDS[kind!];
      if (!target) throw new Error(`${path.basename(file)}: unknown kind "${kind}" in a ${op} call; add it to KINDS`);
      const resource = `${target.plural}${status ? '/status' : ''}`;
      used.add(`${target.group}/${resource}:${VERBS[op!]}`);
      if (op === 'list') used.add(`${target.group}/${resource}:watch`);
    }
  }
  return used;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** The grants of a Role's (with `namespace`) or ClusterRole's rules. */
export function grantedBy(rules: Rule[], namespace?: string): Grant[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.map((verb) => ({
          key: `${group}/${resource}:${verb}`,
          allows: (r: RequestAttributes) =>
            (group === '*' || group === r.group) &&
            (resource === '*' || resource === r.resource) &&
            (verb === '*' || verb === r.verb) &&
            (namespace === undefined || namespace === r.namespace) &&
            (!rule.resourceNames?.length || (r.name !== undefined && rule.resourceNames.includes(r.name))),
        })),
      ),
    ),
  );
}

/** The RBAC attributes of a request the fake recorded; undefined for discovery and other non-resource paths (allowed to every account). */
export function requestAttributes(record: RequestRecord): RequestAttributes | undefined {
  const segs = record.path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length > 2) [group, rest] = ['', segs.slice(2)];
  else if (segs[0] === 'apis' && segs.length > 3) [group, rest] = [segs[1]!, segs.slice(3)];
  else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') [watchPath, rest] = [true, rest.slice(1)];
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2) [namespace, rest] = [rest[1], rest.slice(2)];
  const [plural, name, sub] = rest;
  const query = new URLSearchParams(record.query);
  const watch = watchPath || record.watch || ['true', '1'].includes(query.get('watch') ?? '');
  const verb = {
    GET: watch ? 'watch' : name ? 'get' : 'list',
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: name ? 'delete' : 'deletecollection',
  }[record.method];
  return { verb: verb ?? record.method.toLowerCase(), group, resource: sub ? `${plural}/${sub}` : plural!, ...(namespace && { namespace }), ...(name && { name }) };
}
