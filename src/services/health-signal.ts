/** Tracks a service's aggregate health and tells listeners only when it flips. */
export interface HealthSignal {
  /** Recomputes health and notifies listeners if it changed. */
  update(): void;
  subscribe(listener: (healthy: boolean) => void): () => void;
}

/** Creates a signal over `compute`; listeners see some-healthy ↔ none-healthy transitions only. */
export function createHealthSignal(compute: () => boolean): HealthSignal {
  const listeners = new Set<(healthy: boolean) => void>();
  let last = compute();
  return {
    update() {
      const now = compute();
      if (now === last) return;
      last = now;
      // A throwing listener (a parent being torn down) must not stop the others from hearing.
      for (const listener of [...listeners]) {
        try {
          listener(now);
        } catch {
          /* ignored on purpose, see above */
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * True when a service tracks health: its `healthChecked` flag, or, for a wrapper that did not copy the
 * flag, a non-empty serverStatus() (the interface promises it is empty when nothing is health-checked).
 */
export function isHealthChecked(service: { healthChecked?: boolean; serverStatus(): Record<string, string> }): boolean {
  return service.healthChecked ?? Object.keys(service.serverStatus()).length > 0;
}
