import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { getJson, testMiddlewares } from '../src/api/api-fixture.js';

const gw = await startTestGateway({
  static: {
    api: { insecure: true },
    entryPoints: { admin: { address: '127.0.0.1:0', http: { middlewares: ['strip@file'] } } },
  },
  middlewares: testMiddlewares,
  dynamic: {
    'routes.yaml': {
      http: {
        routers: {
          a: { rule: 'Host(`app.test`) && PathPrefix(`/api`)', service: 's', middlewares: ['gate'], entryPoints: ['web'] },
          b: { rule: 'Host(`app.test`)', service: 's', entryPoints: ['web'] },
          c: { rule: 'PathPrefix(`/c`)', service: 's', priority: 1, entryPoints: ['web'] },
          off: { rule: 'Host(`app.test`)', service: 'missing', entryPoints: ['web'] },
          bad: { rule: 'Hots(`app.test`)', service: 's', entryPoints: ['web'] },
          secure: { rule: 'Host(`app.test`)', service: 's', tls: {}, entryPoints: ['web'] },
          m: { rule: 'Method(`POST`) && Header(`X-Mode`, `fast`)', service: 's', priority: 1000, entryPoints: ['web'] },
          ip: { rule: 'ClientIP(`10.0.0.0/8`)', service: 's', priority: 900, entryPoints: ['web'] },
          q: { rule: 'Query(`debug`, `1`)', service: 's', priority: 800, entryPoints: ['web'] },
          not: { rule: '!Host(`app.test`) && PathPrefix(`/n`)', service: 's', priority: 700, entryPoints: ['web'] },
          adm: { rule: 'PathPrefix(`/`)', service: 's', middlewares: ['gate'], entryPoints: ['admin'] },
        },
        services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] }, middlewares: ['strip'] } },
        middlewares: { gate: { testHeaderGate: { header: 'X-Key', value: 'k' } }, strip: { testStrip: { prefix: '/x' } } },
      },
    },
  },
});
t.teardown(() => gw.close());

const explain = async (query: string) => getJson(gw, `/api/explain?${query}`);
const on = (body: any, ep: string) => body.entryPoints.find((e: { entryPoint: string }) => e.entryPoint === ep);
const candidate = (result: any, name: string) => result.candidates.find((c: { name: string }) => c.name === name);

t.test('the router taking a described request, per entry point', async (t) => {
  const cases: Array<[string, string, string | null]> = [
    ['host and path prefix pick the more specific router', `url=${encodeURIComponent('http://app.test/api/x')}`, 'a@file'],
    ['a host-only request falls to the host router', `url=${encodeURIComponent('http://app.test/other')}`, 'b@file'],
    ['the path is normalised and the host canonicalised first', `url=${encodeURIComponent('http://APP.test:8000/c/../api/./x')}`, 'a@file'],
    ['the query takes part', `url=${encodeURIComponent('http://app.test/api?debug=1')}`, 'q@file'],
    ['method and headers take part', `method=post&header=X-Mode:fast&url=${encodeURIComponent('http://app.test/')}`, 'm@file'],
    ['a header given twice keeps both values', `method=POST&header=X-Mode:slow&header=X-Mode:fast&url=${encodeURIComponent('http://app.test/')}`, 'm@file'],
    ['the client IP takes part', `clientIP=10.1.2.3&url=${encodeURIComponent('http://app.test/api')}`, 'ip@file'],
    ['a negated host matches other hosts', `url=${encodeURIComponent('http://elsewhere.test/n')}`, 'not@file'],
    ['https requests only reach TLS routers', `url=${encodeURIComponent('https://app.test/api')}`, 'secure@file'],
    ['an origin-form url takes the host from a Host header', `url=${encodeURIComponent('/api/y')}&header=Host:app.test`, 'a@file'],
    ['nothing matching means no router', `url=${encodeURIComponent('http://nowhere.test/zzz')}`, null],
  ];
  for (const [name, query, router] of cases) {
    const answer = await explain(`entryPoint=web&${query}`);
    t.equal(answer.status, 200, name);
    t.equal(on(answer.body, 'web').router, router, name);
  }
});

