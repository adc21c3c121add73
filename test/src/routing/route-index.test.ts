import t from 'tap';
import { canonicalHost, compileRule, defaultPriority, type MatchRequest } from '../../../src/rules/compile.js';
import { createRouteIndex, type Route } from '../../../src/routing/route-index.js';

const route = (name: string, rule: string, priority = defaultPriority(rule)): Route<string> => ({
  name,
  priority,
  rule: compileRule(rule),
  value: name,
});

const request = (host: string, path = '/', method = 'GET'): MatchRequest => ({
  method,
  host: canonicalHost(host),
  path,
  query: '',
  headers: {},
  clientIp: '127.0.0.1',
});

t.test('routes are evaluated by priority, highest first', async (t) => {
  const index = createRouteIndex([
    route('low', 'PathPrefix(`/`)', 1),
    route('high', 'PathPrefix(`/`)', 100),
    route('mid', 'PathPrefix(`/`)', 50),
  ]);
  t.same(index.routes.map((r) => r.name), ['high', 'mid', 'low']);
  t.equal(index.match(request('a.test'))?.name, 'high');
});

t.test('equal priorities are ordered by name whatever the input order', async (t) => {
  const names = ['c', 'a', 'b'];
  const forward = createRouteIndex(names.map((n) => route(n, 'PathPrefix(`/`)', 10)));
  const backward = createRouteIndex([...names].reverse().map((n) => route(n, 'PathPrefix(`/`)', 10)));
  t.same(forward.routes.map((r) => r.name), ['a', 'b', 'c']);
  t.same(backward.routes.map((r) => r.name), ['a', 'b', 'c']);
  t.equal(forward.match(request('x.test'))?.name, 'a');
  t.equal(backward.match(request('x.test'))?.name, 'a');
});

t.test('the default priority makes the longer rule win', async (t) => {
  const index = createRouteIndex([
    route('short', 'PathPrefix(`/`)'),
    route('long', 'PathPrefix(`/api`)'),
  ]);
  t.equal(index.match(request('a.test', '/api/x'))?.name, 'long');
  t.equal(index.match(request('a.test', '/web'))?.name, 'short');
});

t.test('negative and huge priorities order correctly', async (t) => {
  const index = createRouteIndex([
    route('negative', 'PathPrefix(`/`)', -5),
    route('huge', 'PathPrefix(`/`)', 9223372036854774807),
    route('zero-ish', 'PathPrefix(`/`)', 1),
  ]);
  t.same(index.routes.map((r) => r.name), ['huge', 'zero-ish', 'negative']);
});

t.test('a host-independent route with a higher priority beats a host route', async (t) => {
  const index = createRouteIndex([
    route('host', 'Host(`a.test`)', 10),
    route('catch-all', 'PathPrefix(`/`)', 20),
  ]);
  t.equal(index.match(request('a.test'))?.name, 'catch-all');
});

t.test('a host route with a higher priority beats a host-independent route', async (t) => {
  const index = createRouteIndex([
    route('host', 'Host(`a.test`)', 30),
    route('catch-all', 'PathPrefix(`/`)', 20),
  ]);
  t.equal(index.match(request('a.test'))?.name, 'host');
  t.equal(index.match(request('b.test'))?.name, 'catch-all');
});

t.test('a host-independent route that does not match falls through to the host route', async (t) => {
  const index = createRouteIndex([
    route('host', 'Host(`a.test`)', 10),
    route('api', 'PathPrefix(`/api`)', 20),
  ]);
  t.equal(index.match(request('a.test', '/web'))?.name, 'host');
  t.equal(index.match(request('a.test', '/api'))?.name, 'api');
});

t.test('host routes match whatever the request port, case and trailing dot', async (t) => {
  const index = createRouteIndex([route('a', 'Host(`a.test`)'), route('b', 'Host(`B.test.`)')]);
  t.equal(index.match(request('A.TEST:8080'))?.name, 'a');
  t.equal(index.match(request('a.test.'))?.name, 'a');
  t.equal(index.match(request('b.test'))?.name, 'b');
});

