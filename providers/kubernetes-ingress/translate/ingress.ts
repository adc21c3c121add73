import type { V1Ingress, V1IngressServiceBackend } from '@kubernetes/client-node';
import type { RouterConfig, ServiceConfig } from '../../../src/config/dynamic-schema.js';
import type { TranslateOptions } from '../types.js';
import { parseIngressAnnotations, type IngressAnnotations } from './annotations.js';
import { loadBackend, portLabel, type Backend, type BackendRef } from './backends.js';
import { canaryService } from './canary.js';
import { canaryServiceName, DEFAULT_SERVICE, routerKey } from './names.js';
import type { RouterCandidate } from './router-names.js';
import { buildRule } from './rules.js';
import type { SnapshotIndex } from './snapshot-index.js';
import { ingressCertificates, type CertificateCache } from './tls.js';

/** What the translation of every Ingress adds to. */
export interface TranslationState {
  index: SnapshotIndex;
  options: TranslateOptions;
  services: Record<string, ServiceConfig>;
  origins: Record<string, string>;
  candidates: RouterCandidate[];
  certificates: CertificateCache;
  /** Backends already built, keyed `namespace/service/port`: Ingresses share them. */
  backends: Map<string, Backend>;
  defaultRouter?: { router: RouterConfig; origin: string };
}

// Priority of the default router: Go's MinInt32, below every other router.
const LOWEST_PRIORITY = -2147483648;

/** Translates one Ingress of ours into `state`; returns its problems, without the `Ingress ns/name: ` prefix. */
export function translateIngress(ingress: V1Ingress, state: TranslationState): string[] {
  const namespace = ingress.metadata?.namespace ?? '';
  const name = ingress.metadata?.name ?? '';
  const origin = `Ingress ${namespace}/${name}`;
  const errors = new Set<string>();
  const parsed = parseIngressAnnotations(ingress.metadata?.annotations);
  if (parsed.errors.length > 0) return parsed.errors.map((error) => `${error}; the Ingress is skipped`);
  const annotations = parsed.value;
  for (const error of ingressCertificates(ingress, state.index, state.certificates)) errors.add(error);

  const backend = (ref: V1IngressServiceBackend, as?: string): string | undefined =>
    resolveBackend({ namespace, service: ref.name, port: ref.port ?? {} }, annotations, state, { origin, ingress: name, as }, errors);

  const rules = ingress.spec?.rules ?? [];
  const fallback = ingress.spec?.defaultBackend;
  if (fallback && rules.length > 0) errors.add('spec.defaultBackend is only used on an Ingress without rules (as in Traefik); ignored');
  if (fallback && rules.length === 0) {
    if (state.defaultRouter) errors.add(`the default backend is already set by ${state.defaultRouter.origin}; this one is ignored`);
    else if (!fallback.service) errors.add('spec.defaultBackend has no service (resource backends are not supported)');
    else if (backend(fallback.service, DEFAULT_SERVICE)) {
      const router: RouterConfig = { ...structuredClone(annotations.router), rule: 'PathPrefix("/")', priority: LOWEST_PRIORITY, service: DEFAULT_SERVICE };
      state.defaultRouter = { router, origin };
    }
  }

  for (const rule of rules) {
    for (const path of rule.http?.paths ?? []) {
      const where = `path "${path.path ?? ''}"${rule.host ? ` of host "${rule.host}"` : ''}`;
      if (!path.backend?.service) {
        errors.add(`${where} has no service backend (resource backends are not supported); skipped`);
        continue;
      }
      let ruleText: string;
      try {
        ruleText = buildRule({ host: rule.host, path: path.path, pathType: path.pathType, pathMatcher: annotations.pathMatcher, strictPrefixMatching: state.options.strictPrefixMatching });
      } catch (error) {
        errors.add(`${where}: ${(error as Error).message}; skipped`);
        continue;
      }
      const service = backend(path.backend.service);
      if (!service) continue;
      // Copies, so no two routers share the arrays of the annotations.
      const router: RouterConfig = { ...structuredClone(annotations.router), rule: ruleText, service };
      state.candidates.push({ key: routerKey(namespace, name, rule.host ?? '', path.path ?? ''), router, origin });
    }
  }
  return [...errors];
}

interface BackendUse {
  origin: string;
  ingress: string;
  /** A fixed name for the service the router uses (the default backend's). */
  as?: string | undefined;
}

// Builds (once per snapshot) the backend's load balancer and, with canaries, this Ingress's weighted service over it.
function resolveBackend(ref: BackendRef, annotations: IngressAnnotations, state: TranslationState, use: BackendUse, errors: Set<string>): string | undefined {
  const main = build(ref, state);
  if ('error' in main) {
    errors.add(`${main.error}; the paths using it are skipped`);
    return undefined;
  }
  const children: Array<{ name: string; weight: number }> = [];
  for (const canary of annotations.canaries) {
    if (canary.service === ref.service) continue;
    const built = build({ ...ref, service: canary.service }, state);
    if ('error' in built) errors.add(`canary ${built.error}; its share stays with Service ${ref.namespace}/${ref.service}`);
    else children.push({ name: add(built.name, built.config, state, use.origin), weight: canary.weight });
  }
  if (children.length === 0) return add(use.as ?? main.name, main.config, state, use.origin);
  add(main.name, main.config, state, use.origin);
  const name = use.as ?? canaryServiceName(ref.namespace, use.ingress, ref.service, portLabel(ref.port));
  state.services[name] = canaryService(main.name, children);
  state.origins[`service:${name}`] = use.origin;
  return name;
}

function build(ref: BackendRef, state: TranslationState): Backend {
  const key = `${ref.namespace}/${ref.service}/${portLabel(ref.port)}`;
  let found = state.backends.get(key);
  if (!found) state.backends.set(key, (found = loadBackend(state.index, ref, state.options)));
  return found;
}

function add(name: string, config: ServiceConfig, state: TranslationState, origin: string): string {
  if (!state.services[name]) {
    // A copy: the default backend and the Service's own name may hold the same load balancer.
    state.services[name] = structuredClone(config);
    state.origins[`service:${name}`] = origin;
  }
  return name;
}
