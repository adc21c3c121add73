import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport } from './transport.js';

/** One server to forward to. */
export interface ForwardTarget {
  url: URL;
  /** Keep the server URL's own path in front of the request path. */
  preservePath?: boolean;
}

/** Per-service forwarding settings. */
export interface ForwardOptions {
  passHostHeader: boolean;
  transport: Transport;
  /** `responseForwarding.flushInterval` in ms; informational, as responses are never buffered (every chunk is written as it arrives). */
  flushInterval?: number;
}

/** How one exchange with a server ended. */
export interface ForwardOutcome {
  /** Status sent to the client (the server's, or the gateway's 502/504/499). */
  status: number;
  /** Set when the server could not be reached or failed. */
  error?: 'refused' | 'timeout' | 'reset' | 'bad-response' | 'client-gone';
  /** True when the server began answering (headers received) before any error. */
  responded: boolean;
}

/** Sends a request (or WebSocket upgrade) to a server and relays the answer. */
export interface Forwarder {
  forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, options: ForwardOptions): Promise<ForwardOutcome>;
  close(): void;
}
