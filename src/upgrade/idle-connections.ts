import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Connections of an HTTP server with the time each last finished a request. */
export interface IdleConnections {
  /** Ends (FIN) the connections idle for at least `ms`; returns how many. */
  closeIdleFor(ms: number): number;
  /** Connections still open. */
  open(): number;
}

/**
 * Tracks idleness per connection so a drain can close only connections that stayed idle for a while.
 * Closing a keep-alive connection the moment it turns idle races with the client's next request on it
 * (the client sees a reset); a client in a steady loop instead sends that request soon, gets
 * `Connection: close` on its answer and reconnects, to the new process, cleanly (nginx, Envoy do the same).
 */
export function trackIdleConnections(server: Server): IdleConnections {
  const state = new Map<Socket, { busy: number; since: number }>();
  server.on('connection', (socket: Socket) => {
    state.set(socket, { busy: 0, since: Date.now() });
    socket.once('close', () => state.delete(socket));
  });
  server.on('request', (req, res) => {
    const entry = state.get(req.socket);
    if (!entry) return;
    entry.busy++;
    res.once('close', () => {
      entry.busy--;
      entry.since = Date.now();
    });
  });
  // An upgraded connection (WebSocket) is never idle in this sense: it ends at the drain deadline.
  server.on('upgrade', (req) => {
    const entry = state.get(req.socket);
    if (entry) entry.busy++;
  });
  return {
    closeIdleFor(ms) {
      const now = Date.now();
      let closed = 0;
      for (const [socket, entry] of state) {
        if (entry.busy > 0 || now - entry.since < ms || socket.writableEnded) continue;
        socket.end();
        closed++;
      }
      return closed;
    },
    open: () => state.size,
  };
}
