import t from 'tap';
import zlib from 'node:zlib';
import http, { type ServerResponse } from 'node:http';
import { compressMiddleware } from '../../middlewares/compress/index.js';
import { zstdAvailable } from '../../middlewares/compress/encoders.js';
import { contentTypeMiddleware } from '../../middlewares/content-type.js';
import { errorsMiddleware } from '../../middlewares/errors/index.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { decodeBody, httpRequest } from '../helpers/raw-http.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

const BIG = 'Switchyard compresses this sentence again and again. '.repeat(80);
const HTML = `<html><body>${BIG}</body></html>`;
let held: ServerResponse | undefined;

const backend = await startBackend((req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  const send = (headers: Record<string, string | number>, body: string | Buffer, status = 200): void => {
    res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  if (path === '/html') return send({ 'content-type': 'text/html; charset=utf-8' }, BIG);
  if (path === '/json') return send({ 'content-type': 'application/json' }, JSON.stringify({ text: BIG }));
  if (path === '/png') return send({ 'content-type': 'image/png' }, BIG);
  if (path === '/small') return send({ 'content-type': 'text/plain' }, BIG.slice(0, 100));
  if (path === '/untyped') return send({}, HTML);
  if (path === '/encoded') return send({ 'content-type': 'text/plain', 'content-encoding': 'gzip' }, zlib.gzipSync(BIG));
  if (path === '/grpc') return send({ 'content-type': 'application/grpc' }, BIG);
  if (path === '/vary') return send({ 'content-type': 'text/plain', vary: 'Origin' }, BIG);
  if (path === '/ranges') return send({ 'content-type': 'text/plain', 'accept-ranges': 'bytes' }, BIG);
  if (path === '/204') return send({}, '', 204);
  if (path === '/304') return send({ etag: '"v1"' }, '', 304);
  if (path === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    return res.end(`data: ${BIG}\n\n`);
  }
  if (path === '/chunked' || path === '/chunked-small') {
    // No Content-Length: the middleware must buffer to decide.
    res.writeHead(200, { 'content-type': 'text/plain' });
    const body = path === '/chunked' ? BIG : BIG.slice(0, 600);
    res.write(body.slice(0, 300));
    setTimeout(() => res.end(body.slice(300)), 5);
    return;
  }
  if (path === '/hold') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(BIG.slice(0, 2000));
    held = res;
    return;
  }
  send({ 'content-type': 'text/plain' }, 'not found', 404);
});

const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const middlewares: Record<string, unknown> = {
  default: { compress: {} },
  gzonly: { compress: { encodings: ['gzip'] } },
  brfirst: { compress: { encodings: ['br', 'gzip'] } },
  withdefault: { compress: { defaultEncoding: 'gzip' } },
  included: { compress: { includedContentTypes: ['text/html'] } },
  excluded: { compress: { excludedContentTypes: ['text/plain', 'text/html'] } },
  tiny: { compress: { minResponseBodyBytes: 10 } },
  huge: { compress: { minResponseBodyBytes: 100000 } },
};
const routers = Object.fromEntries(Object.keys(middlewares).map((m) => [m, { rule: `Host(\`${m}.test\`)`, service: 'backend', middlewares: [m] }]));
const gw = await startTestGateway({
  middlewares: [compressMiddleware],
  dynamic: { 'compress.yaml': { http: { routers, middlewares, services: { backend: service } } } },
});
t.teardown(async () => {
  held?.destroy();
  await gw.close();
  await backend.close();
});

interface Case {
  name: string;
  host?: string;
  path: string;
  accept?: string;
  method?: string;
  headers?: Record<string, string>;
  encoding?: string;
  vary?: string;
  body?: string;
  check?: (headers: http.IncomingHttpHeaders) => void;
}

