import http, { type IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';

/** A response as the client received it: the body is not decoded. */
export interface RawHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one request with node:http (which, unlike fetch, never decodes Content-Encoding) and collects the answer. */
export function httpRequest(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawHttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Decodes a body by its Content-Encoding (gzip, br, zstd or none). */
export function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  if (encoding === 'br') return zlib.brotliDecompressSync(body);
  if (encoding === 'zstd') return zlib.zstdDecompressSync(body);
  return body;
}
