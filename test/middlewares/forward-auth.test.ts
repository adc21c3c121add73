import t, { type Test } from 'tap';
import http from 'node:http';
import { forwardAuthMiddleware } from '../../middlewares/forward-auth/index.js';
import { startAuthServer } from '../helpers/auth-server.js';
import { startBackend } from '../helpers/backends.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import type { Echo } from '../helpers/traffic-control.js';

const auth = await startAuthServer();
let backendHits = 0;
// Echoes what it received; on /cookies it also sets cookies, one of them named like the auth server's.
const backend = await startBackend((req, res) => {
  backendHits++;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
    if (req.url!.startsWith('/cookies')) headers['set-cookie'] = ['auth_session=stale', 'app=1'];
    res.writeHead(200, headers);
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
  });
});
const address = `${auth.url}/verify?from=gateway`;
const fa = (extra: Record<string, unknown> = {}) => ({ forwardAuth: { address, ...extra } });
const middlewares: Record<string, unknown> = {
  basic: fa({ authResponseHeaders: ['X-Auth-User'] }),
  regex: fa({ authResponseHeadersRegex: '^X-Auth-' }),
  filtered: fa({ authRequestHeaders: ['Authorization', 'X-Keep'] }),
  trusted: fa({ trustForwardHeader: true }),
  cookies: fa({ addAuthCookiesToResponse: ['auth_session'] }),
  body: fa({ forwardBody: true, maxBodySize: 10, preserveRequestMethod: true }),
  signin: fa({ authSigninURL: 'https://login.example/start' }),
  preserve: fa({ preserveLocationHeader: true }),
  small: fa({ maxResponseBodySize: 5 }),
  down: { forwardAuth: { address: 'http://127.0.0.1:1/verify' } },
};
const routers = Object.fromEntries(Object.keys(middlewares).map((name) => [name, { rule: `PathPrefix(\`/${name}\`)`, service: 'echo', middlewares: [name] }]));
// The entry point trusts the client's forwarding headers, so only forwardAuth itself can drop them.
const gw = await startTestGateway({
  middlewares: [forwardAuthMiddleware],
  static: { entryPoints: { web: { forwardedHeaders: { trustedIPs: ['127.0.0.1'] } } } },
  dynamic: { 'fa.yaml': { http: { routers, middlewares, services: { echo: { loadBalancer: { servers: [{ url: backend.url }] } } } } } },
});
// Keep-alive, so a `Connection: close` relayed from the auth server would show.
const agent = new http.Agent({ keepAlive: true });
t.teardown(async () => {
  agent.destroy();
  await gw.close();
  await backend.close();
  await auth.close();
});

interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http, so Set-Cookie arrays and the exact Location are visible. */
function send(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request(gw.url(path), { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const good = { authorization: 'Bearer good' };

t.test('what the auth server receives', async (t) => {
  const cases: Array<{ name: string; path: string; headers?: Record<string, string>; check(t: Test, seen: (typeof auth.seen)[number]): void }> = [
    {
      name: 'a GET to the address with the X-Forwarded-* set of the original request',
      path: '/basic/page?q=1',
      headers: { ...good, 'x-custom': 'yes' },
      check(t, seen) {
        t.equal(seen.method, 'GET');
        t.equal(seen.url, '/verify?from=gateway');
        t.equal(seen.headers.host, new URL(auth.url).host, 'Host is the auth server');
        t.equal(seen.headers['x-forwarded-method'], 'POST');
        t.equal(seen.headers['x-forwarded-proto'], 'http');
        t.equal(seen.headers['x-forwarded-host'], 'app.test:8000');
        t.equal(seen.headers['x-forwarded-port'], '8000');
        t.equal(seen.headers['x-forwarded-uri'], '/basic/page?q=1');
        t.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
        t.equal(seen.headers['x-custom'], 'yes', 'client headers are passed on');
        t.equal(seen.headers.authorization, 'Bearer good');
        t.equal(seen.body, '', 'no body without forwardBody');
        t.equal(seen.headers['user-agent'], undefined, 'no User-Agent is invented');
      },
    },
    {
      name: 'client-supplied X-Forwarded-* (Prefix included) never reach it untrusted (GHSA-6384-m2mw-rf54)',
      path: '/basic',
      headers: { ...good, 'x-forwarded-prefix': '/admin', x_forwarded_prefix: '/admin', 'x-forwarded-uri': '/public', 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil.test' },
      check(t, seen) {
        t.equal(seen.headers['x-forwarded-prefix'], undefined);
        t.equal(seen.headers.x_forwarded_prefix, undefined, 'nor its underscore alias');
        t.equal(seen.headers['x-forwarded-uri'], '/basic');
        t.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
        t.equal(seen.headers['x-forwarded-host'], 'app.test:8000');
      },
    },
    {
      name: 'with trustForwardHeader the client values are kept and the peer appended',
      path: '/trusted',
      headers: { ...good, 'x-forwarded-prefix': '/api', 'x-forwarded-uri': '/orig', 'x-forwarded-for': '203.0.113.1', 'x-forwarded-proto': 'https' },
      check(t, seen) {
        t.equal(seen.headers['x-forwarded-prefix'], '/api');
        t.equal(seen.headers['x-forwarded-uri'], '/orig');
        t.equal(seen.headers['x-forwarded-for'], '203.0.113.1, 127.0.0.1');
        t.equal(seen.headers['x-forwarded-proto'], 'https');
      },
    },
    {
      name: 'authRequestHeaders limits the client headers sent',
      path: '/filtered',
      headers: { ...good, 'x-keep': 'k', 'x-drop': 'd', 'user-agent': 'curl/8' },
      check(t, seen) {
        t.equal(seen.headers['x-keep'], 'k');
        t.equal(seen.headers.authorization, 'Bearer good');
        t.equal(seen.headers['x-drop'], undefined);
        t.equal(seen.headers['user-agent'], undefined);
        t.equal(seen.headers['x-forwarded-uri'], '/filtered', 'the X-Forwarded-* set is still sent');
      },
    },
    {
      name: 'hop-by-hop headers and the ones Connection names are not sent',
      path: '/basic',
      headers: { ...good, connection: 'keep-alive, x-hop', 'x-hop': 'h', 'keep-alive': 'timeout=5' },
      check(t, seen) {
        t.equal(seen.headers['x-hop'], undefined);
        t.equal(seen.headers['keep-alive'], undefined);
      },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const before = auth.seen.length;
      const res = await send(c.path, { host: 'app.test:8000', ...c.headers }, c.path === '/basic/page?q=1' ? 'POST' : 'GET');
      t.equal(res.status, 200);
      t.equal(auth.seen.length, before + 1, 'one auth request');
      c.check(t, auth.seen.at(-1)!);
    });
  }
});

t.test('what the client and the server see', async (t) => {
  const cases: Array<{ name: string; path: string; headers?: Record<string, string>; status: number; body?: string; clientHeaders?: Record<string, unknown>; backend?: Record<string, unknown>; reachesBackend?: boolean }> = [
    {
      name: 'without credentials the auth server answer (status, headers, body) is relayed',
      path: '/basic',
      status: 401,
      body: 'login please',
      clientHeaders: { 'www-authenticate': 'Bearer realm="app"', 'x-reason': 'missing', 'content-type': 'text/plain', connection: 'keep-alive' },
      reachesBackend: false,
    },
    {
      name: 'on 2xx the listed auth response headers replace the client ones',
      path: '/basic',
      headers: { ...good, 'x-auth-user': 'spoofed', 'x-auth-role': 'client-role' },
      status: 200,
      backend: { 'x-auth-user': 'alice', 'x-auth-role': 'client-role', 'x-other': undefined },
    },
    {
      name: 'authResponseHeadersRegex copies every matching header and drops matching client ones',
      path: '/regex',
      headers: { ...good, 'x-auth-spoof': 'evil' },
      status: 200,
      backend: { 'x-auth-user': 'alice', 'x-auth-role': 'admin', 'x-auth-spoof': undefined, 'x-other': undefined },
    },
    {
      name: "a relative Location is resolved against the address",
      path: '/basic',
      headers: { authorization: 'Bearer redirect' },
      status: 302,
      body: 'go',
      clientHeaders: { location: `${auth.url}/login?next=1`, 'x-reason': 'redirect' },
      reachesBackend: false,
    },
    { name: 'preserveLocationHeader relays Location as sent', path: '/preserve', headers: { authorization: 'Bearer redirect' }, status: 302, clientHeaders: { location: '/login?next=1' } },
    { name: 'authSigninURL turns a 401 into a redirect', path: '/signin', status: 302, clientHeaders: { location: 'https://login.example/start' }, reachesBackend: false },
    { name: 'authSigninURL leaves other denials alone', path: '/signin', headers: { authorization: 'Bearer big' }, status: 403 },
    { name: 'an auth server 500 is relayed', path: '/basic', headers: { authorization: 'Bearer boom' }, status: 500, body: 'auth down' },
    { name: 'an auth answer larger than maxResponseBodySize gives 401', path: '/small', headers: { authorization: 'Bearer big' }, status: 401, body: '401 Unauthorized\n' },
    { name: 'a small enough auth answer passes maxResponseBodySize', path: '/small', headers: good, status: 200 },
    { name: 'an unreachable auth server gives 500', path: '/down', headers: good, status: 500, body: '500 Internal Server Error\n', reachesBackend: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const hits = backendHits;
      const res = await send(c.path, c.headers);
      t.equal(res.status, c.status, 'status');
      if (c.body !== undefined) t.equal(res.body, c.body, 'body');
      for (const [name, value] of Object.entries(c.clientHeaders ?? {})) t.same(res.headers[name], value, `client sees ${name}`);
      if (c.reachesBackend === false) t.equal(backendHits, hits, 'the server is not reached');
      if (c.backend) {
        const echo = JSON.parse(res.body) as Echo;
        for (const [name, value] of Object.entries(c.backend)) t.same(echo.headers[name], value, `server sees ${name}`);
      }
    });
  }
});

t.test('addAuthCookiesToResponse puts the listed auth cookies on the response', async (t) => {
  const res = await send('/cookies', good);
  t.equal(res.status, 200);
  t.same(res.headers['set-cookie'], ['app=1', 'auth_session=abc; Path=/'], 'the listed cookie replaces the server one; unlisted auth cookies stay out');
  const denied = await send('/cookies');
  t.equal(denied.status, 401);
});

t.test('forwardBody sends the body to the auth server and still to the server', async (t) => {
  const before = auth.seen.length;
  const res = await send('/body', { ...good, 'content-type': 'text/plain' }, 'POST', 'hello');
  t.equal(res.status, 200);
  const seen = auth.seen.at(-1)!;
  t.equal(auth.seen.length, before + 1);
  t.equal(seen.method, 'POST', 'preserveRequestMethod keeps the method');
  t.equal(seen.body, 'hello');
  t.equal(seen.headers['content-length'], '5');
  const echo = JSON.parse(res.body) as Echo;
  t.equal(echo.body, 'hello', 'the server gets the body too');
  t.equal(echo.method, 'POST');

  const empty = await send('/body', good);
  t.equal(empty.status, 200, 'a request without a body passes');
  t.equal(auth.seen.at(-1)!.method, 'GET');
  t.equal(auth.seen.at(-1)!.headers['content-length'], undefined, 'and sends none');

  const hits = backendHits;
  const big = await send('/body', good, 'POST', 'x'.repeat(11));
  t.equal(big.status, 401, 'a body over maxBodySize gives 401');
  t.equal(auth.seen.length, before + 2, 'without asking the auth server');
  t.equal(backendHits, hits, 'or the server');
});