t.test('every candidate is listed in evaluation order with why it did not match', async (t) => {
  const answer = await explain(`entryPoint=web&url=${encodeURIComponent('http://app.test/api/x')}`);
  const web = on(answer.body, 'web');
  t.same(
    web.candidates.map((c: { name: string }) => c.name),
    ['m@file', 'ip@file', 'q@file', 'not@file', 'a@file', 'b@file', 'bad@file', 'off@file', 'secure@file', 'c@file'],
    'priority order, ties by name',
  );
  const m = candidate(web, 'm@file');
  t.same([m.eligible, m.matched], [true, false]);
  t.same(m.reasons, ['Method(`POST`) is false (method GET)', 'Header(`X-Mode`, `fast`) is false (no X-Mode header)']);
  t.same(candidate(web, 'ip@file').reasons, ['ClientIP(`10.0.0.0/8`) is false (no client IP)']);
  t.same(candidate(web, 'q@file').reasons, ['Query(`debug`, `1`) is false (query "")']);
  const not = candidate(web, 'not@file');
  t.equal(not.explanation.expression, '!Host(`app.test`) && PathPrefix(`/n`)');
  t.same(not.reasons, ['!Host(`app.test`) is false (host "app.test")', 'PathPrefix(`/n`) is false (path "/api/x")']);
  const a = candidate(web, 'a@file');
  t.same([a.eligible, a.matched, a.reasons, a.priority, a.priorityStr], [true, true, [], 38, '38']);
  t.same(a.explanation.children.map((c: { matched: boolean }) => c.matched), [true, true]);
  const b = candidate(web, 'b@file');
  t.same([b.matched, b.reasons], [true, ['shadowed: a@file comes first']]);
  const off = candidate(web, 'off@file');
  t.same([off.status, off.eligible, off.matched], ['disabled', false, false], 'a disabled router is listed but not eligible');
  t.same(off.reasons, ['router is disabled: service "missing@file" does not exist']);
  t.same(off.error, ['service "missing@file" does not exist']);
  const bad = candidate(web, 'bad@file');
  t.same([bad.eligible, bad.explanation], [false, undefined], 'a rule that does not compile has no evaluation');
  t.match(bad.reasons[0], /^rule does not compile: .*unknown matcher "Hots"/);
  const secure = candidate(web, 'secure@file');
  t.same([secure.eligible, secure.reasons], [false, ['router has tls set: it only takes HTTPS requests']]);
  t.same(candidate(web, 'c@file').reasons, ['PathPrefix(`/c`) is false (path "/api/x")']);
});

t.test('the chain and service the request would take', async (t) => {
  const web = on((await explain(`entryPoint=web&url=${encodeURIComponent('http://app.test/api')}`)).body, 'web');
  t.same(web.chain, [
    { name: 'gate@file', from: 'router', type: 'testheadergate', status: 'enabled' },
    { name: 'strip@file', from: 'service', type: 'teststrip', status: 'enabled' },
  ]);
  t.same(web.service, { name: 's@file', type: 'loadbalancer', status: 'enabled' });
  const admin = on((await explain(`entryPoint=admin&url=${encodeURIComponent('http://any.test/')}`)).body, 'admin');
  t.equal(admin.router, 'adm@file');
  t.same(
    admin.chain.map((s: { name: string; from: string }) => `${s.from}:${s.name}`),
    ['entryPoint:strip@file', 'router:gate@file', 'service:strip@file'],
    'entry point middlewares come first',
  );
  const none = on((await explain(`entryPoint=web&url=${encodeURIComponent('http://nowhere.test/zzz')}`)).body, 'web');
  t.same([none.chain, none.service], [[], null]);
});

t.test('without entryPoint every routed entry point is explained', async (t) => {
  const answer = await explain(`url=${encodeURIComponent('http://app.test/api')}`);
  t.same(answer.body.entryPoints.map((e: { entryPoint: string; router: string }) => [e.entryPoint, e.router]), [
    ['admin', 'adm@file'],
    ['web', 'a@file'],
  ]);
  t.same(answer.body.request, { method: 'GET', host: 'app.test', path: '/api', query: '', headers: { host: 'app.test' }, clientIp: '', tls: false });
  t.equal(answer.body.version, gw.gateway.version());
});

