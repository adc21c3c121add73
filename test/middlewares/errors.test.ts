import t, { type Test } from 'tap';
import { errorsMiddleware } from '../../middlewares/errors/index.js';
import { queryEscape } from '../../middlewares/errors/status-ranges.js';
import { startBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-port.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { httpRequest } from '../helpers/raw-http.js';
import { checkConfigErrors, startEchoBackend } from '../helpers/traffic-control.js';

const server = await startBackend((req, res) => {
  const status = Number(/\/status\/(\d+)/.exec(req.url!)?.[1] ?? 200);
  req.resume();
  res.writeHead(status, { 'content-type': 'text/plain', 'x-from': 'server' });
  res.end(`server says ${status}`);
});
const pages = await startBackend((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-page': 'yes' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
});
const downPort = await freePort();

const errorsWith = (extra: Record<string, unknown>) => ({ errors: { status: ['500-599'], service: 'pages', query: '/page/{status}?was={originalStatus}&url={url}', ...extra } });
const middlewares: Record<string, unknown> = {
  fivexx: errorsWith({}),
  list: errorsWith({ status: ['401,403'] }),
  rewrite: errorsWith({ status: ['410-418', '500'], statusRewrites: { '418': 404, '410-417': 410, '500': 503 } }),
  someheaders: errorsWith({ errorRequestHeaders: ['X-Keep'] }),
  plainquery: { errors: { status: ['500'], service: 'pages' } },
  deadpages: { errors: { status: ['500'], service: 'down' } },
};
const routers: Record<string, unknown> = Object.fromEntries(Object.keys(middlewares).map((m) => [m, { rule: `Host(\`${m}.test\`)`, service: 'server', middlewares: [m] }]));
routers.unreachable = { rule: 'Host(`unreachable.test`)', service: 'down', middlewares: ['fivexx'] };
const gw = await startTestGateway({
  middlewares: [errorsMiddleware],
  dynamic: {
    'errors.yaml': {
      http: {
        routers,
        middlewares,
        services: {
          server: { loadBalancer: { servers: [{ url: server.url }] } },
          pages: { loadBalancer: { servers: [{ url: pages.url }] } },
          down: { loadBalancer: { servers: [{ url: `http://127.0.0.1:${downPort}` }] } },
        },
      },
    },
  },
});
t.teardown(async () => {
  await gw.close();
  await server.close();
  await pages.close();
});

interface PageEcho {
  method: string;
  url: string;
  headers: Record<string, string>;
}

t.test('what the client and the error service see', async (t) => {
  const cases: Array<{
    name: string;
    host: string;
    path: string;
    method?: string;
    headers?: Record<string, string>;
    status: number;
    page?: string;
    body?: string;
    check?: (t: Test, page: PageEcho) => void;
  }> = [
    { name: 'a caught 500 is answered with the page and the status 500', host: 'fivexx', path: '/status/500', status: 500, page: `/page/500?was=500&url=${queryEscape('/status/500')}` },
    { name: 'the end of an inclusive range is caught', host: 'fivexx', path: '/status/599', status: 599, page: `/page/599?was=599&url=${queryEscape('/status/599')}` },
    { name: 'a status outside the ranges passes unchanged', host: 'fivexx', path: '/status/404', status: 404, body: 'server says 404' },
    { name: 'a success passes unchanged', host: 'fivexx', path: '/status/200', status: 200, body: 'server says 200' },
    { name: 'a comma list catches each listed status', host: 'list', path: '/status/403', status: 403, page: `/page/403?was=403&url=${queryEscape('/status/403')}` },
    { name: 'a status between listed ones is not caught', host: 'list', path: '/status/402', status: 402, body: 'server says 402' },
    { name: 'statusRewrites changes the status and {status}, {originalStatus} keeps the server\'s', host: 'rewrite', path: '/status/418', status: 404, page: `/page/404?was=418&url=${queryEscape('/status/418')}` },
    { name: 'a rewrite keyed by a range applies to the range', host: 'rewrite', path: '/status/412', status: 410, page: `/page/410?was=412&url=${queryEscape('/status/412')}` },
    { name: 'a rewrite keyed by a single status applies to it', host: 'rewrite', path: '/status/500', status: 503, page: `/page/503?was=500&url=${queryEscape('/status/500')}` },
    {
      name: '{url} is the request path and query, query-escaped',
      host: 'fivexx',
      path: '/status/502?q=a%20b&x=1',
      status: 502,
      page: `/page/502?was=502&url=${queryEscape('/status/502?q=a%20b&x=1')}`,
    },
    { name: 'without query the page is asked at /', host: 'plainquery', path: '/status/500', status: 500, page: '/' },
    {
      name: 'every request header goes to the error service by default',
      host: 'fivexx',
      path: '/status/500',
      headers: { 'x-keep': 'k', 'x-drop': 'd' },
      status: 500,
      check: (t, page) => {
        t.equal(page.headers['x-keep'], 'k');
        t.equal(page.headers['x-drop'], 'd');
        t.equal(page.headers.host, 'fivexx.test', 'the Host is the client\'s');
      },
    },
    {
      name: 'errorRequestHeaders limits the headers sent, Host always goes',
      host: 'someheaders',
      path: '/status/500',
      headers: { 'x-keep': 'k', 'x-drop': 'd' },
      status: 500,
      check: (t, page) => {
        t.equal(page.headers['x-keep'], 'k');
        t.equal(page.headers['x-drop'], undefined);
        t.equal(page.headers.host, 'someheaders.test');
      },
    },
    {
      name: 'the page is asked with GET and no body whatever the request was',
      host: 'fivexx',
      path: '/status/500',
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      status: 500,
      check: (t, page) => {
        t.equal(page.method, 'GET');
        t.equal(page.headers['content-length'], undefined);
      },
    },
    { name: 'the gateway\'s own 502 for an unreachable server is caught too', host: 'unreachable', path: '/x', status: 502, page: `/page/502?was=502&url=${queryEscape('/x')}` },
    { name: 'an error service that cannot answer leaves its gateway error under the caught status', host: 'deadpages', path: '/status/500', status: 500, body: 'Bad Gateway\n' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const res = await httpRequest(gw.url(c.path), { method: c.method, headers: { host: c.host + '.test', ...c.headers } });
      t.equal(res.status, c.status, 'status');
      if (c.body !== undefined) {
        t.equal(res.body.toString(), c.body, 'the body');
        return;
      }
      t.equal(res.headers['x-page'], 'yes', 'the page\'s headers reach the client');
      t.equal(res.headers['x-from'], undefined, 'the caught response\'s headers do not');
      const page = JSON.parse(res.body.toString()) as PageEcho;
      if (c.page) t.equal(page.url, c.page, 'the page request target');
      c.check?.(t, page);
    });
  }
});

