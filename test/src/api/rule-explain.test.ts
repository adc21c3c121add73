import t from 'tap';
import { compileRule, type MatchRequest } from '../../../src/rules/compile.js';
import { failedMatchers } from '../../../src/rules/explain.js';

const request = (over: Partial<MatchRequest> = {}): MatchRequest => ({
  method: 'GET',
  host: 'app.test',
  path: '/api/users',
  query: 'page=2',
  headers: { 'x-mode': 'fast' },
  clientIp: '10.1.2.3',
  ...over,
});

t.test('a rule explains every sub-expression and agrees with match()', async (t) => {
  const cases: Array<[string, string, Partial<MatchRequest>, boolean, string[]]> = [
    ['a matching host', 'Host(`app.test`)', {}, true, []],
    ['another host', 'Host(`other.test`)', {}, false, ['Host(`other.test`) is false (host "app.test")']],
    ['a conjunction names only its failing part', 'Host(`app.test`) && Path(`/x`)', {}, false, ['Path(`/x`) is false (path "/api/users")']],
    ['a disjunction names every part', 'Path(`/a`) || Path(`/b`)', {}, false, ['Path(`/a`) is false (path "/api/users")', 'Path(`/b`) is false (path "/api/users")']],
    ['a negation is pushed down to the matchers', '!(Host(`app.test`) || Method(`POST`))', {}, false, ['!Host(`app.test`) is false (host "app.test")']],
    ['a method', 'Method(`post`)', {}, false, ['Method(`post`) is false (method GET)']],
    ['a missing header', 'Header(`X-Other`, `1`)', {}, false, ['Header(`X-Other`, `1`) is false (no X-Other header)']],
    ['a header value', 'HeaderRegexp(`X-Mode`, `^slow$`)', {}, false, ['HeaderRegexp(`X-Mode`, `^slow$`) is false (X-Mode: "fast")']],
    ['a query', 'Query(`page`, `3`)', {}, false, ['Query(`page`, `3`) is false (query "page=2")']],
    ['a client IP range', 'ClientIP(`192.168.0.0/16`)', {}, false, ['ClientIP(`192.168.0.0/16`) is false (client IP 10.1.2.3)']],
    ['a client IP that is unknown', 'ClientIP(`10.0.0.0/8`)', { clientIp: '' }, false, ['ClientIP(`10.0.0.0/8`) is false (no client IP)']],
    ['a regexp path', 'PathRegexp(`^/api/[a-z]+$`)', {}, true, []],
    ['a host regexp', 'HostRegexp(`^[a-z]+\\.test$`) && PathPrefix(`/api`)', {}, true, []],
    ['nested groups', '(Host(`a.test`) || Host(`app.test`)) && (Path(`/x`) || PathPrefix(`/api`))', {}, true, []],
  ];
  for (const [name, rule, over, matched, failed] of cases) {
    const compiled = compileRule(rule);
    const req = request(over);
    const explanation = compiled.explain(req);
    t.equal(explanation.matched, matched, name);
    t.equal(compiled.match(req), matched, `${name}: agrees with match()`);
    t.same(failedMatchers(explanation), failed, `${name}: failed matchers`);
  }
});

t.test('the explanation tree writes sub-expressions back in the grammar', async (t) => {
  const explanation = compileRule('Host(`app.test`) && (Path(`/a`) || Method(`GET`))').explain(request());
  t.equal(explanation.expression, 'Host(`app.test`) && (Path(`/a`) || Method(`GET`))');
  t.same(
    explanation.children!.map((c) => [c.expression, c.matched]),
    [
      ['Host(`app.test`)', true],
      ['Path(`/a`) || Method(`GET`)', true],
    ],
  );
  t.same(explanation.children![1]!.children!.map((c) => c.saw), ['path "/api/users"', 'method GET']);
});
