import type { ServerResponse } from 'node:http';
import type { ResponseHead, ResponseSink } from '../response/intercept.js';
import type { Encoder } from './encoders.js';

/** Where the inner handler's body goes once the response is being compressed. */
export interface EncodingWriter {
  write(chunk: Buffer): boolean;
  end(): void;
}

/**
 * Sends the head with `Content-Encoding` and streams the body through the encoder. What the encoder holds
 * is flushed once per burst of writes (setImmediate), so a server that streams slowly is not held back
 * until the encoder's window fills. Backpressure runs both ways: a full client socket pauses the encoder,
 * and a full encoder makes `write` return false; its 'drain' is re-emitted on the response, which is
 * what a pipe into the response waits for.
 */
export function startEncoding(res: ServerResponse, sink: ResponseSink, encoder: Encoder, name: string, head: ResponseHead, buffered: Buffer[]): EncodingWriter {
  const { stream } = encoder;
  delete head.headers['content-length'];
  // Byte ranges would refer to the encoded bytes, which are not stable (RFC 9110 §14.1.1).
  delete head.headers['accept-ranges'];
  head.headers['content-encoding'] = name;
  sink.writeHead(head);

  let flushScheduled = false;
  let ending = false;
  const scheduleFlush = (): void => {
    if (flushScheduled || ending) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      if (!ending && !stream.destroyed) encoder.flush();
    });
  };
  stream.on('data', (out: Buffer) => {
    if (!sink.write(out)) stream.pause();
  });
  res.on('drain', () => stream.resume());
  stream.on('drain', () => res.emit('drain'));
  stream.once('end', () => sink.end());
  stream.once('error', (err) => res.destroy(err));
  res.once('close', () => {
    if (!res.writableFinished) stream.destroy();
  });
  for (const chunk of buffered) stream.write(chunk);
  scheduleFlush();
  return {
    write(chunk) {
      const ok = stream.write(chunk);
      scheduleFlush();
      return ok;
    },
    end() {
      ending = true;
      stream.end();
    },
  };
}
