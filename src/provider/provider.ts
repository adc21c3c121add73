import type { DynamicConfig } from '../config/dynamic-schema.js';

/** What a provider reports about itself for `/api/providers` and `/ready`. */
export interface ProviderState {
  connected: boolean;
  lastSnapshotAt?: string;
  lastError?: string;
}

/** A source of dynamic configuration: emits whole snapshots, never deltas. */
export interface Provider {
  /** The provider namespace used in qualified names (`file`, `kubernetes`, `etcd`, …). */
  name: string;
  /** Yields a complete snapshot each time the source changes; ends when the signal aborts. */
  watch(signal: AbortSignal): AsyncIterable<ProviderSnapshot>;
  state(): ProviderState;
  /** True when watch ends by design after its snapshots (the file provider with `watch: false`): it is not restarted. */
  finite?: boolean;
}

/** One snapshot, with per-source errors that did not stop the rest from loading (e.g. one broken file). */
export interface ProviderSnapshot {
  config: DynamicConfig;
  /** Errors about the source itself (unparsable file), each naming the file or key. */
  errors: string[];
  /** Where each element came from (e.g. the file), keyed `router:name`, `service:name`, `middleware:name`, `serversTransport:name`. */
  origins?: Record<string, string>;
  /** Where every element `origins` does not name came from: the file provider's first file, so one file lists nothing per element. */
  origin?: string;
}

/** Where an element of a snapshot came from (`kind:name`, as `origins` keys it): its own entry, else the snapshot's `origin`. */
export function elementOrigin(snapshot: Pick<ProviderSnapshot, 'origins' | 'origin'>, key: string): string | undefined {
  return snapshot.origins !== undefined && Object.hasOwn(snapshot.origins, key) ? snapshot.origins[key] : snapshot.origin;
}
