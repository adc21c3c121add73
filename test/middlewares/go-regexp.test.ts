import t from 'tap';
import { captureNames, compileGoRegexp, replaceAllGo } from '../../middlewares/path/go-regexp.js';

// Expected values are what Go's regexp.ReplaceAllString returns for the same inputs.
t.test('Go replacement expansion', async (t) => {
  const cases: Array<{ name: string; regex: string; input: string; template: string; out: string }> = [
    { name: '${1} is the first group', regex: '(a)(b)', input: 'ab', template: '${2}${1}', out: 'ba' },
    { name: '$1 is the first group', regex: '(a)(b)', input: 'ab', template: '$2-$1', out: 'b-a' },
    { name: '$1x is the group named 1x, empty', regex: '(a)', input: 'a', template: '[$1x]', out: '[]' },
    { name: '${1}x is the first group then x', regex: '(a)', input: 'a', template: '${1}x', out: 'ax' },
    { name: '$$ is a dollar', regex: 'a', input: 'a', template: '$$1', out: '$1' },
    { name: 'a lone dollar stays', regex: 'a', input: 'a', template: 'x$', out: 'x$' },
    { name: 'an unclosed brace keeps the dollar', regex: '(a)', input: 'a', template: '${1', out: '${1' },
    { name: 'a group beyond the last is empty', regex: '(a)', input: 'a', template: '<$9>', out: '<>' },
    { name: 'a group that did not take part is empty', regex: '(a)|(b)', input: 'b', template: '<$1|$2>', out: '<|b>' },
    { name: 'names expand, bare and braced', regex: '(?P<first>a)(?<second>b)', input: 'ab', template: '$second${first}', out: 'ba' },
    { name: 'an unknown name is empty', regex: '(?P<x>a)', input: 'a', template: '<$y>', out: '<>' },
    { name: 'a leading zero makes a name, not a number', regex: '(a)', input: 'a', template: '<$01>', out: '<>' },
    { name: '$0 is the whole match', regex: 'b+', input: 'abbc', template: '[$0]', out: 'a[bb]c' },
    { name: 'every match is replaced', regex: 'o', input: 'foo', template: '0', out: 'f00' },
    { name: 'an empty match after a match is skipped', regex: 'a*', input: 'baaac', template: '-', out: '-b-c-' },
  ];
  for (const c of cases) t.equal(replaceAllGo(compileGoRegexp(c.regex), c.input, c.template), c.out, c.name);
});

t.test('capture names follow RE2 numbering', async (t) => {
  t.same(captureNames('(a)(?:b)(?P<n>c)(?i)[(](?<m>d)\\(\\Q(\\E(e)'), ['', '', 'n', 'm', '']);
  t.same(captureNames('[]()][^]()](x)[[:alpha:](](y)'), ['', '', '']);
});
