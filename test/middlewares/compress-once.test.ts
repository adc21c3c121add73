import zlib from 'node:zlib';
import t from 'tap';
import { compressMiddleware } from '../../middlewares/compress/index.js';
import { zstdAvailable } from '../../middlewares/compress/encoders.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { decodeBody, httpRequest } from '../helpers/raw-http.js';

// Issue 3: compress never encodes a body twice, whether the server already encoded it or several
// compress middlewares (entry point, router, service) are stacked on one request.
const BIG = 'Switchyard must encode this body exactly once. '.repeat(80);
const PRE: Record<string, Buffer> = {
  gzip: zlib.gzipSync(BIG),
  br: zlib.brotliCompressSync(BIG),
  ...(zstdAvailable ? { zstd: zlib.zstdCompressSync(BIG) } : {}),
};

const backend = await startBackend((req, res) => {
  const coding = new URL(req.url!, 'http://x').searchParams.get('pre');
  if (coding === 'identity') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'identity', 'content-length': Buffer.byteLength(BIG) });
    return res.end(BIG);
  }
  const body = coding ? PRE[coding]! : Buffer.from(BIG);
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, ...(coding ? { 'content-encoding': coding } : {}) });
  res.end(body);
});

const gw = await startTestGateway({
  middlewares: [compressMiddleware],
  static: { entryPoints: { web: { http: { middlewares: ['ep-br@file'] } } } },
  dynamic: {
    'compress.yaml': {
      http: {
        routers: {
          stacked: { rule: 'PathPrefix(`/stacked`)', service: 'app', middlewares: ['router-gzip', 'router-any'] },
          service: { rule: 'PathPrefix(`/service`)', service: 'compressed' },
          plain: { rule: 'PathPrefix(`/plain`)', service: 'app' },
        },
        middlewares: {
          'ep-br': { compress: { encodings: ['br', 'gzip'] } },
          'router-gzip': { compress: { encodings: ['gzip'] } },
          'router-any': { compress: {} },
          'service-zstd': { compress: { encodings: zstdAvailable ? ['zstd', 'gzip'] : ['gzip'] } },
        },
        services: {
          app: { loadBalancer: { servers: [{ url: backend.url }] } },
          compressed: { loadBalancer: { servers: [{ url: backend.url }] }, middlewares: ['service-zstd'] },
        },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

t.test('one encoding, whatever is stacked or already encoded', async (t) => {
  const cases: Array<{ name: string; path: string; accept: string; encoding: string; raw?: Buffer }> = [
    { name: 'the entry point compress alone encodes once with its first coding', path: '/plain', accept: 'gzip, br', encoding: 'br' },
    { name: 'three stacked compress middlewares encode once, by the innermost', path: '/stacked', accept: 'gzip, br', encoding: 'gzip' },
    { name: 'a service compress is the innermost and wins', path: '/service', accept: 'gzip, br, zstd', encoding: zstdAvailable ? 'zstd' : 'gzip' },
    { name: 'a gzip body from the server is relayed as sent', path: '/plain?pre=gzip', accept: 'gzip, br', encoding: 'gzip', raw: PRE.gzip },
    { name: 'a br body from the server is relayed as sent through every layer', path: '/stacked?pre=br', accept: 'gzip, br', encoding: 'br', raw: PRE.br },
    { name: 'an encoded body the client did not ask for is still not re-encoded', path: '/stacked?pre=gzip', accept: 'br', encoding: 'gzip', raw: PRE.gzip },
    { name: 'Content-Encoding identity counts as not encoded', path: '/plain?pre=identity', accept: 'br', encoding: 'br' },
  ];
  if (zstdAvailable) cases.push({ name: 'a zstd body from the server is relayed as sent', path: '/service?pre=zstd', accept: 'gzip, br, zstd', encoding: 'zstd', raw: PRE.zstd });
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const res = await httpRequest(gw.url(c.path), { headers: { 'accept-encoding': c.accept } });
      t.equal(res.status, 200);
      t.equal(res.headers['content-encoding'], c.encoding, 'exactly one Content-Encoding');
      if (c.raw) t.ok(res.body.equals(c.raw), 'the body is the bytes the server sent');
      t.equal(decodeBody(res.body, c.encoding).toString(), BIG, 'decoding once gives the original body');
      const vary = String(res.headers.vary ?? '');
      t.ok((vary.match(/accept-encoding/gi) ?? []).length <= 1, `Accept-Encoding is in Vary at most once (${vary})`);
    });
  }
});
