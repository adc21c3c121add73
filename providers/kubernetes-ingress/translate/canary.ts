import type { ServiceConfig } from '../../../src/config/dynamic-schema.js';
import { AnnotationError, parseList, type Annotation } from './annotation-values.js';

/** One canary of `service.weights`: a Service of the Ingress's namespace taking `weight` percent of each backend's traffic. */
export interface CanaryWeight {
  service: string;
  weight: number;
}

// A Service name is an RFC 1035 label.
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Parses `service.weights: "web-v2:10, web-v3:5"` (a trailing `%` is allowed). Weights are percentages: together
 * at most 100, the backend keeping the rest (Traefik #2729: weights between Services from a plain Ingress).
 */
export function parseCanaryWeights(a: Annotation): CanaryWeight[] {
  const out: CanaryWeight[] = [];
  const items = parseList(a);
  if (items.length === 0) throw new AnnotationError(a.key, a.value, 'is empty');
  for (const item of items) {
    const match = /^([^:\s]+)\s*:\s*(\d{1,3})\s*%?$/.exec(item);
    if (!match) throw new AnnotationError(a.key, a.value, `has "${item}", expected <service>:<percent>`);
    const [, service, weight] = match as unknown as [string, string, string];
    if (!SERVICE_NAME.test(service)) throw new AnnotationError(a.key, a.value, `names "${service}", which is not a Service name`);
    if (out.some((c) => c.service === service)) throw new AnnotationError(a.key, a.value, `names "${service}" twice`);
    out.push({ service, weight: Number(weight) });
  }
  const total = out.reduce((sum, c) => sum + c.weight, 0);
  if (total > 100) throw new AnnotationError(a.key, a.value, `gives ${total}% in all, more than 100%`);
  return out;
}

/** The weighted service splitting one backend's traffic: the backend keeps what the canaries leave of 100. */
export function canaryService(backend: string, canaries: ReadonlyArray<{ name: string; weight: number }>): ServiceConfig {
  const rest = 100 - canaries.reduce((sum, c) => sum + c.weight, 0);
  return { weighted: { services: [{ name: backend, weight: rest }, ...canaries.map((c) => ({ name: c.name, weight: c.weight }))] } };
}
