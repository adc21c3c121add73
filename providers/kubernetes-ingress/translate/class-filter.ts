import type { V1Ingress, V1IngressClass } from '@kubernetes/client-node';
import { CONTROLLER_NAME, type TranslateOptions } from '../types.js';

/** The legacy class annotation, still honoured when `spec.ingressClassName` is unset. */
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The marker of the cluster's default IngressClass. */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** Legacy annotation values taken when no `ingressClass` option is set: ours, and Traefik's so migrated Ingresses keep working. */
export const DEFAULT_LEGACY_CLASSES = ['switchyard', 'traefik'];

/** Decides, for each Ingress, whether this controller processes it. */
export type ClassFilter = (ingress: V1Ingress) => boolean;

/**
 * Builds the class filter. In order:
 * 1. `spec.ingressClassName` set: ours iff an IngressClass of that name has our controller (and the `ingressClass`
 *    option, when set, names it); never ours without cluster scope, where IngressClasses cannot be read.
 * 2. legacy annotation set: ours iff it equals the `ingressClass` option, or (option unset) is `switchyard` or `traefik`.
 * 3. neither: if any IngressClass carries the default-class marker `"true"`, ours iff one of those is ours (and passes
 *    the option); the cluster default decides, so a default class of another controller takes them (Traefik #12174).
 *    Without a default class (or without cluster scope), ours iff the `ingressClass` option is unset, as in Traefik.
 */
export function createClassFilter(classes: readonly V1IngressClass[], options: Pick<TranslateOptions, 'ingressClass' | 'clusterScope'>): ClassFilter {
  const visible = options.clusterScope ? classes : [];
  const wanted = (c: V1IngressClass): boolean => !options.ingressClass || c.metadata?.name === options.ingressClass;
  const ours = new Set(visible.filter((c) => c.spec?.controller === CONTROLLER_NAME && wanted(c)).map((c) => c.metadata?.name ?? ''));
  const defaults = visible.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  const classless = defaults.length > 0 ? defaults.some((c) => ours.has(c.metadata?.name ?? '')) : !options.ingressClass;
  return (ingress) => {
    const className = ingress.spec?.ingressClassName;
    if (className) return ours.has(className);
    const legacy = ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
    if (legacy) return options.ingressClass ? legacy === options.ingressClass : DEFAULT_LEGACY_CLASSES.includes(legacy);
    return classless;
  };
}
