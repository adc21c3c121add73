import t from 'tap';
import { contentTypeMiddleware } from '../../middlewares/content-type.js';
import { sniffContentType } from '../../middlewares/response/sniff.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { httpRequest } from '../helpers/raw-http.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const bodies: Record<string, Buffer | string> = {
  '/html': '  <!DOCTYPE html><html><body>hi</body></html>',
  '/xml': '<?xml version="1.0"?><a/>',
  '/pdf': '%PDF-1.7 rest',
  '/png': PNG,
  '/jpeg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
  '/gif': 'GIF89a....',
  '/json': '{"hello": "world"}',
  '/binary': Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe]),
};

const backend = await startBackend((req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  if (path === '/typed') {
    res.writeHead(200, { 'content-type': 'application/x-custom' });
    return res.end('<html><body>not html to the server</body></html>');
  }
  if (path === '/empty') return res.writeHead(200).end();
  if (path === '/204') return res.writeHead(204).end();
  // node:http never adds a Content-Type on its own: these answers carry none.
  res.writeHead(200);
  res.end(bodies[path] ?? 'plain text');
});
const service = { loadBalancer: { servers: [{ url: backend.url }] } };
const gw = await startTestGateway({
  middlewares: [contentTypeMiddleware],
  dynamic: {
    'ct.yaml': {
      http: {
        routers: {
          sniffing: { rule: 'Host(`sniff.test`)', service: 'backend', middlewares: ['sniff'] },
          legacy: { rule: 'Host(`legacy.test`)', service: 'backend', middlewares: ['legacy'] },
          plain: { rule: 'Host(`plain.test`)', service: 'backend' },
        },
        middlewares: { sniff: { contentType: {} }, legacy: { contentType: { autoDetect: true } } },
        services: { backend: service },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await backend.close();
});

t.test('the Content-Type the client sees', async (t) => {
  const cases: Array<{ name: string; host: string; path: string; method?: string; type: string | undefined; status?: number }> = [
    { name: 'HTML after leading whitespace is text/html', host: 'sniff', path: '/html', type: 'text/html; charset=utf-8' },
    { name: 'an XML declaration is text/xml', host: 'sniff', path: '/xml', type: 'text/xml; charset=utf-8' },
    { name: 'a PDF signature is application/pdf', host: 'sniff', path: '/pdf', type: 'application/pdf' },
    { name: 'a PNG signature is image/png', host: 'sniff', path: '/png', type: 'image/png' },
    { name: 'a JPEG signature is image/jpeg', host: 'sniff', path: '/jpeg', type: 'image/jpeg' },
    { name: 'a GIF signature is image/gif', host: 'sniff', path: '/gif', type: 'image/gif' },
    { name: 'JSON is plain text, as in the MIME sniffing standard', host: 'sniff', path: '/json', type: 'text/plain; charset=utf-8' },
    { name: 'bytes with control characters are application/octet-stream', host: 'sniff', path: '/binary', type: 'application/octet-stream' },
    { name: 'a Content-Type the server sent is kept', host: 'sniff', path: '/typed', type: 'application/x-custom' },
    { name: 'an empty body gets no Content-Type', host: 'sniff', path: '/empty', type: undefined },
    { name: 'a 204 gets no Content-Type', host: 'sniff', path: '/204', type: undefined, status: 204 },
    { name: 'a HEAD request is left alone', host: 'sniff', path: '/html', method: 'HEAD', type: undefined },
    { name: 'the legacy autoDetect option is accepted', host: 'legacy', path: '/pdf', type: 'application/pdf' },
    { name: 'without the middleware a missing Content-Type stays missing', host: 'plain', path: '/html', type: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const res = await httpRequest(gw.url(c.path), { method: c.method, headers: { host: `${c.host}.test` } });
      t.equal(res.status, c.status ?? 200);
      t.equal(res.headers['content-type'], c.type);
      if (c.method !== 'HEAD' && bodies[c.path] !== undefined) t.same(res.body, Buffer.from(bodies[c.path]!), 'the body is unchanged');
    });
  }
});

t.test('sniffing rules', async (t) => {
  const cases: Array<[string, Buffer | string, string]> = [
    ['a comment starts HTML', '<!-- x --><p>', 'text/html; charset=utf-8'],
    ['tag names are case-insensitive', '<HtMl>', 'text/html; charset=utf-8'],
    ['a tag must end with a space or >', '<htmlx>', 'text/plain; charset=utf-8'],
    ['a UTF-8 BOM is text', Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'text/plain; charset=utf-8'],
    ['a UTF-16LE BOM is text', Buffer.from([0xff, 0xfe, 0x41, 0]), 'text/plain; charset=utf-16le'],
    ['gzip bytes are application/x-gzip', Buffer.from([0x1f, 0x8b, 0x08, 0]), 'application/x-gzip'],
  ];
  for (const [name, body, type] of cases) t.equal(sniffContentType(Buffer.from(body)), type, name);
  t.end();
});

t.test('configuration errors', async (t) => {
  const echo = await startEchoBackend();
  t.teardown(() => echo.close());
  await checkConfigErrors(t, gw, echo.url, [
    { name: 'an unknown option is rejected', config: { contentType: { sniff: true } }, error: /sniff|additional/ },
    { name: 'autoDetect must be a boolean', config: { contentType: { autoDetect: 'yes' } }, error: /autoDetect/ },
  ]);
});
