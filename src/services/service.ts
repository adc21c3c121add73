import type { Handler } from '../http/context.js';

/** A built service: handles requests, reports health, and is closed when its table retires. */
export interface Service {
  handle: Handler;
  /** False when no server behind it can take a request. */
  healthy(): boolean;
  /** Subscribes to health changes (used by failover and parent services); returns an unsubscribe. */
  onHealthChange(listener: (healthy: boolean) => void): () => void;
  /** Per-server health for the API: url → UP | DOWN; empty when not health-checked. */
  serverStatus(): Record<string, 'UP' | 'DOWN'>;
  /**
   * True when the service tracks health (a load balancer with `healthCheck`, a parent with `healthCheck: {}`);
   * failover and health-propagating parents require it of their children. Wrappers must pass it through.
   */
  readonly healthChecked?: boolean;
  /** Resolves once the service let go of what it holds; {@link CLOSED} when there was nothing to wait for. */
  close(): Promise<void>;
}

/** The answer of a `close` with nothing to wait for: retiring a table of 10,000 reused services then allocates nothing per service. */
export const CLOSED: Promise<void> = Promise.resolve();
