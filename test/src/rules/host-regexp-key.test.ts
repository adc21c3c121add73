import t from 'tap';
import fc from 'fast-check';
import { hostRegexpKey, type HostRegexpKey } from '../../../src/rules/host-regexp-key.js';
import { canonicalHost, compileRule } from '../../../src/rules/compile.js';
import { compileRe2 } from '../../../src/rules/re2.js';
import { checkProperty } from '../../helpers/property.js';

// [case name, HostRegexp pattern (Go syntax, as written in a rule), key]
const cases: Array<[string, string, HostRegexpKey | null]> = [
  ['a literal tail after a class gives the part from its first dot', '^[a-z]+\\.example\\.com$', { suffix: '.example.com' }],
  ['a literal tail after `.+`', '^.+\\.tenant-1\\.example\\.com$', { suffix: '.tenant-1.example.com' }],
  ['a tail not starting at a dot is cut at its first dot', '^app[0-9]+x\\.example\\.com$', { suffix: '.example.com' }],
  ['a pattern not anchored at the start keeps its tail', 'example\\.com$', { suffix: '.com' }],
  ['`\\z` anchors the end as `$` does', '^[a-z]+\\.example\\.com\\z', { suffix: '.example.com' }],
  ['a whole literal between ^ and $ is one host', '^www\\.example\\.com$', { exact: 'www.example.com' }],
  ['the key is lower-cased (hosts are matched lower-cased)', '(?i)^[a-z]+\\.Example\\.COM$', { suffix: '.example.com' }],
  ['a whole literal in capitals is one lower-case host', '^WWW\\.example\\.com$', { exact: 'www.example.com' }],
  ['an alternation inside a group before the tail is fine', '^(api|www)\\.example\\.com$', { suffix: '.example.com' }],
  ['a `|` inside a class is not an alternation', '^[a|b]+\\.example\\.com$', { suffix: '.example.com' }],
  ['an escaped `|` is not an alternation', '^a\\|b\\.example\\.com$', { exact: 'a|b.example.com' }],
  ['an escaped `|` before a class is not an alternation', '^[a-z]\\|b\\.example\\.com$', { suffix: '.example.com' }],
  ['a repeat ends the tail: only what follows it counts', '^a\\.b*\\.example\\.com$', { suffix: '.example.com' }],
  ['no end anchor pins nothing', '^[a-z]+\\.example\\.com', null],
  ['an unanchored pattern pins nothing', 'example', null],
  ['an escaped `$` is not an anchor', '^[a-z]+\\.example\\.com\\$', null],
  ['a top-level alternation pins nothing (the anchor binds one branch)', '^a\\.example\\.com$|^b\\.example\\.org$', null],
  ['a top-level alternation after a group pins nothing', '^(a)\\.x\\.com|b\\.y\\.com$', null],
  ['a tail without a dot pins nothing', '^[a-z]+com$', null],
  ['an unescaped dot ends the tail', '^[a-z]+.example.com$', null],
  ['a class escape ends the tail', '^host\\d\\.example\\.com$', { suffix: '.example.com' }],
  ['a class escape right before the anchor pins nothing', '^[a-z]+\\.example\\.\\w$', null],
  ['a group right before the anchor pins nothing', '^[a-z]+\\.(com|org)$', null],
  ['a repeat right before the anchor pins nothing', '^[a-z]+\\.example\\.com?$', null],
  ['a counted repeat right before the anchor pins nothing', '^[a-z]+\\.example\\.c{2}$', null],
  ['\\Q…\\E quoting is not read', '^\\Qa.b\\E\\.example\\.com$', null],
  ['(?m) is not read (`$` could match before a newline)', '(?m)^[a-z]+\\.example\\.com$', null],
  ['only `^` is an anchor', '^$', null],
];

for (const [name, pattern, key] of cases) {
  t.test(name, async (t) => {
    t.same(hostRegexpKey(pattern), key, pattern);
  });
}

