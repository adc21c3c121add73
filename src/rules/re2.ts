/**
 * Translation of Go RE2 regular expressions (what Traefik compiles) into JavaScript RegExps.
 *
 * The output always has the `u` flag so that, as in Go, `.` and classes work on code points, and
 * Go semantics are kept by rewriting rather than by JS flags:
 * - `.` becomes `[^\n]` (any character under `(?s)`): JS's `.` also refuses \r, U+2028, U+2029;
 * - `^`/`$` under `(?m)` become lookarounds on `\n` only (JS also breaks lines at \r, U+2028/9);
 * - `\s` is `[\t\n\f\r ]` (JS's adds \v and Unicode spaces), `\A`/`\z` are `^`/`$`;
 * - `(?P<n>…)` groups become plain groups, `\Q…\E`, `\x{…}`, octal, `\a`, POSIX `[[:alpha:]]`
 *   and Unicode `\pL` / `\p{Greek}` are spelled the JS way;
 * - a `{` that does not start a repeat, and a lone `]` or `}`, are literals as in RE2;
 * - a leading `(?i)` becomes the `i` flag; later changes of `i` use JS modifier groups.
 * What RE2 refuses is refused: backreferences, lookarounds, `\C`, `\Z`, repeats above 1000.
 *
 * Known remaining differences: `(?U)` (ungreedy) is refused; a negated POSIX class inside a
 * class is refused; inside a class `\S` is JS's (it also excludes \v and Unicode spaces); with
 * `(?i)` JS's `\w`/`\b` also accept U+017F and U+212A; Go's repeat-size limits on nested
 * repeats are not checked; changing `(?i)` after the start needs RegExp modifiers (Node.js 23+),
 * older runtimes refuse such patterns rather than match them differently.
 */

import { translateEscape } from './re2-escape.js';

const MODIFIERS = ((): boolean => {
  try {
    new RegExp('(?i:a)', 'u');
    return true;
  } catch {
    return false;
  }
})();

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

interface Scope {
  i: boolean;
  s: boolean;
  m: boolean;
  /** Whether the JS output is case-insensitive at this group's start. */
  base: boolean;
  /** An `(?i:` / `(?-i:` wrapper opened by a bare mid-group flag change, closed at `|` and `)`. */
  wrap: string | undefined;
}

