import { readGoString } from './go-string.js';
import { RuleFault } from './rule-error.js';

/** The kinds of token a rule is made of (it is a Go expression). */
export type TokenKind = 'ident' | 'string' | 'and' | 'or' | 'not' | 'lparen' | 'rparen' | 'comma' | 'eof';

/** One token with its 0-based index in the rule. */
export interface Token {
  kind: TokenKind;
  value: string;
  index: number;
}

const PUNCTUATION = new Map<string, TokenKind>([
  ['(', 'lparen'],
  [')', 'rparen'],
  [',', 'comma'],
  ['!', 'not'],
]);

// Go identifiers as Traefik's rules use them: ASCII letters, digits and underscores, not starting with a digit.
const isIdentStart = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isIdentPart = (code: number): boolean => isIdentStart(code) || (code >= 48 && code <= 57);

/** Splits a rule into tokens on demand, with Go's lexical rules. */
export class Lexer {
  private pos = 0;
  private last: TokenKind | undefined;

  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  /** Reads the next token, throwing a RuleFault on anything Go's scanner would refuse here. */
  next(): Token {
    const newline = this.skipSpace();
    const index = this.pos;
    const token = this.scan();
    // Go inserts a semicolon at a newline after an operand or ")", so an expression cannot continue
    // on the next line (a trailing newline is allowed), exactly as Traefik's parser behaves.
    if (newline >= 0 && token.kind !== 'eof' && (this.last === 'ident' || this.last === 'string' || this.last === 'rparen')) {
      throw new RuleFault('unexpected newline (an operator must end the line, not start the next)', newline);
    }
    this.last = token.kind;
    token.index = index;
    return token;
  }

  private skipSpace(): number {
    let newline = -1;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\n' && newline < 0) newline = this.pos;
      else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') break;
      this.pos++;
    }
    return newline;
  }

  // Allocates only the token (no closure, no match array): a compile of 10,000 rules scans 100,000 tokens.
  private tok(kind: TokenKind, value: string, start: number, length: number): Token {
    this.pos = start + length;
    return { kind, value, index: start };
  }

  private scan(): Token {
    const { src } = this;
    const start = this.pos;
    const c = src[start];
    if (c === undefined) return this.tok('eof', '', start, 0);
    const punctuation = PUNCTUATION.get(c);
    if (punctuation !== undefined) return this.tok(punctuation, c, start, 1);
    if ((c === '&' || c === '|') && src[start + 1] === c) return this.tok(c === '&' ? 'and' : 'or', c + c, start, 2);
    if (c === '`') {
      const close = src.indexOf('`', start + 1);
      if (close < 0) throw new RuleFault('raw string literal not terminated', start);
      // Go discards carriage returns inside raw strings.
      const raw = src.slice(start + 1, close);
      return this.tok('string', raw.includes('\r') ? raw.replaceAll('\r', '') : raw, start, close + 1 - start);
    }
    if (c === '"') {
      const { value, end } = readGoString(src, start);
      return this.tok('string', value, start, end - start);
    }
    if (c === "'") {
      throw new RuleFault('single quotes are not allowed (Go rune literal): quote arguments with backticks or double quotes', start);
    }
    if (isIdentStart(src.charCodeAt(start))) {
      let end = start + 1;
      while (end < src.length && isIdentPart(src.charCodeAt(end))) end++;
      return this.tok('ident', src.slice(start, end), start, end - start);
    }
    if (/[0-9.]/.test(c)) {
      throw new RuleFault('numbers are not allowed: arguments must be quoted strings', start);
    }
    throw new RuleFault(`unexpected character ${JSON.stringify(c)}`, start);
  }
}