t.test('a wildcard host route matches one extra label only', async (t) => {
  const index = createRouteIndex([route('wild', 'Host(`*.example.com`)'), route('apex', 'Host(`example.com`)')]);
  t.equal(index.match(request('api.example.com'))?.name, 'wild');
  t.equal(index.match(request('example.com'))?.name, 'apex');
  t.equal(index.match(request('a.b.example.com')), undefined);
});

t.test('an exact host route and a wildcard route are merged by priority', async (t) => {
  const index = createRouteIndex([
    route('wild', 'Host(`*.example.com`)', 50),
    route('exact', 'Host(`api.example.com`)', 40),
    route('exact-path', 'Host(`api.example.com`) && PathPrefix(`/v2`)', 60),
  ]);
  t.equal(index.match(request('api.example.com', '/v2'))?.name, 'exact-path');
  t.equal(index.match(request('api.example.com', '/v1'))?.name, 'wild');
  t.equal(index.match(request('www.example.com'))?.name, 'wild');
});

t.test('a route for several hosts is found under each of them', async (t) => {
  const index = createRouteIndex([
    route('both', 'Host(`a.test`) || Host(`*.b.test`)'),
    route('other', 'Host(`c.test`)'),
  ]);
  t.equal(index.match(request('a.test'))?.name, 'both');
  t.equal(index.match(request('x.b.test'))?.name, 'both');
  t.equal(index.match(request('c.test'))?.name, 'other');
});

t.test('a route under both an exact host and its wildcard is evaluated once', async (t) => {
  let calls = 0;
  const r = route('both', 'Host(`x.b.test`) || Host(`*.b.test`)');
  const counting: Route<string> = { ...r, rule: { ...r.rule, match: (req) => (calls++, r.rule.match(req) && false) } };
  const index = createRouteIndex([counting]);
  t.equal(index.match(request('x.b.test')), undefined);
  t.equal(calls, 1);
});

t.test('a route naming one host twice is evaluated once for it', async (t) => {
  for (const rule of ['Host(`a.test`) || Host(`A.test`)', 'Host(`*.b.test`) || Host(`*.b.test`)']) {
    let calls = 0;
    const r = route('twice', rule);
    const counting: Route<string> = { ...r, rule: { ...r.rule, match: (req) => (calls++, r.rule.match(req) && false) } };
    const index = createRouteIndex([counting, route('after', 'PathPrefix(`/`)', 1)]);
    t.equal(index.match(request(rule.includes('*') ? 'x.b.test' : 'a.test'))?.name, 'after', rule);
    t.equal(calls, 1, rule);
  }
});

t.test('HostRegexp and negated-host routes are tried for every host', async (t) => {
  const index = createRouteIndex([
    route('regexp', 'HostRegexp(`^api\\.`)', 5),
    route('not-a', '!Host(`a.test`)', 4),
  ]);
  t.equal(index.match(request('api.x.test'))?.name, 'regexp');
  t.equal(index.match(request('b.test'))?.name, 'not-a');
  t.equal(index.match(request('a.test')), undefined);
});

t.test('no matching route gives undefined', async (t) => {
  const index = createRouteIndex([route('a', 'Host(`a.test`)'), route('p', 'Path(`/only`)')]);
  t.equal(index.match(request('z.test', '/')), undefined);
  t.equal(createRouteIndex<string>([]).match(request('a.test')), undefined);
});

t.test('a request without a host only reaches host-independent routes', async (t) => {
  const index = createRouteIndex([route('a', 'Host(`a.test`)'), route('any', 'Host(`*`)')]);
  t.equal(index.match(request(''))?.name, 'any');
});

t.test('the index does not change the routes it was given', async (t) => {
  const input = [route('b', 'PathPrefix(`/`)', 1), route('a', 'PathPrefix(`/`)', 2)];
  createRouteIndex(input);
  t.same(input.map((r) => r.name), ['b', 'a']);
});

