import type { RuleArg, RuleNode } from './parser.js';

const SPACE = 0x20;
const TAB = 0x09;
const BACKTICK = 0x60;

// Go identifiers as the lexer reads them: ASCII letters, digits and underscores, not starting with a digit.
const isIdentStart = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isIdentPart = (code: number): boolean => isIdentStart(code) || (code >= 48 && code <= 57);

/**
 * Reads the shape nearly every generated rule has, ``Name(`arg`)`` joined by `&&` on one line, straight into
 * the tree the full parser would build (issue 8: a compile of 10,000 rules spent a third of its rule time in
 * tokens and parser closures). Anything else (other operators, quotes, several arguments, newlines, an
 * unknown matcher) returns undefined, and the full parser decides, errors included.
 */
export function parseSimpleRule(rule: string, names: ReadonlyMap<string, string>): RuleNode | undefined {
  const matchers: RuleNode[] = [];
  const end = rule.length;
  let pos = skipBlanks(rule, 0);
  for (;;) {
    const index = pos;
    if (pos >= end || !isIdentStart(rule.charCodeAt(pos))) return undefined;
    pos++;
    while (pos < end && isIdentPart(rule.charCodeAt(pos))) pos++;
    const name = names.get(rule.slice(index, pos));
    if (name === undefined || rule.charCodeAt(pos) !== 0x28 || rule.charCodeAt(pos + 1) !== BACKTICK) return undefined;
    const open = pos + 1;
    const close = rule.indexOf('`', open + 1);
    if (close < 0 || rule.charCodeAt(close + 1) !== 0x29) return undefined;
    const value = rule.slice(open + 1, close);
    // Go drops carriage returns inside raw strings, and a newline there is the full parser's to judge.
    if (value.includes('\r')) return undefined;
    const args: RuleArg[] = [{ value, index: open }];
    matchers.push({ kind: 'matcher', name, args, index, negated: false });
    pos = skipBlanks(rule, close + 2);
    if (pos >= end) break;
    if (rule.charCodeAt(pos) !== 0x26 || rule.charCodeAt(pos + 1) !== 0x26) return undefined;
    pos = skipBlanks(rule, pos + 2);
  }
  return matchers.length === 1 ? matchers[0] : { kind: 'and', children: matchers };
}

function skipBlanks(rule: string, from: number): number {
  let pos = from;
  while (pos < rule.length && (rule.charCodeAt(pos) === SPACE || rule.charCodeAt(pos) === TAB)) pos++;
  return pos;
}
