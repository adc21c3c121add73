import type { IncomingMessage } from 'node:http';

/** A body read into memory; `complete` is false when it outgrew the limit and the rest is still unread in the request. */
export interface ReadBody {
  chunks: Buffer[];
  complete: boolean;
}

/**
 * Reads the request body up to `limit` bytes (negative: no limit). On overflow the request is left
 * paused right after the chunk that crossed the limit, so the caller can replay what was read and pipe the rest.
 * Rejects when the client goes away first.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (limit < 0 || size <= limit) return;
      req.pause();
      cleanup();
      resolve({ chunks, complete: false });
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ chunks, complete: true });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('client closed the request before its body ended'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}
