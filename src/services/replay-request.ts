import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An IncomingMessage that replays a buffered body (then, optionally, the unread rest of the original
 * stream), so a request whose body was read for mirroring can still be forwarded by the Forwarder,
 * which only knows how to pipe an IncomingMessage.
 */
class ReplayRequest extends IncomingMessage {
  onRead: (() => void) | undefined;

  // IncomingMessage._read would resume the socket; data here is pushed by createReplayRequest instead.
  override _read(): void {
    this.onRead?.();
  }
}

/** Creates a copy of `from` (method, URL, headers) on `socket` whose body is `body` followed by what is left of `rest`. */
export function createReplayRequest(from: IncomingMessage, socket: Socket, body: readonly Buffer[], rest?: IncomingMessage): IncomingMessage {
  const req = new ReplayRequest(socket);
  req.method = from.method;
  req.url = from.url;
  req.httpVersion = from.httpVersion;
  req.httpVersionMajor = from.httpVersionMajor;
  req.httpVersionMinor = from.httpVersionMinor;
  // Copies, because forwarding adds X-Forwarded-* and strips hop-by-hop fields in place.
  req.headers = { ...from.headers };
  req.rawHeaders = [...from.rawHeaders];
  for (const chunk of body) req.push(chunk);
  const finish = (): void => {
    // `complete` tells IncomingMessage's destroy that the body was whole, so it leaves the socket alone.
    req.complete = true;
    req.push(null);
  };
  if (!rest) {
    finish();
    return req;
  }
  rest.on('data', (chunk: Buffer) => {
    if (!req.push(chunk)) rest.pause();
  });
  rest.once('end', finish);
  rest.once('error', (error) => req.destroy(error));
  // A client that goes away mid-body ends `rest` without 'end': the replay must not wait forever.
  rest.once('close', () => {
    if (!rest.complete) req.destroy(new Error('client closed the request before its body ended'));
  });
  req.onRead = () => rest.resume();
  return req;
}
