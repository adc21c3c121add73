import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';
import { rawRequest, statusOf } from '../helpers/raw-request.js';

// What the entry point checks once, before routing (security.md §2.2, §2.7, §2.8; RFC 9112 §3.2).
t.test('the entry point validates and canonicalises the request before routing', async (t) => {
  const backend = await startBackend((req, res) => res.end(JSON.stringify({ url: req.url, host: req.headers.host, xff: req.headers['x-forwarded-for'], headers: req.headers })));
  const service = { loadBalancer: { servers: [{ url: backend.url }] } };
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        websecure: { address: '127.0.0.1:0' },
        redirecting: { address: '127.0.0.1:0', http: { redirections: { entryPoint: { to: ':8443', scheme: 'https' } } } },
        limited: { address: '127.0.0.1:0', transport: { keepAliveMaxRequests: 2 } },
      },
    },
    dynamic: {
      'routes.yaml': {
        http: {
          routers: {
            app: { rule: 'Host(`app.test`)', service: 'svc', entryPoints: ['web'] },
            other: { rule: 'Host(`other.test`) && PathPrefix(`/x`)', service: 'svc', entryPoints: ['web'] },
            paths: { rule: 'Path(`/b`)', service: 'svc', entryPoints: ['web'] },
          },
          services: { svc: service },
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });
  const port = gw.port();

  const cases: Array<[string, string, number, RegExp?]> = [
    ['a Host rule matches whatever the port', 'GET / HTTP/1.1\r\nHost: app.test:8000\r\n\r\n', 200],
    ['a Host rule matches case-insensitively', 'GET / HTTP/1.1\r\nHost: APP.Test\r\n\r\n', 200],
    ['a Host rule tolerates a trailing dot', 'GET / HTTP/1.1\r\nHost: app.test.\r\n\r\n', 200],
    ['an unknown host gets 404', 'GET / HTTP/1.1\r\nHost: nobody.test\r\n\r\n', 404, /404 page not found/],
    ['two Host headers are refused', 'GET / HTTP/1.1\r\nHost: app.test\r\nHost: other.test\r\n\r\n', 400],
    ['a Host with a space is refused', 'GET / HTTP/1.1\r\nHost: app test\r\n\r\n', 400],
    ['a Host with a path is refused', 'GET / HTTP/1.1\r\nHost: app.test/x\r\n\r\n', 400],
    ['an absolute-form target routes on its own authority', 'GET http://other.test/x/y HTTP/1.1\r\nHost: app.test\r\n\r\n', 200, /"host":"other.test"/],
    ['a fragment in the target is refused', 'GET /b#frag HTTP/1.1\r\nHost: any.test\r\n\r\n', 400],
    ['dot segments are removed before routing', 'GET /a/../b HTTP/1.1\r\nHost: any.test\r\n\r\n', 200, /"url":"\/b"/],
    ['encoded dot segments are removed before routing', 'GET /a/%2e%2E/b HTTP/1.1\r\nHost: any.test\r\n\r\n', 200, /"url":"\/b"/],
    ['an encoded slash is refused', 'GET /a%2Fb HTTP/1.1\r\nHost: any.test\r\n\r\n', 400],
    ['the asterisk form is refused', 'GET * HTTP/1.1\r\nHost: any.test\r\n\r\n', 400],
    ['CONNECT is refused', 'CONNECT app.test:443 HTTP/1.1\r\nHost: app.test:443\r\n\r\n', 405],
    ['a spoofed X-Forwarded-For from an untrusted peer is replaced', 'GET /b HTTP/1.1\r\nHost: any.test\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n', 200, /"xff":"127\.0\.0\.1"/],
  ];
  for (const [name, bytes, status, body] of cases) {
    await t.test(name, async (t) => {
      const response = await rawRequest(port, bytes);
      t.equal(statusOf(response), status);
      if (body) t.match(response, body);
    });
  }

  const redirects: Array<[string, string, number, string]> = [
    ['GET is redirected permanently with 301', 'GET /p?q=1 HTTP/1.1\r\nHost: app.test:81\r\n\r\n', 301, 'https://app.test:8443/p?q=1'],
    ['POST is redirected permanently with 308', 'POST /p HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\n\r\n', 308, 'https://app.test:8443/p'],
  ];
  for (const [name, bytes, status, location] of redirects) {
    await t.test(`entry point redirection: ${name}`, async (t) => {
      const response = await rawRequest(gw.port('redirecting'), bytes);
      t.equal(statusOf(response), status);
      t.match(response, new RegExp(`Location: ${location.replace(/[?.]/g, '\\$&')}\r\n`, 'i'));
    });
  }

  await t.test('keepAliveMaxRequests closes the connection after that many requests', async (t) => {
    const two = await rawRequest(gw.port('limited'), 'GET /b HTTP/1.1\r\nHost: a.test\r\n\r\nGET /b HTTP/1.1\r\nHost: a.test\r\n\r\n', 3000, { untilClose: true });
    const heads = two.split('HTTP/1.1 ').slice(1);
    t.equal(heads.length, 2, 'both pipelined requests were answered');
    t.notMatch(heads[0], /Connection: close/i, 'the first keeps the connection');
    t.match(heads[1], /Connection: close/i, 'the second closes it');
  });

  await t.test('a Connection-listed header never reaches the server', async (t) => {
    const response = await rawRequest(port, 'GET /b HTTP/1.1\r\nHost: a.test\r\nConnection: X-Secret\r\nX-Secret: s\r\n\r\n');
    t.equal(statusOf(response), 200);
    t.match(response, /"x-forwarded-for"/, 'the server saw the request headers');
    t.notMatch(response, /x-secret/i, 'but not the Connection-listed one');
  });

  await t.test('routers without entryPoints attach to every public entry point', async (t) => {
    await gw.writeDynamic('more.yaml', { http: { routers: { everywhere: { rule: 'Path(`/everywhere`)', service: 'svc' } } } });
    const status = gw.gateway.table()!.status.routers['everywhere@file'];
    t.same(status?.using, ['limited', 'redirecting', 'web', 'websecure']);
    const response = await fetch(gw.url('/everywhere', 'websecure'));
    t.equal(response.status, 200);
    await response.text();
  });
});
