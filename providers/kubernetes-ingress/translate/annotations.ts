import type { RouterConfig } from '../../../src/config/dynamic-schema.js';
import { AnnotationError, parseBool, parseChoice, parseInteger, parseList, parseReference, parseReferences, type Annotation } from './annotation-values.js';
import { parseCanaryWeights, type CanaryWeight } from './canary.js';

/** Annotation prefixes read, first wins: Switchyard's own, then Traefik's so migrated manifests work unchanged. */
export const ANNOTATION_PREFIXES = ['switchyard.io/', 'traefik.ingress.kubernetes.io/'] as const;

/**
 * The annotations under a known prefix, keyed by their lower-cased suffix (Traefik's label decoder ignores case:
 * `router.tls.certResolver` works). When both prefixes carry a suffix, the `switchyard.io/` one wins.
 */
export function prefixedAnnotations(annotations: Record<string, string> | undefined): Map<string, Annotation> {
  const found = new Map<string, Annotation>();
  for (const prefix of [...ANNOTATION_PREFIXES].reverse()) {
    for (const [key, value] of Object.entries(annotations ?? {})) {
      if (key.startsWith(prefix)) found.set(key.slice(prefix.length).toLowerCase(), { key, value: String(value) });
    }
  }
  return found;
}

/** The path matchers `router.pathmatcher` may name for ImplementationSpecific paths. */
export const PATH_MATCHERS = ['Path', 'PathPrefix', 'PathRegexp'] as const;

/** What an Ingress's annotations say about its routers. */
export interface IngressAnnotations {
  router: Pick<RouterConfig, 'entryPoints' | 'middlewares' | 'priority' | 'tls' | 'observability'>;
  pathMatcher?: (typeof PATH_MATCHERS)[number];
  /** `service.weights`: canary Services taking a share of every backend's traffic. */
  canaries: CanaryWeight[];
}

interface ParseState {
  value: IngressAnnotations;
  tls: NonNullable<RouterConfig['tls']>;
  /** `router.tls` as written, when it is. */
  tlsFlag?: boolean;
  /** Whether a `router.tls.*` key was seen, which implies TLS. */
  tlsKeys: boolean;
  domains: Map<number, { main?: string; sans?: string[]; first: Annotation }>;
}

type Setter = (state: ParseState, a: Annotation) => void;
const observability = (state: ParseState) => (state.value.router.observability ??= {});
const tlsKey = (state: ParseState) => {
  state.tlsKeys = true;
  return state.tls;
};

const SETTERS: Record<string, Setter> = {
  'router.entrypoints': (s, a) => (s.value.router.entryPoints = nonEmpty(a, parseList(a))),
  'router.middlewares': (s, a) => (s.value.router.middlewares = parseReferences(a)),
  'router.priority': (s, a) => (s.value.router.priority = parseInteger(a)),
  'router.pathmatcher': (s, a) => (s.value.pathMatcher = parseChoice(a, PATH_MATCHERS)),
  'router.tls': (s, a) => (s.tlsFlag = parseBool(a)),
  'router.tls.certresolver': (s, a) => (tlsKey(s).certResolver = nonEmpty(a, a.value.trim())),
  'router.tls.options': (s, a) => (tlsKey(s).options = parseReference(a, true)),
  'router.observability.accesslogs': (s, a) => (observability(s).accessLogs = parseBool(a)),
  'router.observability.metrics': (s, a) => (observability(s).metrics = parseBool(a)),
  'router.observability.tracing': (s, a) => (observability(s).tracing = parseBool(a)),
  'router.observability.traceverbosity': (s, a) => (observability(s).traceVerbosity = parseChoice(a, ['minimal', 'detailed'] as const, true)),
  // Deprecated in Traefik v3 and meaningless here: only the v3 syntax exists.
  'router.rulesyntax': () => undefined,
  'service.weights': (s, a) => (s.value.canaries = parseCanaryWeights(a)),
};

const DOMAIN = /^router\.tls\.domains\.(\d+)\.(main|sans)$/;

function domain(state: ParseState, index: number, part: string, a: Annotation): void {
  const entry = state.domains.get(index) ?? { first: a };
  if (part === 'main') entry.main = a.value.trim();
  else entry.sans = parseList(a);
  state.domains.set(index, entry);
  state.tlsKeys = true;
}

/** Parses an Ingress's annotations; every bad value is reported (the caller skips the Ingress when any is). */
export function parseIngressAnnotations(annotations: Record<string, string> | undefined): { value: IngressAnnotations; errors: string[] } {
  const state: ParseState = { value: { router: {}, canaries: [] }, tls: {}, tlsKeys: false, domains: new Map() };
  const errors: string[] = [];
  for (const [suffix, a] of [...prefixedAnnotations(annotations)].sort(([x], [y]) => (x < y ? -1 : 1))) {
    try {
      const match = DOMAIN.exec(suffix);
      if (match) domain(state, Number(match[1]), match[2]!, a);
      else if (SETTERS[suffix]) SETTERS[suffix](state, a);
      else if (suffix.startsWith('router.')) throw new AnnotationError(a.key, a.value, 'is not a known router annotation');
      // Other service.* annotations belong on the Service; Traefik ignores them on an Ingress, and so does Switchyard.
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  for (const [, entry] of [...state.domains].sort(([x], [y]) => x - y)) {
    if (!entry.main) errors.push(new AnnotationError(entry.first.key, entry.first.value, 'has no matching router.tls.domains.N.main').message);
    else (state.tls.domains ??= []).push({ main: entry.main, ...(entry.sans?.length ? { sans: entry.sans } : {}) });
  }
  // "false" turns TLS off even when sub-keys are present; sub-keys alone turn it on, as Traefik's decoder does.
  if (state.tlsFlag === true || (state.tlsFlag === undefined && state.tlsKeys)) state.value.router.tls = state.tls;
  return { value: state.value, errors };
}

function nonEmpty<T extends string | string[]>(a: Annotation, value: T): T {
  if (value.length === 0) throw new AnnotationError(a.key, a.value, 'is empty');
  return value;
}
