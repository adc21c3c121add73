import t from 'tap';
import fc from 'fast-check';
import { compileRule, type MatchRequest } from '../../../src/rules/compile.js';
import { SwitchyardError } from '../../../src/errors.js';
import { hostMatches } from '../../../src/rules/host.js';
import { checkProperty } from '../../helpers/property.js';

// The rule parser on arbitrary input: it compiles or throws our syntax error, nothing else, and a
// compiled rule is exactly the boolean combination of its matchers. Regular expressions come from
// a fixed set free of nested repeats: JavaScript regexps backtrack (Go's RE2 does not), so
// arbitrary patterns could take exponential time on a crafted path.

/** Compiles, or returns the error when it is the expected syntax error; rethrows anything else. */
function compileOrSyntaxError(rule: string): unknown {
  try {
    return compileRule(rule);
  } catch (err) {
    if (err instanceof SwitchyardError && err.code === 'SY_ERR_RULE_SYNTAX') return err;
    throw err;
  }
}

const ruleAlphabet = fc.constantFrom(
  'Host', 'HostRegexp', 'Path', 'PathPrefix', 'PathRegexp', 'Method', 'Header', 'HeaderRegexp', 'Query', 'QueryRegexp', 'ClientIP', 'host', 'PATH',
  '(', ')', '`', '"', "'", ',', ' ', '&&', '||', '!', '&', '|', '\\', '/', '/a', '.', '*', '{', '}', '[', ']', '^', '$', '+', '?', 'x', 'a.test', '10.0.0.0/8', '%', '\n', '\u00e9', '(?i)', '(?P<n>', '\\Q', '\\x{41}',
);

t.test('arbitrary strings compile or fail with a rule syntax error', async (t) => {
  checkProperty(t, 'any string', fc.property(fc.string({ maxLength: 120, unit: 'binary' }), (rule) => void compileOrSyntaxError(rule)), 3000);
  checkProperty(t, 'strings made of rule tokens', fc.property(fc.array(ruleAlphabet, { maxLength: 40 }), (parts) => void compileOrSyntaxError(parts.join(''))), 3000);
});

/** A well-formed rule as a tree, rendered to text and evaluated leaf by leaf. */
type Tree = { leaf: string } | { not: Tree } | { and: [Tree, Tree] } | { or: [Tree, Tree] } | { paren: Tree };

const quote = fc.constantFrom('`', '"');
// A Go interpreted string needs its backslashes and quotes escaped; a raw (backquoted) one does not.
const q = (s: string) => quote.map((c) => (c === '`' ? `\`${s}\`` : `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`));
const safeRegexp = fc.constantFrom('^/a', '[a-z]+', '^/api/v[0-9]+', '\\.json$', '(?i)^/FOO', 'x|y', '^[^.]+\\.test$', '^$', '.*');
const leaf: fc.Arbitrary<Tree> = fc
  .oneof(
    fc.tuple(fc.constantFrom('Host', 'host'), fc.constantFrom('a.test', 'B.test', '*.test', 'a.test.')).chain(([m, h]) => q(h).map((s) => `${m}(${s})`)),
    safeRegexp.chain((r) => q(r).map((s) => `HostRegexp(${s})`)),
    fc.constantFrom('/', '/a', '/api/v1', '/foo.json').chain((p) => q(p).map((s) => `Path(${s})`)),
    fc.constantFrom('/', '/a', '/api').chain((p) => q(p).map((s) => `PathPrefix(${s})`)),
    safeRegexp.chain((r) => q(r).map((s) => `PathRegexp(${s})`)),
    fc.constantFrom('GET', 'post').chain((m) => q(m).map((s) => `Method(${s})`)),
    fc.constantFrom('v', 'w').map((v) => `Header(\`X-A\`, \`${v}\`)`),
    safeRegexp.map((r) => `HeaderRegexp(\`x-a\`, \`${r}\`)`),
    fc.constantFrom('Query(`k`, `v`)', 'Query(`k`)', 'QueryRegexp(`k`, `^v`)', 'ClientIP(`10.0.0.0/8`)', 'ClientIP(`127.0.0.1`)', 'ClientIP(`::1`)'),
  )
  .map((text) => ({ leaf: text }));
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('t').map((x) => ({ not: x })),
    fc.tuple(tie('t'), tie('t')).map((pair) => ({ and: pair })),
    fc.tuple(tie('t'), tie('t')).map((pair) => ({ or: pair })),
    tie('t').map((x) => ({ paren: x })),
  ),
})).t;

