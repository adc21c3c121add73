import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasRequestBody } from '../http/request-body.js';

/**
 * Calls `onIdle` when a request body stops arriving for `idleMs` (CVE-2024-28869: with
 * `readTimeout: 0s` a request announcing a body it never sends held its connection forever).
 * Progress is any body byte, read or still buffered. Time during which received bytes wait in the
 * gateway (the server reads slowly) does not count: only a client that has nothing pending and
 * sends nothing is cut off, so slow but steady uploads of any length still pass (Traefik #10654).
 */
export function watchBodyIdle(req: IncomingMessage, res: ServerResponse, idleMs: number, onIdle: () => void): void {
  if (!hasBody(req)) return;
  let consumed = 0;
  let seen = -1;
  let lastProgress = Date.now();
  // prependListener, unlike on(), does not switch the stream to flowing mode: whoever reads the body still decides when.
  const count = (chunk: Buffer | string) => void (consumed += chunk.length);
  req.prependListener('data', count);
  const timer = setInterval(
    () => {
      if (req.complete) return stop();
      const progress = consumed + req.readableLength;
      // Bytes still buffered mean the gateway, not the client, is behind: whoever reads the body has not taken them yet.
      const heldBack = req.readableLength > 0;
      if (progress !== seen || heldBack) {
        seen = progress;
        lastProgress = Date.now();
        return;
      }
      if (Date.now() - lastProgress < idleMs) return;
      stop();
      onIdle();
    },
    Math.max(50, Math.floor(idleMs / 4)),
  );
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    req.removeListener('data', count);
  };
  req.once('end', stop);
  req.once('close', stop);
  res.once('close', stop);
}

// Checked first by watchBodyIdle, so a bodiless request (nearly all) allocates nothing for the watch.
function hasBody(req: IncomingMessage): boolean {
  const stream = (req as { stream?: { endAfterHeaders?: boolean } }).stream;
  if (stream) return !stream.endAfterHeaders;
  return hasRequestBody(req);
}
