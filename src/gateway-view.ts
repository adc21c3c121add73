import type { EventEmitter } from 'node:events';
import type { StaticConfig } from './config/static-types.js';
import type { AppliedConfiguration } from './provider/watcher.js';
import type { ProviderState } from './provider/provider.js';
import type { RoutingTable } from './routing/table.js';
import type { CertificateInfo } from './tls/certificate-info.js';

/** What a routing table swap announces on `GatewayView.events` ('applied'). */
export interface AppliedEvent {
  version: number;
  table: RoutingTable;
  applied: AppliedConfiguration;
  /** The table this one replaced, if any (for diffs). */
  previous?: RoutingTable;
}

/** A read-only view of a running gateway, for the API, the dashboard and observability. */
export interface GatewayView {
  config: StaticConfig;
  table(): RoutingTable | undefined;
  version(): number;
  ready(): boolean;
  providerStates(): Record<string, ProviderState>;
  /** Emits 'applied' with an AppliedEvent after every swap. */
  events: EventEmitter;
  /** When the gateway started (ISO time). */
  startedAt: string;
  /** Certificates being served (from files and resolvers), for the API and the expiry metric. */
  certificates(): CertificateInfo[];
}