function render(node: Tree): string {
  if ('leaf' in node) return node.leaf;
  if ('not' in node) return `!${wrap(node.not)}`;
  if ('paren' in node) return `(${render(node.paren)})`;
  if ('and' in node) return `${wrap(node.and[0])} && ${wrap(node.and[1])}`;
  return `${wrap(node.or[0])} || ${wrap(node.or[1])}`;
}
// Operands are parenthesised unless they are leaves, so precedence never decides the meaning.
const wrap = (node: Tree): string => ('leaf' in node || 'paren' in node ? render(node) : `(${render(node)})`);

function evaluate(node: Tree, req: MatchRequest): boolean {
  if ('leaf' in node) return compileRule(node.leaf).match(req);
  if ('not' in node) return !evaluate(node.not, req);
  if ('paren' in node) return evaluate(node.paren, req);
  if ('and' in node) return evaluate(node.and[0], req) && evaluate(node.and[1], req);
  return evaluate(node.or[0], req) || evaluate(node.or[1], req);
}

const request: fc.Arbitrary<MatchRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'get'),
  host: fc.constantFrom('a.test', 'b.test', 'x.a.test', '', 'foo'),
  path: fc.oneof(fc.constantFrom('/', '/a', '/api/v1', '/api/v12/x', '/foo.json', '/FOO'), fc.string({ maxLength: 30 }).map((s) => `/${s}`)),
  query: fc.constantFrom('', 'k=v', 'k=w&k=v', 'k', 'a=1'),
  headers: fc.constantFrom({}, { 'x-a': 'v' }, { 'x-a': ['w', 'v'] }, { 'x-a': 'xyz' }),
  clientIp: fc.constantFrom('10.1.2.3', '127.0.0.1', '::1', '192.168.0.1', '::ffff:10.0.0.1'),
});

t.test('well-formed rules compile and match as the boolean combination of their matchers', async (t) => {
  checkProperty(
    t,
    'compiled rule equals evaluated tree',
    fc.property(tree, fc.array(request, { minLength: 1, maxLength: 4 }), (node, requests) => {
      const compiled = compileRule(render(node));
      for (const req of requests) if (compiled.match(req) !== evaluate(node, req)) return false;
      return true;
    }),
    1500,
  );
});

t.test('the host index of a rule never leaves out a host the rule matches', async (t) => {
  // The route index looks rules up by host: a host missing from `hosts` would make a route unreachable.
  checkProperty(
    t,
    'matched hosts are indexed',
    fc.property(tree, fc.array(request, { minLength: 1, maxLength: 6 }), (node, requests) => {
      const compiled = compileRule(render(node));
      if (compiled.hosts === null) return true;
      const hosts = compiled.hosts;
      return requests.every((req) => !compiled.match(req) || hosts.some((h) => hostMatches(h, req.host)));
    }),
    1500,
  );
});

t.test('the path index of a rule never leaves out a path the rule matches', async (t) => {
  // The route index also looks rules up by path prefix: a matching path outside `paths` would make a route unreachable.
  checkProperty(
    t,
    'matched paths are indexed',
    fc.property(tree, fc.array(request, { minLength: 1, maxLength: 6 }), (node, requests) => {
      const compiled = compileRule(render(node));
      if (compiled.paths === null) return true;
      const paths = compiled.paths;
      return requests.every((req) => !compiled.match(req) || paths.some((p) => req.path.startsWith(p)));
    }),
    1500,
  );
});
