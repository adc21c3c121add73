import type { ServerResponse } from 'node:http';
import type { AppliedEvent, GatewayView } from '../gateway-view.js';
import { diffStatus, type ConfigDiff } from './config-diff.js';

/** One message of `/api/events`: a routing table went into service. */
export interface AppliedMessage extends ConfigDiff {
  version: number;
  /** When it went into service (ISO time). */
  at: string;
}

/** The server-sent event streams of one API: opened per client, all ended on close. */
export interface EventStreams {
  /** Takes over a response and streams events on it until the client goes or the API closes. */
  open(res: ServerResponse): void;
  /** How many clients are listening (for tests and metrics). */
  size(): number;
  close(): void;
}

/** Heartbeats keep idle proxies and load balancers from cutting a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** Creates the event streams: a `hello` event with the current version, then a message per applied configuration. */
export function createEventStreams(view: GatewayView, heartbeatMs = HEARTBEAT_MS): EventStreams {
  const clients = new Set<ServerResponse>();
  const onApplied = (event: AppliedEvent) => {
    // The diff walks every element of both tables: nobody listening, nothing to compute (10,000 routers, issue 8).
    if (clients.size === 0) return;
    const message: AppliedMessage = { version: event.version, at: new Date().toISOString(), ...diffStatus(event.previous?.status, event.table.status) };
    const text = `id: ${event.version}\ndata: ${JSON.stringify(message)}\n\n`;
    for (const res of clients) res.write(text);
  };
  view.events.on('applied', onApplied);
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': heartbeat\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  return {
    open(res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        // Tells nginx-like proxies in front not to buffer the stream.
        'X-Accel-Buffering': 'no',
      });
      res.write(`event: hello\ndata: ${JSON.stringify({ version: view.version(), ready: view.ready() })}\n\n`);
      clients.add(res);
      res.on('close', () => clients.delete(res));
    },
    size: () => clients.size,
    // Idempotent: both the internal server's close and the API's close call it.
    close() {
      view.events.off('applied', onApplied);
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