/** Compiles a Go RE2 pattern into an equivalent JavaScript RegExp; throws an Error saying why when it cannot. */
export function compileRe2(pattern: string): RegExp {
  const t = new Translator(pattern);
  const source = t.translate();
  try {
    return new RegExp(source, t.globalI ? 'iu' : 'u');
  } catch (err) {
    throw new Error(`${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

class Translator {
  globalI = false;
  private pos = 0;
  private out = '';
  private readonly stack: Scope[] = [];
  private readonly names = new Set<string>();

  private readonly p: string;

  constructor(p: string) {
    this.p = p;
  }

  translate(): string {
    const top: Scope = { i: false, s: false, m: false, base: false, wrap: undefined };
    // Leading flag groups become the regexp's own flags, so no modifier support is needed for them.
    for (let m; (m = /^\(\?([imsU]*(?:-[imsU]*)?)\)/.exec(this.p.slice(this.pos))); ) {
      this.applyFlags(top, m[1]);
      this.pos += m[0].length;
    }
    this.globalI = top.i;
    top.base = top.i;
    this.stack.push(top);
    while (this.pos < this.p.length) this.step();
    if (this.stack.length > 1) throw new Error('missing closing ): ' + JSON.stringify(this.p));
    if (top.wrap) this.out += ')';
    return this.out;
  }

  private get scope(): Scope {
    return this.stack[this.stack.length - 1];
  }

  private step(): void {
    const c = this.p[this.pos];
    const sc = this.scope;
    switch (c) {
      case '\\':
        this.out += this.escape(false);
        return;
      case '[':
        this.out += this.charClass();
        return;
      case '(':
        this.group();
        return;
      case ')':
        if (this.stack.length === 1) throw new Error('unexpected ): ' + JSON.stringify(this.p));
        this.out += (sc.wrap ? ')' : '') + ')';
        this.stack.pop();
        this.pos++;
        return;
      case '|':
        this.out += sc.wrap ? `)|${sc.wrap}` : '|';
        this.pos++;
        return;
      case '.':
        this.out += sc.s ? '[\\s\\S]' : '[^\\n]';
        this.pos++;
        return;
      case '^':
        this.out += sc.m ? '(?<![^\\n])' : '^';
        this.pos++;
        return;
      case '$':
        this.out += sc.m ? '(?![^\\n])' : '$';
        this.pos++;
        return;
      case '{': {
        const rep = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.pos));
        if (rep) {
          const min = Number(rep[1]);
          const max = rep[2] === undefined ? min : rep[3] === '' ? min : Number(rep[3]);
          if (min > 1000 || max > 1000 || max < min) throw new Error(`invalid repeat count: ${rep[0]}`);
          this.out += rep[0];
          this.pos += rep[0].length;
        } else {
          this.out += '\\{';
          this.pos++;
        }
        return;
      }
      case '}':
      case ']':
        this.out += '\\' + c;
        this.pos++;
        return;
      default: {
        const cp = this.p.codePointAt(this.pos)!;
        this.out += String.fromCodePoint(cp);
        this.pos += cp > 0xffff ? 2 : 1;
      }
    }
  }

  private applyFlags(scope: Scope, flags: string): void {
    if (flags === '' || flags === '-' || flags.endsWith('-')) throw new Error(`missing flag in (?${flags})`);
    let on = true;
    for (const f of flags) {
      if (f === '-') on = false;
      else if (f === 'U') throw new Error('ungreedy flag (?U) is not supported');
      else scope[f as 'i' | 's' | 'm'] = on;
    }
  }

  private group(): void {
    const rest = this.p.slice(this.pos);
    const parent = this.scope;
    const inherit: Scope = { i: parent.i, s: parent.s, m: parent.m, base: parent.i, wrap: undefined };
    const named = /^\(\?P?<([^>]*)>/.exec(rest);
    if (named) {
      // Names never matter for matching; RE2's rules are checked and the group stays unnamed,
      // since RE2 allows names (like "1a") that JS does not.
      if (!/^[A-Za-z0-9_]+$/.test(named[1])) throw new Error(`invalid named capture: ${named[0]}`);
      if (this.names.has(named[1])) throw new Error(`duplicate capture group name: ${named[1]}`);
      this.names.add(named[1]);
      this.out += '(';
      this.pos += named[0].length;
      this.stack.push(inherit);
      return;
    }
    const flagged = /^\(\?([imsU-]*)([:)])/.exec(rest);
    if (flagged) {
      if (flagged[1] === '' && flagged[2] === ')') throw new Error('missing flag in (?)');
      this.pos += flagged[0].length;
      if (flagged[2] === ':') {
        if (flagged[1] !== '') this.applyFlags(inherit, flagged[1]);
        inherit.base = inherit.i;
        this.out += inherit.i === parent.i ? '(?:' : modifier(inherit.i);
        this.stack.push(inherit);
        return;
      }
      // A bare flag change lasts to the end of the enclosing group, across its alternatives,
      // so a change of (?i) wraps each remaining alternative in a JS modifier group.
      const before = parent.i;
      this.applyFlags(parent, flagged[1]);
      if (parent.i === before) return;
      if (parent.wrap) this.out += ')';
      parent.wrap = parent.i === parent.base ? undefined : modifier(parent.i);
      this.out += parent.wrap ?? '';
      return;
    }
    if (rest.startsWith('(?')) throw new Error(`invalid or unsupported Perl syntax: ${JSON.stringify(rest.slice(0, 3))}`);
    this.out += '(';
    this.pos++;
    this.stack.push(inherit);
  }

  private escape(inClass: boolean): string {
    const { out, end } = translateEscape(this.p, this.pos, inClass);
    this.pos = end;
    return out;
  }

  private charClass(): string {
    const p = this.p;
    const start = this.pos;
    let out = '[';
    this.pos++;
    if (p[this.pos] === '^') {
      out += '^';
      this.pos++;
    }
    // In RE2 a "]" right after "[" or "[^" is a literal.
    if (p[this.pos] === ']') {
      out += '\\]';
      this.pos++;
    }
    while (this.pos < p.length && p[this.pos] !== ']') {
      const c = p[this.pos];
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.pos));
      if (posix) {
        const ranges = POSIX[posix[2]];
        if (!ranges) throw new Error(`invalid character class range: ${posix[0]}`);
        if (posix[1]) throw new Error(`negated POSIX class ${posix[0]} is not supported`);
        out += ranges;
        this.pos += posix[0].length;
      } else if (c === '\\') out += this.escape(true);
      else if (c === '[') {
        out += '\\[';
        this.pos++;
      } else {
        const cp = p.codePointAt(this.pos)!;
        out += String.fromCodePoint(cp);
        this.pos += cp > 0xffff ? 2 : 1;
      }
    }
    if (this.pos >= p.length) throw new Error(`missing closing ]: ${JSON.stringify(p.slice(start))}`);
    this.pos++;
    return out + ']';
  }
}

function modifier(caseInsensitive: boolean): string {
  if (!MODIFIERS) throw new Error('changing (?i) after the start of the pattern needs a newer Node.js (RegExp modifiers)');
  return caseInsensitive ? '(?i:' : '(?-i:';
}
