import t from 'tap';
import { readFileSync } from 'node:fs';
import { getJson, startApiGateway } from '../src/api/api-fixture.js';

const fixture = await startApiGateway();
t.teardown(() => fixture.close());
const { gw } = fixture;
const names = (body: Array<{ name: string }>) => body.map((item) => item.name);

t.test('router lists honour every filter and sort parameter', async (t) => {
  const cases: Array<[string, string, string[]]> = [
    ['with no parameter routers come sorted by name', '', ['alpha@file', 'beta@file', 'broken@file', 'delta@other', 'gamma@file', 'warned@file']],
    ['status keeps routers of that status', 'status=disabled', ['broken@file']],
    ['status is compared without case', 'status=WARNING', ['warned@file']],
    ['search looks into rules without case', 'search=PATHPREFIX', ['beta@file']],
    ['search looks into names', 'search=delta', ['delta@other']],
    ['a qualified serviceName matches qualified and unqualified references', 'serviceName=svc-a@file', ['alpha@file', 'delta@other', 'gamma@file']],
    ['an unqualified serviceName matches only unqualified references', 'serviceName=svc-a', ['alpha@file']],
    ['middlewareName is membership in the router list as written', 'middlewareName=gate', ['alpha@file', 'warned@file']],
    ['middlewareName does not qualify names', 'middlewareName=gate@file', []],
    ['filters combine', 'middlewareName=gate&status=enabled', ['alpha@file']],
    ['sortBy=priority sorts ascending, ties by name', 'sortBy=priority', ['delta@other', 'alpha@file', 'broken@file', 'warned@file', 'gamma@file', 'beta@file']],
    ['direction=desc reverses', 'sortBy=priority&direction=desc', ['beta@file', 'gamma@file', 'warned@file', 'broken@file', 'alpha@file', 'delta@other']],
    ['sortBy=provider', 'sortBy=provider', ['alpha@file', 'beta@file', 'broken@file', 'gamma@file', 'warned@file', 'delta@other']],
    ['sortBy=status', 'sortBy=status', ['broken@file', 'alpha@file', 'beta@file', 'delta@other', 'gamma@file', 'warned@file']],
    ['sortBy=rule', 'sortBy=rule', ['alpha@file', 'broken@file', 'delta@other', 'gamma@file', 'warned@file', 'beta@file']],
    ['sortBy=service', 'sortBy=service', ['broken@file', 'alpha@file', 'delta@other', 'gamma@file', 'beta@file', 'warned@file']],
    ['sortBy=entryPoints counts them', 'sortBy=entryPoints', ['beta@file', 'broken@file', 'delta@other', 'gamma@file', 'alpha@file', 'warned@file']],
    ['an unknown sortBy sorts by name', 'sortBy=colour&direction=desc', ['warned@file', 'gamma@file', 'delta@other', 'broken@file', 'beta@file', 'alpha@file']],
  ];
  for (const [name, query, expected] of cases) {
    const answer = await getJson(gw, `/api/http/routers?${query}`);
    t.equal(answer.status, 200, name);
    t.same(names(answer.body), expected, name);
    t.equal(answer.nextPage, '1', `${name}: one page`);
  }
});

t.test('service and middleware lists filter and sort', async (t) => {
  const cases: Array<[string, string, string[]]> = [
    ['services come sorted by name', '/api/http/services', ['svc-a@file', 'svc-b@file', 'svc-w@file']],
    ['services sort by type', '/api/http/services?sortBy=type&direction=desc', ['svc-w@file', 'svc-b@file', 'svc-a@file']],
    ['services sort by server count', '/api/http/services?sortBy=servers', ['svc-w@file', 'svc-b@file', 'svc-a@file']],
    ['services sort by provider then name', '/api/http/services?sortBy=provider', ['svc-a@file', 'svc-b@file', 'svc-w@file']],
    ['services are searched by name', '/api/http/services?search=SVC-W', ['svc-w@file']],
    ['services filter by status', '/api/http/services?status=disabled', []],
    ['services sort by status', '/api/http/services?sortBy=status', ['svc-a@file', 'svc-b@file', 'svc-w@file']],
    ['middlewares come sorted by name', '/api/http/middlewares', ['gate@file', 'strip@file', 'unused@file']],
    ['middlewares sort by type', '/api/http/middlewares?sortBy=type&direction=desc', ['unused@file', 'strip@file', 'gate@file']],
    ['middlewares sort by provider', '/api/http/middlewares?sortBy=provider', ['gate@file', 'strip@file', 'unused@file']],
    ['middlewares sort by status', '/api/http/middlewares?sortBy=status', ['gate@file', 'strip@file', 'unused@file']],
    ['middlewares are searched by name', '/api/http/middlewares?search=us', ['unused@file']],
    ['middlewares filter by status', '/api/http/middlewares?status=enabled', ['gate@file', 'strip@file', 'unused@file']],
  ];
  for (const [name, path, expected] of cases) {
    const answer = await getJson(gw, path);
    t.equal(answer.status, 200, name);
    t.same(names(answer.body), expected, name);
  }
});