t.test('HEAD gets the page\'s headers without a body', async (t) => {
  const res = await httpRequest(gw.url('/status/500'), { method: 'HEAD', headers: { host: 'fivexx.test' } });
  t.equal(res.status, 500);
  t.equal(res.headers['x-page'], 'yes');
  t.equal(res.body.length, 0);
});

t.test('configuration errors', async (t) => {
  const echo = await startEchoBackend();
  t.teardown(() => echo.close());
  await gw.writeDynamic('pages.yaml', { http: { services: { errpages: { loadBalancer: { servers: [{ url: echo.url }] } } } } });
  await checkConfigErrors(t, gw, echo.url, [
    { name: 'a status that is not a number is rejected', config: { errors: { status: ['5xx'], service: 'errpages@file' } }, error: /status\[0\]: invalid status range "5xx"/ },
    { name: 'a reversed range is rejected', config: { errors: { status: ['500', '599-500'], service: 'errpages@file' } }, error: /status\[1\]: invalid status range "599-500"/ },
    { name: 'a bad statusRewrites key is rejected', config: { errors: { status: ['500'], statusRewrites: { abc: 404 }, service: 'errpages@file' } }, error: /statusRewrites\["abc"\]: invalid status range "abc"/ },
    { name: 'a statusRewrites value outside 100-599 is rejected', config: { errors: { status: ['500'], statusRewrites: { '500': 700 }, service: 'errpages@file' } }, error: /statusRewrites/ },
    { name: 'a missing error service is rejected', config: { errors: { status: ['500'], service: 'nope' } }, error: /nope/ },
    { name: 'the service is required', config: { errors: { status: ['500'] } }, error: /service/ },
    { name: 'an empty status list is rejected', config: { errors: { status: [], service: 'errpages@file' } }, error: /status/ },
  ]);
});