t.test('what the client receives', async (t) => {
  const cases: Case[] = [
    { name: 'gzip is chosen for a client accepting gzip', path: '/html', accept: 'gzip', encoding: 'gzip', vary: 'Accept-Encoding' },
    { name: 'the configured order breaks ties between equally weighted codings', path: '/html', accept: 'br, zstd, gzip', encoding: 'gzip' },
    { name: 'a higher q-value wins over the configured order', path: '/html', accept: 'gzip;q=0.5, br;q=1', encoding: 'br' },
    { name: 'q=0 excludes a coding', path: '/html', accept: 'gzip;q=0, br', encoding: 'br' },
    { name: 'a coding list of br first prefers br', host: 'brfirst', path: '/html', accept: 'gzip, br', encoding: 'br' },
    { name: 'only configured codings are used', host: 'gzonly', path: '/html', accept: 'br', encoding: undefined, vary: 'Accept-Encoding' },
    { name: 'a wildcard picks br when no default is set, as Traefik', path: '/html', accept: '*', encoding: 'br' },
    { name: 'a wildcard picks the defaultEncoding', host: 'withdefault', path: '/html', accept: '*', encoding: 'gzip' },
    { name: 'no Accept-Encoding means no compression', path: '/html', encoding: undefined },
    { name: 'no Accept-Encoding uses the defaultEncoding when set', host: 'withdefault', path: '/html', encoding: 'gzip' },
    { name: 'an empty Accept-Encoding means no compression', path: '/html', accept: '', encoding: undefined },
    { name: 'an unknown coding means no compression', path: '/html', accept: 'deflate', encoding: undefined },
    { name: 'JSON is compressed', path: '/json', accept: 'gzip', encoding: 'gzip', body: JSON.stringify({ text: BIG }) },
    { name: 'a body without Content-Length is compressed once it passes the minimum', path: '/chunked', accept: 'gzip', encoding: 'gzip' },
    { name: 'a small body is sent as is', path: '/small', accept: 'gzip', encoding: undefined, body: BIG.slice(0, 100) },
    { name: 'a small body without Content-Length is sent as is, with its length', path: '/chunked-small', accept: 'gzip', encoding: undefined, body: BIG.slice(0, 600), check: (h) => t.equal(h['content-length'], '600') },
    { name: 'minResponseBodyBytes lowers the threshold', host: 'tiny', path: '/small', accept: 'gzip', encoding: 'gzip', body: BIG.slice(0, 100) },
    { name: 'minResponseBodyBytes raises the threshold', host: 'huge', path: '/chunked', accept: 'gzip', encoding: undefined },
    { name: 'an already encoded response is not encoded twice', path: '/encoded', accept: 'gzip', encoding: 'gzip', vary: undefined },
    { name: 'HEAD is left alone', path: '/html', method: 'HEAD', accept: 'gzip', encoding: undefined, body: '' },
    { name: 'a Range request is left alone', path: '/ranges', accept: 'gzip', headers: { range: 'bytes=0-10' }, encoding: undefined },
    { name: 'Accept-Ranges is dropped from a compressed response', path: '/ranges', accept: 'gzip', encoding: 'gzip', check: (h) => t.equal(h['accept-ranges'], undefined) },
    { name: 'server-sent events are never compressed', path: '/sse', accept: 'gzip', encoding: undefined, body: `data: ${BIG}\n\n` },
    { name: 'gRPC is never compressed', path: '/grpc', accept: 'gzip', encoding: undefined },
    { name: '204 is left alone', path: '/204', accept: 'gzip', encoding: undefined, body: '' },
    { name: '304 is left alone', path: '/304', accept: 'gzip', encoding: undefined, body: '' },
    { name: 'an existing Vary keeps its value and gains Accept-Encoding', path: '/vary', accept: 'gzip', encoding: 'gzip', vary: 'Origin, Accept-Encoding' },
    { name: 'includedContentTypes compresses a listed type', host: 'included', path: '/html', accept: 'gzip', encoding: 'gzip' },
    { name: 'includedContentTypes leaves an unlisted type', host: 'included', path: '/json', accept: 'gzip', encoding: undefined, body: JSON.stringify({ text: BIG }) },
    { name: 'includedContentTypes sniffs a missing Content-Type (HTML here)', host: 'included', path: '/untyped', accept: 'gzip', encoding: 'gzip', body: HTML, check: (h) => t.equal(h['content-type'], undefined, 'the sniffed type is not added') },
    { name: 'excludedContentTypes leaves a listed type', host: 'excluded', path: '/html', accept: 'gzip', encoding: undefined },
    { name: 'excludedContentTypes sniffs a missing Content-Type', host: 'excluded', path: '/untyped', accept: 'gzip', encoding: undefined, body: HTML },
    { name: 'excludedContentTypes compresses other types', host: 'excluded', path: '/png', accept: 'gzip', encoding: 'gzip' },
  ];
  if (zstdAvailable) cases.push({ name: 'zstd is used when it is the only accepted coding', path: '/html', accept: 'zstd', encoding: 'zstd' });
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const headers: Record<string, string> = { host: `${c.host ?? 'default'}.test`, ...c.headers };
      if (c.accept !== undefined) headers['accept-encoding'] = c.accept;
      const res = await httpRequest(gw.url(c.path), { method: c.method, headers });
      t.equal(res.status, c.path === '/204' ? 204 : c.path === '/304' ? 304 : 200);
      const expectedEncoding = c.path === '/encoded' ? 'gzip' : c.encoding;
      t.equal(res.headers['content-encoding'], expectedEncoding, 'Content-Encoding');
      if ('vary' in c) t.equal(res.headers.vary, c.vary, 'Vary');
      if (c.encoding && c.path !== '/encoded') t.equal(res.headers['content-length'], undefined, 'no Content-Length when compressing');
      const decoded = decodeBody(res.body, res.headers['content-encoding'] as string | undefined).toString();
      t.equal(decoded, c.body ?? BIG, 'the body decodes to what the server sent');
      c.check?.(res.headers);
    });
  }
});

