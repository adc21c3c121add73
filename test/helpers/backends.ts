import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

/** A real node:http server on port 0 that counts the TCP connections it accepted. */
export interface Backend {
  port: number;
  url: string;
  server: http.Server;
  connections(): number;
  close(): Promise<void>;
}

/** Starts an HTTP back end with a request handler. */
export async function startBackend(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Backend> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP back end that reads one request head and then answers with whatever the test writes. */
export interface RawBackend {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts a raw back end for malformed responses; `answer` gets the socket and the request head. */
export async function startRawBackend(answer: (socket: Socket, head: string) => void): Promise<RawBackend> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      answer(socket, buffered.slice(0, end));
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a raw client saw: every byte, and how the exchange ended. */
export interface RawResult {
  text: string;
  /** `closed`: the gateway closed the connection; `timeout`: nothing ended it within the limit. */
  ended: 'closed' | 'timeout';
}

/** Sends raw bytes to a port and collects the answer until the connection closes or the timeout passes. */
export function rawRequest(port: number, request: string, timeoutMs = 3000): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, ended: 'timeout' });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, ended: 'closed' });
    });
  });
}

/** The status code of a raw HTTP response, or 0 when there is none. */
export function statusOf(text: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : 0;
}
