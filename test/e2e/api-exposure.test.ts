import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { getJson, openEvents, send, testMiddlewares } from '../src/api/api-fixture.js';

const service = { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } };

t.test('without api.insecure the API is reachable only through a user router to api@internal', async (t) => {
  const gw = await startTestGateway({
    static: { api: {} },
    middlewares: testMiddlewares,
    dynamic: {
      'api.yaml': {
        http: {
          routers: {
            api: { rule: 'Host(`admin.test`) && (PathPrefix(`/api`) || PathPrefix(`/dashboard`))', service: 'api@internal', middlewares: ['gate'] },
            prefixed: { rule: 'Host(`proxy.test`) && PathPrefix(`/admin`)', service: 'api@internal', middlewares: ['strip'] },
            dash: { rule: 'Host(`dash.test`)', service: 'dashboard@internal' },
            app: { rule: 'Host(`app.test`)', service: 's' },
          },
          services: service,
          middlewares: { gate: { testHeaderGate: { header: 'X-Key', value: 'open' } }, strip: { testStrip: { prefix: '/admin' } } },
        },
      },
    },
  });
  t.teardown(() => gw.close());
  const admin = { host: 'admin.test', 'x-key': 'open' };
  const cases: Array<[string, string, string, Record<string, string>, number, (body: any) => boolean]> = [
    ['the internal entry point does not serve /api', 'switchyard', '/api/overview', {}, 404, () => true],
    ['the internal entry point does not serve the dashboard', 'switchyard', '/dashboard/', {}, 404, () => true],
    ['the internal entry point still serves ping', 'switchyard', '/ping', {}, 200, (b) => b === 'OK'],
    ['the router middlewares guard the API', 'web', '/api/overview', { host: 'admin.test' }, 401, (b) => b === 'denied'],
    ['through the router the API answers', 'web', '/api/overview', admin, 200, (b) => b.http.routers.total === 4],
    ['lists answer with their query parameters', 'web', '/api/http/routers?search=admin&per_page=1', admin, 200, (b) => b.length === 1 && b[0].name === 'api@file'],
    ['404 bodies are the API ones', 'web', '/api/http/routers/none@file', admin, 404, (b) => b.message === 'router not found: none@file'],
    ['api@internal serves the dashboard too', 'web', '/dashboard', admin, 302, () => true],
    ['a path left by middlewares is what the API routes', 'web', '/admin/api/version', { host: 'proxy.test' }, 200, (b) => typeof b.Version === 'string'],
    ['paths the API does not know are 404', 'web', '/admin/nothing', { host: 'proxy.test' }, 404, (b) => b === '404 page not found\n'],
    ['dashboard@internal serves the dashboard', 'web', '/dashboard', { host: 'dash.test' }, 302, () => true],
    ['dashboard@internal does not serve the API', 'web', '/api/overview', { host: 'dash.test' }, 404, () => true],
    ['requests outside the rule never reach the API', 'web', '/api/overview', { host: 'app.test' }, 502, () => true],
  ];
  for (const [name, ep, path, headers, status, check] of cases) {
    const answer = await send(gw.url(path, ep), headers);
    t.equal(answer.status, status, name);
    t.ok(check(answer.body), `${name}: body`);
  }
  const api = await getJson(gw, '/api/http/routers/api@file', 'web', admin);
  t.same([api.body.service, api.body.status], ['api@internal', 'enabled'], 'a router to api@internal is enabled');
});

t.test('the event stream works through a user router', async (t) => {
  const gw = await startTestGateway({
    static: { api: {} },
    dynamic: { 'api.yaml': { http: { routers: { api: { rule: 'PathPrefix(`/api`)', service: 'api@internal' } } } } },
  });
  t.teardown(() => gw.close());
  const stream = await openEvents(gw.url('/api/events', 'web'));
  t.teardown(() => stream.close());
  t.equal(stream.status, 200);
  t.equal((await stream.next()).event, 'hello');
  await gw.writeDynamic('more.yaml', { http: { routers: { more: { rule: 'Host(`more.test`)', service: 's' } }, services: service } });
  const message = JSON.parse((await stream.next()).data!);
  t.same(message.added.routers, ['more@file']);
  stream.close();
});

t.test('api.basePath prefixes every API and dashboard path', async (t) => {
  const gw = await startTestGateway({
    static: { api: { basePath: '/switchyard/' } },
    dynamic: { 'api.yaml': { http: { routers: { api: { rule: 'PathPrefix(`/switchyard`)', service: 'api@internal' } } } } },
  });
  t.teardown(() => gw.close());
  const cases: Array<[string, string, number, string | null]> = [
    ['the API lives under the base path', '/switchyard/api/version', 200, null],
    ['its root redirects to its dashboard', '/switchyard/', 302, '/switchyard/dashboard/'],
    ['the API is not at the root', '/api/version', 404, null],
  ];
  for (const [name, path, status, location] of cases) {
    const answer = await send(gw.url(path));
    t.equal(answer.status, status, name);
    if (location) t.equal(answer.headers.location, location, `${name}: location`);
  }
});

t.test('api.insecure serves the API and the dashboard redirect on the internal entry point', async (t) => {
  const gw = await startTestGateway({ static: { api: { insecure: true } } });
  t.teardown(() => gw.close());
  const root = await send(gw.url('/', 'switchyard'));
  t.same([root.status, root.headers.location], [302, '/dashboard/']);
  t.equal((await getJson(gw, '/api/version')).status, 200);
  t.equal((await getJson(gw, '/ping')).status, 200, 'ping is still there');
});

t.test('api.dashboard false leaves the dashboard out', async (t) => {
  const gw = await startTestGateway({ static: { api: { insecure: true, dashboard: false } } });
  t.teardown(() => gw.close());
  t.equal((await send(gw.url('/', 'switchyard'))).status, 404);
  t.equal((await getJson(gw, '/api/overview')).status, 200);
});

t.test('without an api section there is no API and no api@internal', async (t) => {
  const gw = await startTestGateway({
    dynamic: { 'api.yaml': { http: { routers: { api: { rule: 'PathPrefix(`/api`)', service: 'api@internal' } } } } },
  });
  t.teardown(() => gw.close());
  t.equal((await send(gw.url('/api/overview', 'switchyard'))).status, 404, 'not on the internal entry point');
  t.equal((await send(gw.url('/api/overview'))).status, 404, 'and the router to api@internal is disabled');
  t.equal(gw.gateway.table()!.status.routers['api@file']!.status, 'disabled');
});