t.test('pagination cuts pages and says which is next', async (t) => {
  const cases: Array<[string, string, number, string[] | string, string | null]> = [
    ['the first page of two', 'per_page=2', 200, ['alpha@file', 'beta@file'], '2'],
    ['the second page', 'per_page=2&page=2', 200, ['broken@file', 'delta@other'], '3'],
    ['the last page points back to 1', 'per_page=2&page=3', 200, ['gamma@file', 'warned@file'], '1'],
    ['a page past the end is a bad request', 'per_page=2&page=4', 400, 'invalid request: page: 4, per_page: 2', null],
    ['pages follow the sort', 'per_page=4&page=2&sortBy=priority', 200, ['gamma@file', 'beta@file'], '1'],
    ['the first page of an empty result is empty', 'search=nothing-like-this', 200, [], '1'],
    ['per_page=0 is a bad request', 'per_page=0', 400, 'invalid request: per_page: 0', null],
    ['a page that is not a number is a bad request', 'page=two', 400, 'invalid request: page: two', null],
    ['an exact fit has no next page', 'per_page=6', 200, ['alpha@file', 'beta@file', 'broken@file', 'delta@other', 'gamma@file', 'warned@file'], '1'],
  ];
  for (const [name, query, status, expected, next] of cases) {
    const answer = await getJson(gw, `/api/http/routers?${query}`);
    t.equal(answer.status, status, name);
    if (typeof expected === 'string') t.same(answer.body, { message: expected }, name);
    else {
      t.same(names(answer.body), expected, name);
      t.equal(answer.nextPage, next, `${name}: X-Next-Page`);
    }
  }
});

t.test('single elements have Traefik representations', async (t) => {
  const alpha = await getJson(gw, '/api/http/routers/alpha@file');
  t.same(alpha.body, {
    rule: 'Host(`alpha.test`)',
    service: 'svc-a',
    middlewares: ['gate'],
    entryPoints: ['web'],
    priority: 18,
    status: 'enabled',
    using: ['web'],
    name: 'alpha@file',
    provider: 'file',
    priorityStr: '18',
  });
  const gamma = await getJson(gw, '/api/http/routers/gamma@file');
  t.same(gamma.body.tls, { options: 'default' }, 'tls.options defaults to "default"');
  const broken = await getJson(gw, '/api/http/routers/broken%40file');
  t.equal(broken.status, 200, 'the name is URL-decoded');
  t.same(broken.body.error, ['service "missing@file" does not exist']);
  t.equal(broken.body.status, 'disabled');
  const warned = await getJson(gw, '/api/http/routers/warned@file');
  t.same([warned.body.status, warned.body.error], ['warning', ['entryPoint "nope" doesn\'t exist']]);
  const delta = await getJson(gw, '/api/http/routers/delta@other');
  t.same([delta.body.provider, delta.body.priority], ['other', 5], 'the provider is the text after @');
  const gate = await getJson(gw, '/api/http/middlewares/gate@file');
  t.same(gate.body, {
    testHeaderGate: { header: 'X-Key', value: 'open' },
    status: 'enabled',
    usedBy: ['alpha@file', 'warned@file'],
    name: 'gate@file',
    provider: 'file',
    type: 'testheadergate',
  });
  const weighted = await getJson(gw, '/api/http/services/svc-w@file');
  t.equal(weighted.body.type, 'weighted');
  t.same(weighted.body.weighted.services.map((s: { name: string }) => s.name), ['svc-a', 'svc-b']);
  const svcB = await getJson(gw, '/api/http/services/svc-b@file');
  t.same(svcB.body.usedBy, ['beta@file', 'svc-w@file', 'warned@file'], 'usedBy is sorted');
  t.notOk('serverStatus' in svcB.body, 'no serverStatus without health checking');
});

t.test('a single element is the same as its entry in the list', async (t) => {
  for (const kind of ['routers', 'services', 'middlewares']) {
    const list = (await getJson(gw, `/api/http/${kind}?per_page=100`)).body as Array<{ name: string }>;
    t.ok(list.length > 0, `${kind} listed`);
    for (const item of list) t.same((await getJson(gw, `/api/http/${kind}/${encodeURIComponent(item.name)}`)).body, item, `${kind}: ${item.name}`);
  }
});

