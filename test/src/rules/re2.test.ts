import t from 'tap';
import { compileRe2 } from '../../../src/rules/re2.js';

// [case name, Go pattern, input, expected] — RE2 semantics that a naive `new RegExp` would get wrong.
const cases: Array<[string, string, string, boolean]> = [
  ['a leading (?i) becomes a flag', '(?i)^abc$', 'ABC', true],
  ['combined leading flags are read', '(?is)^a.c$', 'A\nC', true],
  ['a leading negative flag is a no-op', '(?-i)^abc$', 'abc', true],
  ['dot excludes only the newline', '^a.c$', 'a\u2028c', true],
  ['dot excludes the newline', '^a.c$', 'a\nc', false],
  ['dot matches a whole astral code point', '^.$', '😀', true],
  ['(?s) dot matches a newline', '(?s)^a.c$', 'a\nc', true],
  ['(?s:) scopes dot-all to its group', '^(?s:a.)b.$', 'a\nb\n', false],
  ['$ does not match before a final newline', '^abc$', 'abc\n', false],
  ['(?m) ^ matches after a newline', '(?m)^b', 'a\nb', true],
  ['(?m) ^ does not match after a carriage return', '(?m)^b', 'a\rb', false],
  ['(?m) $ matches before a newline', '(?m)a$', 'a\nb', true],
  ['\\A anchors at the start of text', '\\Aa', 'ba', false],
  ['\\z anchors at the end of text', 'a\\z', 'ab', false],
  ['\\s is ASCII whitespace', '^\\s$', '\t', true],
  ['\\s excludes the vertical tab', '^\\s$', '\v', false],
  ['\\s excludes Unicode spaces', '^\\s$', '\u2003', false],
  ['\\S matches a Unicode space', '^\\S$', '\u2003', true],
  ['\\d is ASCII digits', '^\\d$', '٣', false],
  ['\\w is ASCII word characters', '^\\w+$', 'héllo', false],
  ['a named group in P syntax works', '^(?P<n>a+)$', 'aaa', true],
  ['a named group in angle syntax works', '^(?<n>a+)$', 'aaa', true],
  ['a group name JS would refuse is accepted as in RE2', '^(?P<1a>a+)$', 'aa', true],
  ['\\Q..\\E quotes metacharacters', '^\\Q.*+?\\E$', '.*+?', true],
  ['\\Q without \\E quotes to the end', '^\\Q(a)', '(a)', true],
  ['\\x{...} is a code point', '^\\x{1F600}$', '😀', true],
  ['\\xHH is a code point', '^\\x41$', 'A', true],
  ['an octal escape is a code point', '^\\101$', 'A', true],
  ['\\0 is NUL', '^\\0$', '\0', true],
  ['\\a is the bell', '^\\a$', '\x07', true],
  ['escaped punctuation is literal', '^\\-\\#\\@\\/$', '-#@/', true],
  ['escaped punctuation inside a class is literal', '^[\\-a]+$', '-a-', true],
  ['a dash escape in a class is not a range', '^[a\\-z]$', 'm', false],
  ['a POSIX class works', '^[[:digit:][:upper:]]+$', '9Z', true],
  ['a POSIX punct class works', '^[[:punct:]]+$', '!/[`~', true],
  ['a one-letter Unicode class works', '^\\pL+$', 'héllo', true],
  ['a negated Unicode class works', '^\\PL$', '1', true],
  ['a caret-negated Unicode class works', '^\\p{^Greek}$', 'a', true],
  ['a Unicode script works', '^\\p{Greek}+$', 'αβ', true],
  ['a Unicode category works', '^\\p{Lu}$', 'É', true],
  ['Any matches anything', '^\\p{Any}$', '\n', true],
  ['a lone brace is a literal', '^a{$', 'a{', true],
  ['an open-ended repeat works', '^a{2,}$', 'aaa', true],
  ['a bounded repeat works', '^a{2,3}$', 'aaaa', false],
  ['a brace without digits is literal', '^a{,2}$', 'a{,2}', true],
  ['a closing bracket alone is literal', '^a]$', 'a]', true],
  ['a bracket first in a negated class is literal', '^[^]a]$', ']', false],
  ['an opening bracket in a class is literal', '^[[a]+$', '[a', true],
  ['a mid-pattern (?i) reaches the end of its group only', '^(a(?i)b)c$', 'aBc', true],
  ['a mid-pattern (?i) does not leave its group', '^(a(?i)b)c$', 'aBC', false],
  ['a mid-pattern (?-i) turns a leading (?i) off', '(?i)^a(?-i)b$', 'Ab', true],
  ['a mid-pattern (?-i) is case-sensitive after it', '(?i)^a(?-i)b$', 'AB', false],
  ['a mid-pattern flag spans later alternatives', '^a(?i)b$|^c$', 'C', true],
  ['a mid-pattern flag does not reach earlier alternatives', '^c$|^a(?i)b$', 'C', false],
  ['a mid-pattern (?s) changes dot for the rest of the group', '^a(?s).$', 'a\n', true],
  ['alternation is leftmost-first but matching is unaffected', 'a|ab', 'xab', true],
  ['a lazy repeat works', '^a+?$', 'aa', true],
  ['a non-capturing group works', '^(?:a|b)+$', 'abba', true],
  ['a non-capturing group keeps the outer flags', '(?i)^(?:a|b)+$', 'ABBA', true],
];

for (const [name, pattern, input, expected] of cases) {
  t.test(name, async (t) => {
    t.equal(compileRe2(pattern).test(input), expected, `${pattern} on ${JSON.stringify(input)}`);
  });
}

// [case name, Go pattern, message fragment]
const refused: Array<[string, string, string]> = [
  ['a backreference is refused', '(a)\\1', 'backreferences are not supported'],
  ['a negative lookahead is refused', 'a(?!b)', 'invalid or unsupported Perl syntax'],
  ['a comment group is refused', '(?#x)a', 'invalid or unsupported Perl syntax'],
  ['\\C is refused', 'a\\C', 'invalid escape sequence'],
  ['\\Z is refused', 'a\\Z', 'invalid escape sequence'],
  ['a trailing backslash is refused', 'a\\', 'trailing backslash'],
  ['an empty flag group is refused', '(?)a', 'missing flag'],
  ['a dangling negative flag is refused', '(?i-)a', 'missing flag'],
  ['an unbalanced closing parenthesis is refused', 'a)', 'unexpected )'],
  ['an unbalanced opening parenthesis is refused', '(a', 'missing closing )'],
  ['a repeat above 1000 is refused', 'a{2,1001}', 'invalid repeat count'],
  ['a reversed repeat is refused', 'a{3,2}', 'invalid repeat count'],
  ['a negated POSIX class is refused', '[[:^alpha:]]', 'not supported'],
  ['a bad \\x escape is refused', '\\xZZ', 'invalid escape sequence'],
  ['a \\b inside a class is refused', '[\\b]', 'invalid escape sequence'],
  ['a duplicate group name is refused', '(?P<n>a)(?P<n>b)', 'duplicate capture group name'],
  ['an invalid group name is refused', '(?P<a-b>x)', 'invalid named capture'],
];
for (const [name, pattern, fragment] of refused) {
  t.test(name, async (t) => {
    t.throws(() => compileRe2(pattern), { message: new RegExp(fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  });
}
