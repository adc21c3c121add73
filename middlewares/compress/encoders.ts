import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

/** True when this Node.js has zstd in node:zlib (22.15+ / 23.8+); otherwise `zstd` is left out of every list. */
export const zstdAvailable = typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function';

/** A compressing stream and how to push out what it holds so far without ending it. */
export interface Encoder {
  stream: Transform;
  flush(): void;
}

/** Creates the encoder for a coding name (`gzip`, `br` or `zstd`). */
export function createEncoder(name: string): Encoder {
  if (name === 'gzip') {
    const stream = zlib.createGzip();
    // A sync flush ends the deflate block without resetting the dictionary (a full flush would).
    return { stream, flush: () => stream.flush(zlib.constants.Z_SYNC_FLUSH) };
  }
  if (name === 'br') {
    // Quality 11 (Node's default) is far too slow for a proxy on the request path; 5 is near gzip's speed.
    const stream = zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
    return { stream, flush: () => stream.flush(zlib.constants.BROTLI_OPERATION_FLUSH) };
  }
  const stream = zlib.createZstdCompress();
  return { stream, flush: () => stream.flush(zlib.constants.ZSTD_e_flush) };
}