// [case name, rule, hostKeys]: what the route index files a rule under.
const ruleCases: Array<[string, string, string[] | null]> = [
  ['a Host gives its host', 'Host(`A.test`)', ['a.test']],
  ['a wildcard Host gives its wildcard', 'Host(`*.test`)', ['*.test']],
  ['a HostRegexp with a literal tail gives a suffix key', 'HostRegexp(`^.+\\.example\\.com$`)', ['~.example.com']],
  ['a literal HostRegexp gives an exact host', 'HostRegexp(`^a\\.test$`)', ['a.test']],
  ['a HostRegexp and-ed with a path gives its key', 'HostRegexp(`^.+\\.example\\.com$`) && PathPrefix(`/api`)', ['~.example.com']],
  ['a Host or-ed with a HostRegexp gives both', 'Host(`a.test`) || HostRegexp(`^.+\\.example\\.com$`)', ['a.test', '~.example.com']],
  ['a HostRegexp without a tail restricts nothing', 'HostRegexp(`^[a-z]+\\.`)', null],
  ['an or with an open HostRegexp restricts nothing', 'Host(`a.test`) || HostRegexp(`example`)', null],
  ['an open HostRegexp and-ed with a Host gives the Host', 'HostRegexp(`example`) && Host(`a.test`)', ['a.test']],
  ['a negated HostRegexp restricts nothing', '!HostRegexp(`^.+\\.example\\.com$`)', null],
  ['a negated Host beside a Host gives the Host', '!Host(`b.test`) && Host(`a.test`)', ['a.test']],
  ['Host star restricts nothing', 'Host(`*`)', null],
];

for (const [name, rule, keys] of ruleCases) {
  t.test(`hostKeys: ${name}`, async (t) => {
    t.same(compileRule(rule).hostKeys, keys, rule);
  });
}

// Whether a host is found under a key the way the route index looks it up.
function found(key: HostRegexpKey, host: string): boolean {
  if ('exact' in key) return host === key.exact;
  for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) if (host.slice(dot) === key.suffix) return true;
  return false;
}

// Patterns built from pieces that meet often: literal labels, classes, repeats, groups, alternations, anchors.
const piece = fc.constantFrom('a', 'b', 'x', '-', '\\.', '.', '[a-z]', '[ab]+', '\\d', '(a|b)', '(x)', '*', '+', '?', '|', '\\|', '{2}', 'com', '\\$', '\\z');
// A literal tail with a dot is what gets a key: drawn apart so that keyed patterns are common.
const tail = fc.constantFrom('', '\\.com', '\\.a\\.com', 'x\\.b', '\\.x-1', 'com');
const pattern = fc
  .tuple(fc.boolean(), fc.array(piece, { maxLength: 8 }), tail, fc.constantFrom('$', '', '\\z'))
  .map(([start, parts, literal, end]) => `${start ? '^' : ''}${parts.join('')}${literal}${end}`);
const host = fc.oneof(
  fc.array(fc.constantFrom('a', 'b', 'x', 'ab', 'com', '1', 'a-b', 'xx'), { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.string({ unit: fc.constantFrom('a', 'b', 'x', '.', '-', '1', 'c', 'o', 'm'), minLength: 1, maxLength: 10 }),
);

t.test('a pattern that matches a host is always found under its key', async (t) => {
  let keyed = 0;
  // Hosts drawn both at random and from the pattern itself (strings it matches), then made canonical as requests' are.
  const drawn = pattern.chain((source) => {
    let own: fc.Arbitrary<string[]> = fc.constant([]);
    try {
      const matching = fc.stringMatching(compileRe2(source));
      fc.sample(matching, { numRuns: 1, seed: 1 }); // fast-check refuses some syntax only when it generates
      own = fc.array(matching, { maxLength: 6 });
    } catch {
      // an invalid pattern, or one fast-check cannot generate from: random hosts only
    }
    return fc.tuple(fc.constant(source), own, fc.array(host, { maxLength: 4 }));
  });
  checkProperty(
    t,
    'hostRegexpKey never leaves out a host its pattern matches',
    fc.property(drawn, ([source, own, random]) => {
      let compiled;
      try {
        compiled = compileRule(`HostRegexp(\`${source}\`)`);
      } catch {
        return true; // not a valid pattern: never compiled into a router
      }
      const key = hostRegexpKey(source);
      if (key === null) return true;
      const matched = [...own, ...random].map(canonicalHost).filter((h) => compiled.match({ method: 'GET', host: h, path: '/', query: '', headers: {}, clientIp: '127.0.0.1' }));
      keyed += matched.length;
      return matched.every((h) => found(key, h));
    }),
    3000,
  );
  // The draw must reach the interesting case often: a keyed pattern matching a host.
  t.ok(keyed >= 500, `${keyed} matches of keyed patterns were checked`);
});
