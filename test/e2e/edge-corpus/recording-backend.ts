import net from 'node:net';
import { createHash } from 'node:crypto';
import { once } from 'node:events';

/** One request exactly as it reached a back end: its bytes, its parsed head and body, and which route's server got it. */
export interface SeenRequest {
  route: string;
  raw: Buffer;
  method: string;
  target: string;
  version: string;
  /** Field lines in the order received, names as sent. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** A set of raw back ends (one per route) recording every request they parse, plus anything they could not parse. */
export interface RecordingBackend {
  ports: Record<string, number>;
  seen: SeenRequest[];
  /** Bytes a server could not frame as HTTP/1.1: a desynchronised connection would land here. */
  garbage: Array<{ route: string; raw: Buffer }>;
  close(): Promise<void>;
}

/** Starts one deliberately minimal HTTP/1.1 server per route: it frames requests by Content-Length or chunked only, so a smuggled request is visible as a second entry. */
export async function startRecordingBackend(routes: string[]): Promise<RecordingBackend> {
  const seen: SeenRequest[] = [];
  const garbage: RecordingBackend['garbage'] = [];
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const ports: Record<string, number> = {};
  for (const route of routes) {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      let buffer = Buffer.alloc(0);
      let tunnel = false;
      socket.on('data', (chunk: Buffer) => {
        if (tunnel) return void socket.write(chunk); // echo WebSocket frames back
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const parsed = parseOne(buffer);
          if (parsed === 'incomplete') return;
          if (parsed === 'garbage') {
            garbage.push({ route, raw: buffer });
            return void socket.destroy();
          }
          const request: SeenRequest = { route, ...parsed.request };
          seen.push(request);
          buffer = buffer.subarray(parsed.used);
          const upgrade = header(request, 'upgrade');
          if (upgrade !== undefined && /upgrade/i.test(header(request, 'connection') ?? '')) {
            // Answers every upgrade, h2c included: a gateway that forwards one would be caught here.
            const key = header(request, 'sec-websocket-key') ?? '';
            const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
            socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${upgrade}\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
            tunnel = true;
            if (buffer.length > 0) socket.write(buffer);
            return;
          }
          const body = request.method === 'HEAD' ? '' : route;
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${route.length}\r\nX-Backend-Route: ${route}\r\n\r\n${body}`);
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    ports[route] = (server.address() as net.AddressInfo).port;
    servers.push(server);
  }
  return {
    ports,
    seen,
    garbage,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}

/** The first value of a header (case-insensitive), or undefined. */
export function header(request: SeenRequest, name: string): string | undefined {
  return request.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

type Parsed = { request: Omit<SeenRequest, 'route'>; used: number } | 'incomplete' | 'garbage';

function parseOne(buffer: Buffer): Parsed {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return buffer.length > 1 << 20 ? 'garbage' : 'incomplete';
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const line = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? '');
  if (!line) return 'garbage';
  const headers: Array<[string, string]> = [];
  for (const text of lines.slice(1)) {
    const colon = text.indexOf(':');
    if (colon <= 0) return 'garbage';
    headers.push([text.slice(0, colon), text.slice(colon + 1).trim()]);
  }
  const te = headers.filter(([n]) => n.toLowerCase() === 'transfer-encoding');
  const cl = headers.filter(([n]) => n.toLowerCase() === 'content-length');
  // A message the gateway framed two ways is itself a finding.
  if (te.length > 1 || cl.length > 1 || (te.length && cl.length)) return 'garbage';
  let offset = end + 4;
  let body: Buffer = Buffer.alloc(0);
  if (te.length) {
    if (te[0]![1].toLowerCase() !== 'chunked') return 'garbage';
    const parts: Buffer[] = [];
    for (;;) {
      const eol = buffer.indexOf('\r\n', offset);
      if (eol < 0) return 'incomplete';
      const sizeText = buffer.subarray(offset, eol).toString('latin1');
      if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return 'garbage';
      const size = Number.parseInt(sizeText, 16);
      offset = eol + 2;
      if (size === 0) {
        const trailerEnd = buffer.indexOf('\r\n', offset);
        if (trailerEnd < 0) return 'incomplete';
        if (trailerEnd !== offset) return 'garbage'; // the gateway never forwards trailers in requests
        offset += 2;
        break;
      }
      if (buffer.length < offset + size + 2) return 'incomplete';
      parts.push(buffer.subarray(offset, offset + size));
      if (buffer.subarray(offset + size, offset + size + 2).toString('latin1') !== '\r\n') return 'garbage';
      offset += size + 2;
    }
    body = Buffer.concat(parts);
  } else if (cl.length) {
    if (!/^\d+$/.test(cl[0]![1])) return 'garbage';
    const length = Number(cl[0]![1]);
    if (buffer.length < offset + length) return 'incomplete';
    body = buffer.subarray(offset, offset + length);
    offset += length;
  }
  return {
    request: { raw: Buffer.from(buffer.subarray(0, offset)), method: line[1]!, target: line[2]!, version: line[3]!, headers, body: Buffer.from(body) },
    used: offset,
  };
}