t.test('bad explain requests', async (t) => {
  const cases: Array<[string, string, number, string]> = [
    ['a missing url', 'method=GET', 400, 'invalid request: url is required'],
    ['a broken percent-encoding', `url=${encodeURIComponent('http://a.test/%zz')}`, 400, 'invalid request: url: incomplete percent-encoding in path'],
    ['a header without a colon', `url=%2F&header=nocolon`, 400, 'invalid request: header "nocolon" is not Name:Value'],
    ['an unknown entry point', `url=%2F&entryPoint=nope`, 404, 'entry point not found: nope'],
    ['the internal entry point, which is not routed', `url=%2F&entryPoint=switchyard`, 404, 'entry point not found: switchyard'],
  ];
  for (const [name, query, status, message] of cases) {
    const answer = await explain(query);
    t.equal(answer.status, status, name);
    t.same(answer.body, { message }, name);
  }
});

t.test('a router the gateway adds itself is shown first when it takes the request', async (t) => {
  const pinged = await startTestGateway({
    static: { api: { insecure: true }, ping: { entryPoint: 'web' } },
    dynamic: { 'all.yaml': { http: { routers: { all: { rule: 'PathPrefix(`/`)', service: 's' } }, services: { s: { loadBalancer: { servers: [] } } } } } },
  });
  t.teardown(() => pinged.close());
  const answer = await getJson(pinged, `/api/explain?entryPoint=web&url=${encodeURIComponent('http://any.test/ping')}`);
  const web = on(answer.body, 'web');
  t.equal(web.router, 'ping@internal');
  t.same(
    web.candidates.map((c: { name: string; internal?: boolean; reasons: string[] }) => [c.name, c.internal ?? false, c.reasons]),
    [
      ['ping@internal', true, []],
      ['all@file', false, ['shadowed: ping@internal comes first']],
    ],
  );
  t.same([web.chain, web.service], [[], null], 'an internal router has no chain or service to show');
});

t.test("a named entry point's request policy decides what routing sees, as on the wire", async (t) => {
  const policed = await startTestGateway({
    static: {
      api: { insecure: true },
      entryPoints: {
        strict: { address: '127.0.0.1:0' },
        lenient: { address: '127.0.0.1:0', http: { encodedCharacters: { allowEncodedSlash: true }, sanitizePath: false } },
      },
    },
    dynamic: { 'files.yaml': { http: { routers: { files: { rule: 'PathPrefix(`/files`)', service: 's' } }, services: { s: { loadBalancer: { servers: [] } } } } } },
  });
  t.teardown(() => policed.close());
  const ask = async (query: string) => getJson(policed, `/api/explain?${query}`);
  const cases: Array<[string, string, string, { router: string | null; path?: string; refused?: { status: number; reason: string } }]> = [
    ['an encoded slash is refused where it is not allowed', 'strict', 'http://a.test/files/a%2Fb', { router: null, refused: { status: 400, reason: 'encoded slash in path' } }],
    ['an encoded slash is routed, kept encoded, where it is allowed', 'lenient', 'http://a.test/files/a%2Fb', { router: 'files@file', path: '/files/a%2Fb' }],
    ['dot segments are removed with sanitizePath', 'strict', 'http://a.test/files/x/../y', { router: 'files@file', path: '/files/y' }],
    ['dot segments are refused without sanitizePath', 'lenient', 'http://a.test/files/x/../y', { router: null, refused: { status: 400, reason: 'dot segment in path (sanitizePath is off)' } }],
  ];
  for (const [name, entryPoint, url, expected] of cases) {
    const answer = await ask(`entryPoint=${entryPoint}&url=${encodeURIComponent(url)}`);
    t.equal(answer.status, 200, name);
    const result = on(answer.body, entryPoint);
    t.equal(result.router, expected.router, name);
    if (expected.path) t.equal(result.path, expected.path, name);
    t.same(result.refused, expected.refused, name);
    if (expected.refused) t.same([result.candidates, result.chain, result.service], [[], [], null], `${name}: no router is consulted`);
  }
  const both = await ask(`url=${encodeURIComponent('http://a.test/files/a%2Fb')}`);
  t.equal(both.status, 200, 'without entryPoint, a path one entry point refuses is still explained');
  t.same(
    ['lenient', 'strict'].map((ep) => [ep, on(both.body, ep).router, on(both.body, ep).refused?.status]),
    [
      ['lenient', 'files@file', undefined],
      ['strict', null, 400],
    ],
  );
});
