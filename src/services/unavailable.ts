import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS } from '../errors.js';
import { getContext } from '../http/context.js';

const TEXT = ERRORS.SY_ERR_UPSTREAM_UNAVAILABLE.text;

/** Answers 503 Service Unavailable when no server (or child service) can take the request. */
export function respondUnavailable(req: IncomingMessage, res: ServerResponse): void {
  const upgrade = getContext(req).upgrade;
  if (upgrade) {
    // A WebSocket handshake has no ServerResponse to write to: answer on the raw socket.
    upgrade.socket.end(`HTTP/1.1 503 ${TEXT}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${TEXT.length}\r\nConnection: close\r\n\r\n${TEXT}`);
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(TEXT) });
  res.end(TEXT);
}