t.test('a streamed body reaches the client before the server ends it', async (t) => {
  const result = await new Promise<string>((resolve, reject) => {
    const req = http.get(gw.url('/hold'), { headers: { host: 'default.test', 'accept-encoding': 'gzip' }, agent: false }, (res) => {
      t.equal(res.headers['content-encoding'], 'gzip');
      const gunzip = zlib.createGunzip();
      let text = '';
      res.pipe(gunzip);
      gunzip.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        // The server has sent 2000 bytes and is still holding the response open.
        if (text.length >= 2000 && held) {
          held.end();
          held = undefined;
        }
      });
      gunzip.on('end', () => resolve(text));
      gunzip.on('error', reject);
    });
    req.on('error', reject);
  });
  t.equal(result, BIG.slice(0, 2000));
});

t.test('a large body keeps its bytes through backpressure', async (t) => {
  const big = await startBackend((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let i = 0;
    const pump = (): void => {
      while (i < 400) {
        const line = `line ${i++} ${'x'.repeat(5000)}\n`;
        if (!res.write(line)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  t.teardown(() => big.close());
  await gw.writeDynamic('big.yaml', { http: { routers: { big: { rule: 'Host(`big.test`)', service: 'big', middlewares: ['default'] } }, services: { big: { loadBalancer: { servers: [{ url: big.url }] } } } } });
  const res = await httpRequest(gw.url('/'), { headers: { host: 'big.test', 'accept-encoding': 'br' } });
  t.equal(res.headers['content-encoding'], 'br');
  const text = decodeBody(res.body, 'br').toString();
  t.equal(text.split('\n').length, 401);
  t.ok(text.startsWith('line 0 ') && text.includes('line 399 '));
  t.ok(res.body.length < text.length / 10, 'it is compressed');
});

t.test('configuration errors', async (t) => {
  const echo = await startEchoBackend();
  t.teardown(() => echo.close());
  await checkConfigErrors(t, gw, echo.url, [
    { name: 'an empty encodings list is rejected', config: { compress: { encodings: [] } }, error: /encodings: at least one encoding must be specified/ },
    { name: 'an unknown encoding is rejected', config: { compress: { encodings: ['gzip', 'deflate'] } }, error: /encodings\[1\]: unsupported encoding "deflate"/ },
    { name: 'a defaultEncoding outside encodings is rejected', config: { compress: { encodings: ['gzip'], defaultEncoding: 'br' } }, error: /defaultEncoding: "br" is not one of encodings/ },
    { name: 'both content-type lists are rejected', config: { compress: { includedContentTypes: ['text/html'], excludedContentTypes: ['image/png'] } }, error: /excludedContentTypes and includedContentTypes are mutually exclusive/ },
    { name: 'an invalid media type is rejected', config: { compress: { excludedContentTypes: ['text'] } }, error: /excludedContentTypes\[0\]: invalid media type "text"/ },
    { name: 'a negative minimum is rejected', config: { compress: { minResponseBodyBytes: -1 } }, error: /minResponseBodyBytes/ },
    { name: 'an unknown option is rejected', config: { compress: { level: 9 } }, error: /level|additional/ },
  ]);
});

t.test('in a chain with contentType and errors', async (t) => {
  const pages = await startBackend((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(HTML);
  });
  t.teardown(() => pages.close());
  const chained = await startTestGateway({
    middlewares: [compressMiddleware, contentTypeMiddleware, errorsMiddleware],
    dynamic: {
      'chain.yaml': {
        http: {
          routers: { app: { rule: 'PathPrefix(`/`)', service: 'backend', middlewares: ['zip', 'sniff', 'pages'] } },
          middlewares: {
            zip: { compress: { includedContentTypes: ['text/html'] } },
            sniff: { contentType: {} },
            pages: { errors: { status: ['404'], service: 'pages' } },
          },
          services: { backend: service, pages: { loadBalancer: { servers: [{ url: pages.url }] } } },
        },
      },
    },
  });
  t.teardown(() => chained.close());
  const sniffed = await httpRequest(chained.url('/untyped'), { headers: { 'accept-encoding': 'gzip' } });
  t.equal(sniffed.headers['content-type'], 'text/html; charset=utf-8', 'contentType (inner) typed the body');
  t.equal(sniffed.headers['content-encoding'], 'gzip', 'so compress (outer) compressed it');
  t.equal(decodeBody(sniffed.body, 'gzip').toString(), HTML);
  const page = await httpRequest(chained.url('/missing'), { headers: { 'accept-encoding': 'gzip' } });
  t.equal(page.status, 404, 'the error page keeps the status');
  t.equal(page.headers['content-encoding'], 'gzip', 'and is compressed like any response');
  t.equal(decodeBody(page.body, 'gzip').toString(), HTML);
});
