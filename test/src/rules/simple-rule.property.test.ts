import t from 'tap';
import fc from 'fast-check';
import { parseFullRule, parseRule } from '../../../src/rules/parser.js';
import { parseSimpleRule } from '../../../src/rules/simple-rule.js';
import { MATCHER_NAMES } from '../../../src/rules/matchers.js';
import { checkProperty } from '../../helpers/property.js';

// The fast path for ``Name(`arg`) && ...`` must give exactly the full parser's tree, or step aside: on any
// text it either returns what parseFullRule returns, or undefined (and parseRule then answers as before).

/** The full parser's tree, or the message it throws. */
function full(rule: string): unknown {
  try {
    return parseFullRule(rule, MATCHER_NAMES);
  } catch (err) {
    return `throws: ${(err as Error).message}`;
  }
}

const pieces = fc.constantFrom(
  'Host', 'host', 'PATH', 'PathPrefix', 'Path', 'Method', 'Header', 'Nope', '_x', '(', ')', '`', '"', ',', ' ', '\t', '\n', '\r', '&&', '&', '||', '!',
  '`a.test`', '`/p`', '`/`', '``', '`x\ry`', '`a\nb`', 'h1.bench', '/p1',
);

const cases: Array<[string, string]> = [
  ['one matcher', 'Host(`a.test`)'],
  ['the benchmark shape', 'Host(`h1.bench`) && PathPrefix(`/p1`)'],
  ['three matchers, other spellings and tabs', "host(`A.test`)\t&&\tPATH(`/x`)&&Method(`get`)"],
  ['leading and trailing blanks', '  Host(`a`) && Path(`/b`)  '],
  ['an empty argument', 'Host(``)'],
  ['a carriage return inside', 'Host(`a\r`)'],
  ['a newline inside', 'Host(`a\nb`) && Path(`/`)'],
  ['an unknown matcher', 'Nope(`a`)'],
  ['an or', 'Host(`a`) || Host(`b`)'],
  ['a trailing operator', 'Host(`a`) &&'],
  ['two arguments', 'Header(`a`, `b`)'],
  ['a double-quoted argument', 'Host("a")'],
  ['a space before the parenthesis', 'Host (`a`)'],
  ['an empty rule', ''],
];

t.test('the fast path gives the full parser tree or steps aside', async (t) => {
  for (const [name, rule] of cases) {
    const simple = parseSimpleRule(rule, MATCHER_NAMES);
    if (simple !== undefined) t.same(simple, full(rule), name);
    t.same(((): unknown => { try { return parseRule(rule, MATCHER_NAMES); } catch (err) { return `throws: ${(err as Error).message}`; } })(), full(rule), `${name}: parseRule answers as the full parser`);
  }
  t.ok(parseSimpleRule('Host(`h1.bench`) && PathPrefix(`/p1`)', MATCHER_NAMES), 'the benchmark shape takes the fast path');
  checkProperty(
    t,
    'rules made of rule pieces',
    fc.property(fc.array(pieces, { maxLength: 24 }), (parts) => {
      const rule = parts.join('');
      const simple = parseSimpleRule(rule, MATCHER_NAMES);
      return simple === undefined || JSON.stringify(simple) === JSON.stringify(full(rule));
    }),
    5000,
  );
  checkProperty(
    t,
    'well-formed conjunctions',
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('Host', 'PathPrefix', 'Path', 'Method', 'path', 'Header'), fc.string({ maxLength: 8 }).filter((s) => !s.includes('`')), fc.constantFrom('', ' ', '\t', '  ')), { minLength: 1, maxLength: 5 }),
      (parts) => {
        const rule = parts.map(([m, a, s]) => `${s}${m}(\`${a}\`)${s}`).join('&&');
        const simple = parseSimpleRule(rule, MATCHER_NAMES);
        return simple === undefined || JSON.stringify(simple) === JSON.stringify(full(rule));
      },
    ),
    3000,
  );
});
