import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Connections of an HTTP server with the time each was last seen at work. */
export interface IdleConnections {
  /** Ends (FIN) the connections idle for at least `ms`; returns how many. */
  closeIdleFor(ms: number): number;
  /** Connections still open. */
  open(): number;
}

interface Seen {
  /** A WebSocket (or other upgraded) connection: never idle in this sense, it ends at the drain deadline. */
  upgraded: boolean;
  /** When the connection was last seen busy or reading; 0 until the first look. */
  since: number;
  bytesRead: number;
}

// Node's server keeps the response being written on its socket (pipelined ones follow it) until it finishes.
type ServedSocket = Socket & { _httpMessage?: object | null };

/**
 * Tracks idleness per connection so a drain can close only connections that stayed idle for a while.
 * Closing a keep-alive connection the moment it turns idle races with the client's next request on it
 * (the client sees a reset); a client in a steady loop instead sends that request soon, gets
 * `Connection: close` on its answer and reconnects, to the new process, cleanly (nginx, Envoy do the same).
 *
 * Nothing runs per request: only a drain looks, and it looks often (every few tens of ms). A connection
 * counts as idle from the first look that finds no response in progress and no new bytes read since
 * the look before, so a request that came and went between two looks restarts its idle time too.
 */
export function trackIdleConnections(server: Server): IdleConnections {
  const state = new Map<ServedSocket, Seen>();
  server.on('connection', (socket: Socket) => {
    state.set(socket, { upgraded: false, since: 0, bytesRead: 0 });
    socket.once('close', () => state.delete(socket));
  });
  server.on('upgrade', (req) => {
    const entry = state.get(req.socket);
    if (entry) entry.upgraded = true;
  });
  return {
    closeIdleFor(ms) {
      const now = Date.now();
      let closed = 0;
      for (const [socket, entry] of state) {
        if (entry.upgraded || socket.writableEnded) continue;
        if (entry.since === 0 || socket._httpMessage || socket.bytesRead !== entry.bytesRead) {
          entry.since = now;
          entry.bytesRead = socket.bytesRead;
          continue;
        }
        if (now - entry.since < ms) continue;
        socket.end();
        closed++;
      }
      return closed;
    },
    open: () => state.size,
  };
}