t.test('server status is live from the table in service', async (t) => {
  const deadline = Date.now() + 5000;
  let status: Record<string, string> = {};
  while (Date.now() < deadline) {
    status = (await getJson(gw, '/api/http/services/svc-a@file')).body.serverStatus ?? {};
    if (status['http://127.0.0.1:9'] === 'DOWN') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  t.same(status, { [fixture.up.url]: 'UP', 'http://127.0.0.1:9': 'DOWN' });
  const raw = await getJson(gw, '/api/rawdata');
  t.same(raw.body.services['svc-a@file'].serverStatus, status, 'rawdata carries it too');
});

t.test('unknown names answer 404 with a message', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['an unknown router', '/api/http/routers/nope@file', 'router not found: nope@file'],
    ['an unqualified router name', '/api/http/routers/alpha', 'router not found: alpha'],
    ['an unknown service', '/api/http/services/nope@file', 'service not found: nope@file'],
    ['an unknown middleware', '/api/http/middlewares/nope@file', 'middleware not found: nope@file'],
    ['an unknown entry point', '/api/entrypoints/nope', 'entry point not found: nope'],
    ['a TCP router', '/api/tcp/routers/a@file', 'router not found: a@file'],
    ['a TCP service', '/api/tcp/services/a@file', 'service not found: a@file'],
    ['a TCP middleware', '/api/tcp/middlewares/a@file', 'middleware not found: a@file'],
    ['a UDP router', '/api/udp/routers/a@file', 'router not found: a@file'],
    ['a UDP service', '/api/udp/services/a@file', 'service not found: a@file'],
    ['a certificate', '/api/certificates/abc', 'certificate not found: abc'],
    ['a name with an encoded slash', '/api/http/routers/foo%2Fbar@file', 'router not found: foo/bar@file'],
    // Looked up by name in the status maps: names of Object.prototype's members are not elements.
    ['a router named like an object member', '/api/http/routers/constructor', 'router not found: constructor'],
    ['a service named __proto__', '/api/http/services/__proto__', 'service not found: __proto__'],
    ['a middleware named toString', '/api/http/middlewares/toString', 'middleware not found: toString'],
  ];
  for (const [name, path, message] of cases) {
    const answer = await getJson(gw, path);
    t.equal(answer.status, 404, name);
    t.same(answer.body, { message }, name);
  }
});

t.test('TCP, UDP and certificate lists are empty lists', async (t) => {
  for (const path of ['/api/tcp/routers', '/api/tcp/services', '/api/tcp/middlewares', '/api/udp/routers', '/api/udp/services', '/api/certificates']) {
    const answer = await getJson(gw, path);
    t.same([answer.status, answer.body, answer.nextPage], [200, [], '1'], path);
  }
});

t.test('rawdata, overview, entry points, version and providers', async (t) => {
  const raw = (await getJson(gw, '/api/rawdata')).body;
  t.same(Object.keys(raw), ['routers', 'middlewares', 'services', 'tcpRouters', 'tcpMiddlewares', 'tcpServices', 'udpRouters', 'udpServices']);
  t.same(Object.keys(raw.routers).sort(), ['alpha@file', 'beta@file', 'broken@file', 'delta@other', 'gamma@file', 'warned@file']);
  t.equal(raw.routers['broken@file'].status, 'disabled');

  const overview = (await getJson(gw, '/api/overview')).body;
  t.same(overview.http, {
    routers: { total: 6, warnings: 1, errors: 1 },
    services: { total: 3, warnings: 0, errors: 0 },
    middlewares: { total: 3, warnings: 0, errors: 0 },
  });
  t.same(overview.tcp.routers, { total: 0, warnings: 0, errors: 0 });
  t.same(overview.udp.services, { total: 0, warnings: 0, errors: 0 });
  t.same(overview.features, { tracing: '', metrics: '', accessLog: false });
  t.same(overview.providers, ['File']);

  const entryPoints = await getJson(gw, '/api/entrypoints');
  t.same(names(entryPoints.body), ['switchyard', 'web']);
  t.equal(entryPoints.nextPage, '1');
  const web = (await getJson(gw, '/api/entrypoints/web')).body;
  t.equal(web.name, 'web');
  t.equal(web.address, '127.0.0.1:0');
  t.same(web.transport.lifeCycle, { requestAcceptGraceTimeout: '0s', graceTimeOut: '10s' });
  t.same(web.transport.respondingTimeouts, { readTimeout: '1m0s', writeTimeout: '0s', idleTimeout: '3m0s' });
  t.same(names((await getJson(gw, '/api/entrypoints?per_page=1&page=2')).body), ['web'], 'entry points paginate');

  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const version = (await getJson(gw, '/api/version')).body;
  t.equal(version.Version, pkg.version);
  t.type(version.Codename, 'string');
  t.ok(!Number.isNaN(Date.parse(version.startDate)), 'startDate is a date');

  const providers = (await getJson(gw, '/api/providers')).body;
  t.equal(providers.ready, true);
  t.equal(providers.version, gw.gateway.version());
  t.same(
    providers.providers.map((p: { name: string; connected: boolean }) => [p.name, p.connected]),
    [
      ['file', true],
      ['other', true],
    ],
  );
  t.equal(providers.providers[1].lastSnapshotAt, '2026-01-01T00:00:00.000Z');
});
