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
  close(): Promise<void>;
}
