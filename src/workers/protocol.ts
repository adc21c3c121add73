import type { AppliedConfiguration } from '../provider/watcher.js';

/** Control process → worker: a merged configuration to apply (the same versions as the control process's table). */
export interface ConfigurationMessage {
  type: 'switchyard:configuration';
  applied: AppliedConfiguration;
}

/** Control process → worker: drain (accept grace, then graceTimeOut) and exit. */
export interface ShutdownMessage {
  type: 'switchyard:shutdown';
}

/** Control process → worker: send the Prometheus registry as JSON. */
export interface MetricsRequest {
  type: 'switchyard:metrics';
  id: number;
}

/** Worker → control process: its message listener is up, so configurations sent now are not lost. */
export interface HelloMessage {
  type: 'switchyard:hello';
}

/** Worker → control process: this configuration version is in service. */
export interface AppliedMessage {
  type: 'switchyard:applied';
  version: number;
}

/** Worker → control process: the answer to a MetricsRequest (empty when metrics are off). */
export interface MetricsResponse {
  type: 'switchyard:metrics-response';
  id: number;
  metrics: unknown[];
}

/** Any message the control process sends a worker. */
export type ToWorker = ConfigurationMessage | ShutdownMessage | MetricsRequest;
/** Any message a worker sends the control process. */
export type ToPrimary = HelloMessage | AppliedMessage | MetricsResponse;

/** True for messages of this protocol (cluster also carries its own and prom-client's). */
export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
