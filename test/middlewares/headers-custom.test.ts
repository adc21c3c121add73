import t from 'tap';
import { headersMiddleware } from '../../middlewares/headers/index.js';
import { redirectSchemeMiddleware } from '../../middlewares/redirect-scheme.js';
import { stripPrefixMiddleware } from '../../middlewares/strip-prefix.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';
import { freePort } from '../helpers/free-port.js';
import { startBackend } from '../helpers/backends.js';

t.test('headers: custom request and response headers through a real gateway', async (t) => {
  const custom = {
    headers: {
      customRequestHeaders: { 'X-Script-Name': 'test', 'X-Remove-Me': '', 'X-Forwarded-For': '' },
      customResponseHeaders: { 'X-Custom': 'yes', Server: '', 'X-Powered-By': 'switchyard' },
    },
  };
  const cg = await startCaseGateway([headersMiddleware, redirectSchemeMiddleware, stripPrefixMiddleware], {
    custom: [custom],
    host: [{ headers: { customRequestHeaders: { Host: 'rewritten.example' } } }],
    redirect: [custom, { redirectScheme: { scheme: 'https' } }],
    rejected: [custom, { stripPrefix: { prefixes: ['/api'] } }],
  });
  t.teardown(() => cg.close());

  // The back end's own response headers, to see which win.
  const noisy = await startBackend((_req, res) => {
    res.writeHead(200, { server: 'backend/1.0', 'x-custom': 'from-backend', 'x-powered-by': 'php', 'x-other': 'kept' });
    res.end('ok');
  });
  const closed = await freePort();
  t.teardown(() => noisy.close());
  await cg.gw.writeDynamic('more.yaml', {
    http: {
      routers: {
        noisy: { rule: 'Host(`noisy.test`)', service: 'noisy', middlewares: ['custom-0'] },
        down: { rule: 'Host(`down.test`)', service: 'down', middlewares: ['custom-0'] },
      },
      services: { noisy: { loadBalancer: { servers: [{ url: noisy.url }] } }, down: { loadBalancer: { servers: [{ url: `http://127.0.0.1:${closed}` }] } } },
    },
  });

  await t.test('custom request headers are set and empty ones removed before forwarding', async (t) => {
    const reply = await cg.send('custom', '/', { headers: { 'x-remove-me': 'secret', 'x-script-name': 'client' } });
    t.equal(reply.status, 200);
    t.equal(reply.echo?.headers['x-script-name'], 'test', 'set, over the client value');
    t.notOk('x-remove-me' in (reply.echo?.headers ?? {}), 'removed');
    t.notOk('x-forwarded-for' in (reply.echo?.headers ?? {}), 'X-Forwarded-For removed, as Traefik allows');
  });

  await t.test('a custom Host request header changes the Host sent to the server', async (t) => {
    const reply = await cg.send('host', '/');
    t.equal(reply.echo?.headers.host, 'rewritten.example');
  });

  const responseCases: Array<{ name: string; route: string; status: number; custom: string | undefined; other?: string }> = [
    { name: 'custom response headers are added to the echo response', route: 'custom', status: 200, custom: 'yes' },
    { name: "custom response headers win over the server's and empty ones remove the server's", route: 'noisy', status: 200, custom: 'yes', other: 'kept' },
    { name: 'custom response headers are on a 502 the gateway produces', route: 'down', status: 502, custom: 'yes' },
    { name: 'custom response headers are on a redirect a later middleware produces', route: 'redirect', status: 302, custom: 'yes' },
    { name: 'custom response headers are on a 400 a later middleware produces', route: 'rejected', status: 400, custom: 'yes' },
  ];
  for (const c of responseCases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.route === 'rejected' ? '/api../x' : '/');
      t.equal(reply.status, c.status, 'status');
      t.equal(reply.headers['x-custom'], c.custom, 'X-Custom');
      t.equal(reply.headers['x-powered-by'], 'switchyard', 'X-Powered-By replaced');
      t.notOk(reply.headers.server, 'Server removed');
      if (c.other) t.equal(reply.headers['x-other'], c.other, 'other server headers kept');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'a headers middleware with no option is refused', config: { headers: {} }, error: /no header option is set/ },
    { name: 'an unknown option is refused', config: { headers: { customHeaders: { a: 'b' } } }, error: /customHeaders/ },
    { name: 'a header value must be a string', config: { headers: { customRequestHeaders: { 'X-A': 1 } } }, error: /customRequestHeaders/ },
    { name: 'an invalid header name is refused', config: { headers: { customResponseHeaders: { 'Bad Name': 'x' } } }, error: /customResponseHeaders: invalid header name "Bad Name"/ },
    { name: 'a header value with a line break is refused', config: { headers: { customRequestHeaders: { 'X-A': 'a\r\nX-B: b' } } }, error: /customRequestHeaders.X-A: header value contains CR, LF or NUL/ },
  ]);
});
