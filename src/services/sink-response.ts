import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** Where a mirrored exchange's bytes go: nowhere; it also stands in as the mirror request's connection. */
class DiscardSocket extends Duplex {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
  encrypted: boolean | undefined;

  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }

  override _read(): void {}

  // The net.Socket methods Node's HTTP code and forwarders call on a connection.
  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

/** Creates a connection stand-in that discards everything, carrying the addresses of the original client connection. */
export function createDiscardSocket(original: Socket): Socket {
  const socket = new DiscardSocket();
  socket.remoteAddress = original.remoteAddress;
  socket.remotePort = original.remotePort;
  socket.localAddress = original.localAddress;
  socket.localPort = original.localPort;
  socket.encrypted = (original as Socket & { encrypted?: boolean }).encrypted;
  return socket as unknown as Socket;
}

/** Creates a real ServerResponse for `req` whose output is discarded, so a child service can answer a mirror copy unchanged. */
export function createSinkResponse(req: IncomingMessage): ServerResponse {
  const res = new ServerResponse(req);
  res.assignSocket(req.socket as Socket);
  // Releases the stand-in once the mirror answered, as a server would after a non-keep-alive response.
  res.once('finish', () => req.socket?.destroy());
  return res;
}
