import t from 'tap';
import fc from 'fast-check';
import { canonicalHost, compileRule, type MatchRequest } from '../../../src/rules/compile.js';
import { createRouteIndex, type Route } from '../../../src/routing/route-index.js';
import { checkProperty } from '../../helpers/property.js';

// The index (buckets by host, by HostRegexp tail and by path prefix) must pick exactly what evaluating every route in
// priority order picks: the first matching one. Rules and requests are drawn from small sets so that
// hosts, wildcards, host patterns, nested prefixes, exact paths, negations and disjunctions meet often.

const HOSTS = ['a.test', 'b.test', 'x.wild.test', 'y.wild.test', 'z.y.wild.test', 'test', ''];
const PATHS = ['/', '/a', '/ab', '/a/b', '/a/b/c', '/b', '/abc', '/api', '/api/v1', '/api/v1/users'];

const matcher = fc.oneof(
  fc.constantFrom('a.test', 'b.test', '*.wild.test').map((h) => `Host(\`${h}\`)`),
  // Filed by literal tail (a suffix from a dot, or one exact host), or open when there is none.
  fc.constantFrom('^[a-z]+\\.wild\\.test$', '^a\\.test$', '\\.test$', 'y\\.wild\\.test$', '^[ab]\\.test$', 'test$', '^x').map((re) => `HostRegexp(\`${re}\`)`),
  fc.constantFrom(...PATHS).map((p) => `PathPrefix(\`${p}\`)`),
  fc.constantFrom(...PATHS).map((p) => `Path(\`${p}\`)`),
  fc.constantFrom('^/a', 'b$', '^/api/v[0-9]+').map((re) => `PathRegexp(\`${re}\`)`),
  fc.constantFrom('GET', 'POST').map((m) => `Method(\`${m}\`)`),
);
const rule: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    matcher,
    matcher.map((m) => `!${m}`),
    fc.tuple(tie('expr'), tie('expr')).map(([l, r]) => `(${l} && ${r})`),
    fc.tuple(tie('expr'), tie('expr')).map(([l, r]) => `(${l} || ${r})`),
  ),
})).expr;

const routes = fc.array(fc.tuple(rule, fc.integer({ min: -2, max: 40 })), { minLength: 1, maxLength: 30 });
const requests = fc.array(fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom(...PATHS, '/a/bc', '/apix', '/c'), fc.constantFrom('GET', 'POST')), {
  minLength: 1,
  maxLength: 10,
});

function request(host: string, path: string, method: string): MatchRequest {
  return { method, host: canonicalHost(host), path, query: '', headers: {}, clientIp: '127.0.0.1' };
}

t.test('the index picks what a scan of every route in order picks', async (t) => {
  checkProperty(
    t,
    'index.match equals the first matching route in evaluation order',
    fc.property(routes, requests, (drawn, sent) => {
      const list: Route<number>[] = drawn.map(([text, priority], i) => ({ name: `r${String(i).padStart(2, '0')}`, priority, rule: compileRule(text), value: i }));
      const index = createRouteIndex(list);
      for (const [host, path, method] of sent) {
        const req = request(host, path, method);
        const scanned = index.routes.find((r) => r.rule.match(req));
        if (index.match(req) !== scanned) return false;
      }
      return true;
    }),
    400,
  );
});
