import type { RouterConfig } from '../../../src/config/dynamic-schema.js';
import type { KubeSnapshot, TranslateOptions, TranslateResult } from '../types.js';
import { createClassFilter } from './class-filter.js';
import { translateIngress, type TranslationState } from './ingress.js';
import { DEFAULT_ROUTER } from './names.js';
import { nameRouters } from './router-names.js';
import { indexSnapshot } from './snapshot-index.js';
import { certificateList } from './tls.js';

/** The class filter alone, for callers that only need to know which Ingresses are ours. */
export { createClassFilter } from './class-filter.js';
/** The annotation prefixes read, Switchyard's first. */
export { ANNOTATION_PREFIXES } from './annotations.js';

/**
 * Translates the Kubernetes objects of one snapshot into the `kubernetes` provider's dynamic configuration. Pure:
 * the same snapshot gives the same result, whatever order the API listed the objects in; the snapshot is not changed.
 */
export function translate(snapshot: KubeSnapshot, options: TranslateOptions): TranslateResult {
  const isOurs = createClassFilter(snapshot.ingressClasses, options);
  const state: TranslationState = {
    index: indexSnapshot(snapshot),
    options,
    services: {},
    origins: {},
    candidates: [],
    certificates: new Map(),
    backends: new Map(),
  };
  const errors: string[] = [];
  const processed: string[] = [];
  const ordered = [...snapshot.ingresses].sort((a, b) => {
    const x = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
    const y = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const ingress of ordered) {
    if (!isOurs(ingress)) continue;
    const id = `${ingress.metadata?.namespace ?? ''}/${ingress.metadata?.name ?? ''}`;
    processed.push(id);
    for (const error of translateIngress(ingress, state)) errors.push(`Ingress ${id}: ${error}`);
  }

  const routers: Record<string, RouterConfig> = {};
  const origins: Record<string, string> = {};
  if (state.defaultRouter) {
    routers[DEFAULT_ROUTER] = state.defaultRouter.router;
    origins[`router:${DEFAULT_ROUTER}`] = state.defaultRouter.origin;
  }
  for (const named of nameRouters(state.candidates, new Set(Object.keys(routers)))) {
    if ('error' in named) {
      errors.push(`${named.origin}: ${named.error}`);
      continue;
    }
    routers[named.name] = named.router;
    origins[`router:${named.name}`] = named.origin;
  }
  // A service no router uses any more (its paths all failed) is left out, so it is not served nor shown.
  const used = new Set<string>();
  const visit = (name: string): void => {
    if (used.has(name) || !state.services[name]) return;
    used.add(name);
    for (const child of state.services[name].weighted?.services ?? []) visit(child.name);
  };
  for (const router of Object.values(routers)) visit(router.service);
  const services = Object.fromEntries(Object.entries(state.services).filter(([name]) => used.has(name)));
  for (const name of used) origins[`service:${name}`] = state.origins[`service:${name}`]!;

  const certificates = certificateList(state.certificates);
  return {
    config: { http: { routers, services }, ...(certificates.length > 0 ? { tls: { certificates } } : {}) },
    errors,
    origins,
    processed,
  };
}
