import type { V1EndpointSlice, V1Ingress, V1IngressClass, V1Secret, V1Service } from '@kubernetes/client-node';
import type { DynamicConfig } from '../../src/config/dynamic-schema.js';

/** The controller name an IngressClass must carry for Switchyard to process its Ingresses. */
export const CONTROLLER_NAME = 'switchyard.io/ingress-controller';

/** Everything the informers hold at one moment: the only input of the translation, so it stays a pure function. */
export interface KubeSnapshot {
  ingresses: V1Ingress[];
  ingressClasses: V1IngressClass[];
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  /** Only the Secrets that Ingresses name in `spec.tls` need be present. */
  secrets: V1Secret[];
}

/** Provider options that change the translation (a subset of `providers.kubernetesIngress`). */
export interface TranslateOptions {
  /** Only Ingresses of this class (IngressClass name, or legacy annotation value) are processed when set. */
  ingressClass?: string;
  allowEmptyServices: boolean;
  allowExternalNameServices: boolean;
  /** Traefik's `strictPrefixMatching`; Switchyard defaults it to true (element-wise Prefix per the Ingress spec: #11200). */
  strictPrefixMatching: boolean;
  /** False when cluster-scoped lookups are off: Ingresses naming a class are then ignored. */
  clusterScope: boolean;
}

/** What the translation produces from one snapshot. */
export interface TranslateResult {
  /** Routers, services, serversTransports and `tls.certificates` (inline PEM from Secrets), names without `@kubernetes`. */
  config: DynamicConfig;
  /** Problems with one object that did not stop the rest, each naming the object as `Ingress ns/name: …`. */
  errors: string[];
  /** Where each element came from, keyed `router:name` / `service:name`, valued `Ingress ns/name`. */
  origins: Record<string, string>;
  /** The Ingresses that were processed (for status publishing), as `ns/name`. */
  processed: string[];
}
