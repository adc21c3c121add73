import t from 'tap';
import { compileRule, RuleError } from '../../../src/rules/compile.js';

// [case name, rule, fragment the message must contain]
const rejected: Array<[string, string, string]> = [
  ['an empty rule is rejected', '', 'empty rule'],
  ['a blank rule is rejected', '   ', 'empty rule'],
  ['a camel-cased matcher name is unknown', 'pathPrefix(`/a`)', 'unknown matcher "pathPrefix" at position 1'],
  ['a mixed-case matcher name is unknown', 'HostRegExp(`a`)', 'unknown matcher "HostRegExp"'],
  ['a v2-only matcher is unknown', 'HostHeader(`a`)', 'unknown matcher "HostHeader"'],
  ['the v2 Headers matcher is unknown', 'Headers(`a`, `b`)', 'unknown matcher "Headers"'],
  ['a matcher name without a call is rejected', 'Host', 'expected "(" after Host at position 5'],
  ['Host with no argument is rejected', 'Host()', 'Host takes 1 argument, got 0'],
  ['Host with two arguments is rejected (v2 syntax)', 'Host(`a.com`, `b.com`)', 'Host takes 1 argument, got 2'],
  ['HostRegexp with two arguments is rejected', 'HostRegexp(`a`, `b`)', 'HostRegexp takes 1 argument, got 2'],
  ['Path with two arguments is rejected', 'Path(`/css`, `/js`)', 'Path takes 1 argument, got 2'],
  ['PathPrefix with no argument is rejected', 'PathPrefix()', 'PathPrefix takes 1 argument, got 0'],
  ['PathRegexp with two arguments is rejected', 'PathRegexp(`/a`, `/b`)', 'PathRegexp takes 1 argument, got 2'],
  ['Method with two arguments is rejected (v2 syntax)', 'Method(`GET`, `POST`)', 'Method takes 1 argument, got 2'],
  ['ClientIP with two arguments is rejected (v2 syntax)', 'ClientIP(`127.0.0.1`, `10.0.0.0/8`)', 'ClientIP takes 1 argument, got 2'],
  ['Header with one argument is rejected', 'Header(`X-A`)', 'Header takes 2 arguments, got 1'],
  ['Header with three arguments is rejected', 'Header(`X-A`, `a`, `b`)', 'Header takes 2 arguments, got 3'],
  ['HeaderRegexp with one argument is rejected', 'HeaderRegexp(`X-A`)', 'HeaderRegexp takes 2 arguments, got 1'],
  ['Query with no argument is rejected', 'Query()', 'Query takes 1 or 2 arguments, got 0'],
  ['Query with three arguments is rejected', 'Query(`q`, `a`, `b`)', 'Query takes 1 or 2 arguments, got 3'],
  ['QueryRegexp with three arguments is rejected', 'QueryRegexp(`q`, `a`, `b`)', 'QueryRegexp takes 1 or 2 arguments, got 3'],
  ['single-quoted arguments are rejected', "Host('example.com')", 'single quotes are not allowed'],
  ['unquoted arguments are rejected', 'Host(example.com)', 'unquoted arguments are not allowed'],
  ['integer arguments are rejected', 'Host(42)', 'numbers are not allowed'],
  ['float arguments are rejected', 'Path(1.5)', 'numbers are not allowed'],
  ['an empty Host argument is rejected', 'Host(``)', 'empty argument for Host matcher at position 6'],
  ['an empty double-quoted argument is rejected', 'Path("")', 'empty argument for Path matcher'],
  ['an empty Header value is rejected', 'Header(`X-A`, ``)', 'empty argument for Header matcher at position 15'],
  ['an empty Header key is rejected', 'Header(``, `a`)', 'empty argument for Header matcher at position 8'],
  ['an empty Query key is rejected', 'Query(``)', 'empty argument for Query matcher'],
  ['an empty Query value is rejected', 'Query(`q`, ``)', 'empty argument for Query matcher'],
  ['an empty QueryRegexp argument is rejected', 'QueryRegexp(``)', 'empty argument for QueryRegexp matcher'],
  ['an empty Method is rejected', 'Method(``)', 'empty argument for Method matcher'],
  ['an empty ClientIP is rejected', 'ClientIP(``)', 'empty argument for ClientIP matcher'],
  ['an unclosed call is rejected', 'Host(`a`', 'expected ")" at position 9'],
  ['an unclosed group is rejected', '(Host(`a`) || Path(`/`)', 'unbalanced parentheses: this "(" is never closed at position 1'],
  ['a group followed by a matcher without an operator is rejected', '(Host(`a`) Path(`/`))', 'expected ")" but found "Path" at position 12'],
  ['arguments without a comma are rejected', 'Header(`a` `b`)', 'expected ")" but found string "b" at position 12'],
  ['an extra closing parenthesis is rejected', 'Host(`a`))', 'unexpected ")" after a complete expression at position 10'],
  ['a trailing && is rejected', 'Host(`a`) &&', 'expected a matcher, found end of rule at position 13'],
  ['a trailing || is rejected', 'Host(`a`) ||', 'expected a matcher, found end of rule'],
  ['a leading && is rejected', '&& Host(`a`)', 'expected a matcher, found "&&" at position 1'],
  ['a single & is rejected', 'Host(`a`) & Path(`/`)', 'unexpected character "&" at position 11'],
  ['a word operator is rejected', 'Host(`a`) and Path(`/`)', 'unexpected "and" after a complete expression'],
  ['two matchers without an operator are rejected', 'Host(`a`) Path(`/`)', 'unexpected "Path" after a complete expression'],
  ['an empty group is rejected', '()', 'expected a matcher, found ")"'],
  ['a bare string is rejected', '`example.com`', 'expected a matcher, found string'],
  ['an operator starting the next line is rejected, as in Go', 'Host(`a`)\n&& Path(`/`)', 'unexpected newline'],
  ['an unterminated raw string is rejected', 'Host(`a)', 'raw string literal not terminated at position 6'],
  ['an unterminated double-quoted string is rejected', 'Host("a)', 'string literal not terminated'],
  ['a newline inside a double-quoted string is rejected', 'Host("a\nb")', 'string literal not terminated'],
  ['an unknown string escape is rejected', 'Path("/\\.png")', 'unknown escape sequence "\\."'],
  ['an escaped single quote in a string is rejected', 'Path("/\\\'")', 'unknown escape sequence'],
  ['a short hex escape is rejected', 'Path("/\\x6")', 'invalid escape sequence "\\x"'],
  ['a surrogate unicode escape is rejected', 'Path("/\\ud800")', 'invalid Unicode code point'],
  ['a Path without a leading slash is rejected', 'Path(`css`)', 'path "css" for Path matcher does not start with a "/"'],
  ['a PathPrefix without a leading slash is rejected', 'PathPrefix(`css`)', 'does not start with a "/"'],
  ['a non-ASCII Host is rejected', 'Host(`🦭.com`)', 'non-ASCII characters are not allowed'],
  ['a non-ASCII HostRegexp is rejected', 'HostRegexp(`🦭.com`)', 'non-ASCII characters are not allowed'],
  ['a Host that is not a host name is rejected', 'Host(`/`)', 'not a host name'],
  ['a Host with a star inside is rejected', 'Host(`foo.*.com`)', 'not a host name'],
  ['an invalid HostRegexp is rejected', 'HostRegexp(`(example.com`)', 'invalid regexp "(example.com" for HostRegexp matcher'],
  ['an invalid PathRegexp is rejected', 'PathRegexp(`/(css`)', 'for PathRegexp matcher'],
  ['an invalid HeaderRegexp is rejected at its pattern', 'HeaderRegexp(`X-A`, `(x`)', 'for HeaderRegexp matcher: missing closing ): "(x" at position 21'],
  ['an invalid QueryRegexp is rejected', 'QueryRegexp(`q`, `(traefik`)', 'for QueryRegexp matcher'],
  ['a backreference is rejected as in RE2', 'PathRegexp(`(a)\\1`)', 'backreferences are not supported'],
  ['a lookahead is rejected as in RE2', 'PathRegexp(`^/a(?=b)`)', 'invalid or unsupported Perl syntax'],
  ['a lookbehind is rejected as in RE2', 'PathRegexp(`(?<=a)b`)', 'invalid or unsupported Perl syntax'],
  ['the ungreedy flag is rejected', 'PathRegexp(`(?U)a+`)', 'ungreedy flag (?U) is not supported'],
  ['a repeat count above 1000 is rejected as in RE2', 'PathRegexp(`a{1001}`)', 'invalid repeat count'],
  ['an unclosed class is rejected', 'PathRegexp(`[a-z`)', 'missing closing ]'],
  ['an unknown escape in a regexp is rejected', 'PathRegexp(`\\Z`)', 'invalid escape sequence: \\Z'],
  ['an unknown POSIX class is rejected', 'PathRegexp(`[[:foo:]]`)', 'invalid character class range'],
  ['an unknown Unicode script is rejected', 'PathRegexp(`\\p{Klingon}`)', 'for PathRegexp matcher'],
  ['a nested repetition is rejected', 'PathRegexp(`a**`)', 'for PathRegexp matcher'],
  ['a ClientIP that is not an address is rejected', 'ClientIP(`1`)', 'invalid value "1" for ClientIP matcher'],
  ['a ClientIP with a bad prefix length is rejected', 'ClientIP(`10.0.0.0/33`)', 'invalid value "10.0.0.0/33" for ClientIP matcher'],
  ['a ClientIP host name is rejected', 'ClientIP(`localhost`)', 'for ClientIP matcher'],
  ['parentheses nested too deeply are rejected', '('.repeat(101) + 'Path(`/`)' + ')'.repeat(101), 'parentheses nested deeper than 100 at position 101'],
  ['an error deep in a rule is reported at its place', 'Host(`a`) && (Path(`/a`) || Path(`b`))', 'does not start with a "/" at position 34'],
];

for (const [name, rule, fragment] of rejected) {
  t.test(name, async (t) => {
    t.throws(() => compileRule(rule), RuleError);
    try {
      compileRule(rule);
    } catch (err) {
      t.match((err as Error).message, fragment);
      t.ok((err as Error).message.startsWith(`Rule "${rule}" : `), 'the message quotes the rule');
    }
  });
}

t.test('a rule error carries the rule-syntax code and the position', async (t) => {
  try {
    compileRule('Host(`a`');
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof RuleError);
    t.ok(err instanceof Error);
    t.equal((err as RuleError).code, 'SY_ERR_RULE_SYNTAX');
    t.equal((err as RuleError).position, 9);
    t.equal((err as Error).message, 'Rule "Host(`a`" : expected ")" at position 9');
  }
});