t.test('10,000 host routes still pick the right route', async (t) => {
  const routes: Route<string>[] = [];
  for (let i = 0; i < 10_000; i++) {
    routes.push(route(`site-${i}`, `Host(\`site-${i}.example.com\`)`));
    if (i % 100 === 0) routes.push(route(`api-${i}`, `Host(\`site-${i}.example.com\`) && PathPrefix(\`/api\`)`));
  }
  routes.push(route('wild', 'Host(`*.wild.test`)'));
  routes.push(route('health', 'Path(`/health`)', 1000));
  const index = createRouteIndex(routes);
  t.equal(index.routes.length, 10_102);
  t.equal(index.match(request('site-0.example.com'))?.name, 'site-0');
  t.equal(index.match(request('site-9999.example.com:443'))?.name, 'site-9999');
  t.equal(index.match(request('SITE-4242.example.com'))?.name, 'site-4242');
  t.equal(index.match(request('site-4200.example.com', '/api/x'))?.name, 'api-4200');
  t.equal(index.match(request('site-4201.example.com', '/api/x'))?.name, 'site-4201');
  t.equal(index.match(request('site-7.example.com', '/health'))?.name, 'health');
  t.equal(index.match(request('x.wild.test'))?.name, 'wild');
  t.equal(index.match(request('site-10000.example.com')), undefined);
  let evaluated = 0;
  const spy = createRouteIndex(
    routes.map((r) => ({ ...r, rule: { ...r.rule, match: (req: MatchRequest) => (evaluated++, r.rule.match(req)) } })),
  );
  t.equal(spy.match(request('site-5000.example.com', '/'))?.name, 'site-5000');
  t.ok(evaluated <= 3, `only the candidates for the host are evaluated (${evaluated})`);
});

t.test('path routes: the longest matching prefix wins by default priority, the catch-all last', async (t) => {
  const index = createRouteIndex([
    route('root', 'PathPrefix(`/`)'),
    route('api', 'PathPrefix(`/api`)'),
    route('v1', 'PathPrefix(`/api/v1`)'),
    route('users', 'Path(`/api/v1/users`)'),
    route('host-api', 'Host(`a.test`) && PathPrefix(`/api`)'),
  ]);
  const cases: Array<[string, string, string]> = [
    ['b.test', '/api/v1/users', 'users'],
    ['b.test', '/api/v1/users/7', 'v1'],
    ['b.test', '/api/v2', 'api'],
    ['b.test', '/apix', 'api'],
    ['b.test', '/other', 'root'],
    ['a.test', '/api/v2', 'host-api'],
    ['a.test', '/api/v1/users', 'host-api'],
  ];
  for (const [host, path, name] of cases) t.equal(index.match(request(host, path))?.name, name, `${host}${path}`);
});

t.test('a route under two prefixes of one path is evaluated once', async (t) => {
  let evaluated = 0;
  const both = route('both', 'PathPrefix(`/a`) || PathPrefix(`/a/b`)');
  const spy = { ...both, rule: { ...both.rule, match: (req: MatchRequest) => (evaluated++, false) } };
  const index = createRouteIndex([spy]);
  t.equal(index.match(request('x.test', '/a/b/c')), undefined);
  t.equal(evaluated, 1);
});

for (const host of ['api.test', null]) {
  t.test(`10,000 path routes ${host ? 'on one host' : 'without a host'} evaluate only the candidates for the path`, async (t) => {
    const routes: Route<string>[] = [];
    for (let i = 0; i < 10_000; i++) routes.push(route(`svc-${i}`, `${host ? `Host(\`${host}\`) && ` : ''}PathPrefix(\`/svc-${i}/\`)`));
    routes.push(route('fallback', 'PathPrefix(`/`)', 1));
    routes.push(route('regexp', 'PathRegexp(`^/svc-9999/special$`)', 100_000));
    let evaluated = 0;
    const index = createRouteIndex(routes.map((r) => ({ ...r, rule: { ...r.rule, match: (req: MatchRequest) => (evaluated++, r.rule.match(req)) } })));
    const hostname = host ?? 'any.test';
    t.equal(index.match(request(hostname, '/svc-0/x'))?.name, 'svc-0');
    t.equal(index.match(request(hostname, '/svc-9999/x'))?.name, 'svc-9999');
    t.equal(index.match(request(hostname, '/svc-9999/special'))?.name, 'regexp');
    t.equal(index.match(request(hostname, '/svc-10000/x'))?.name, 'fallback');
    evaluated = 0;
    t.equal(index.match(request(hostname, '/svc-5000/x'))?.name, 'svc-5000');
    t.ok(evaluated <= 2, `only the regexp route and the one for the path are evaluated (${evaluated})`);
  });
}
