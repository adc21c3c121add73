/** A Kubernetes object as the fake stores and serves it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** One resource type the fake serves (what discovery lists for it). */
export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Whether the resource has a `/status` subresource (main-resource writes then keep the stored status). */
  status: boolean;
  categories?: string[];
}
