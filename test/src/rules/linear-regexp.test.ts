import t from 'tap';
import { compileRe2 } from '../../../src/rules/re2.js';
import { linearTester, mayBacktrackExponentially } from '../../../src/rules/linear-regexp.js';
import { canonicalHost, compileRule } from '../../../src/rules/compile.js';

t.test('patterns that can backtrack exponentially are told apart from the rest', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['^/(a+)+$', true],
    ['^/(a*)*b', true],
    ['(a|aa)+', true],
    ['^/(x{1,9})+$', true],
    ['((ab)*c)+', true],
    ['^/(?:[a-z]+/)*end$', true],
    ['^/api/v[0-9]+/users/[a-z0-9-]+$', false],
    ['^/(a|b)$', false],
    ['^/files/.*\\.(png|jpg)$', false],
    ['^/(foo)+$', false],
    ['[(a+)+]', false],
    ['\\(a+\\)+', false],
    ['^/(?i)ABC', false],
    ['^/a+?b*?', false],
    ['^[a-z0-9-]+\\.example\\.com$', false],
  ];
  for (const [pattern, risky] of cases) t.equal(mayBacktrackExponentially(pattern), risky, pattern);
});

t.test('the linear engine answers as the translated pattern does', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['^/(a+)+$', ['/aaa', '/aab', '/', '/a']],
    ['(?i)^/(ab|a)+c$', ['/ABABc', '/abac', '/abd']],
    ['^/(?:[a-z]+/)*end$', ['/a/b/end', '/end', '/a/B/end']],
    ['^/(x{1,3})+\\d$', ['/xxxx1', '/x', '/xx9']],
  ];
  for (const [pattern, inputs] of cases) {
    const js = compileRe2(pattern);
    const linear = linearTester(pattern);
    for (const input of inputs) t.equal(linear.test(input), js.test(input), `${pattern} on ${input}`);
  }
});

t.test('a crafted path against a nested repeat is answered at once (would hang on a backtracking engine)', async (t) => {
  const rule = compileRule('PathRegexp(`^/(a+)+$`)');
  const request = (path: string) => ({ method: 'GET', host: canonicalHost('example.com'), path, query: '', headers: {}, clientIp: '127.0.0.1' });
  t.equal(rule.match(request(`/${'a'.repeat(64)}b`)), false);
  t.equal(rule.match(request(`/${'a'.repeat(64)}`)), true);
  const header = compileRule('HeaderRegexp(`X-Id`, `^(\\w+\\s?)*$`)');
  t.equal(header.match({ ...request('/'), headers: { 'x-id': `${'word '.repeat(30)}!` } }), false, 'HeaderRegexp is guarded too');
});
