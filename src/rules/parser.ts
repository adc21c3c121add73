import { Lexer, type Token, type TokenKind } from './lexer.js';
import { RuleFault } from './rule-error.js';
import { parseSimpleRule } from './simple-rule.js';

/** One argument of a matcher call, with its 0-based index in the rule. */
export interface RuleArg {
  value: string;
  index: number;
}

/**
 * A node of a parsed rule; `!` is already pushed down to the matchers (De Morgan), as Traefik
 * does, and chains of one operator are flattened so long rules do not nest deeply.
 */
export type RuleNode =
  | { kind: 'and' | 'or'; children: RuleNode[] }
  | { kind: 'matcher'; name: string; args: RuleArg[]; index: number; negated: boolean };

const MAX_DEPTH = 100;

const DESCRIBE: Record<TokenKind, string> = {
  ident: 'name', string: 'string', and: '"&&"', or: '"||"', not: '"!"',
  lparen: '"("', rparen: '")"', comma: '","', eof: 'end of rule',
};

/**
 * Parses a rule with Go's expression grammar (`!` binds tighter than `&&`, which binds tighter
 * than `||`, both left-associative); `names` maps each accepted spelling to the matcher's name.
 */
export function parseRule(rule: string, names: ReadonlyMap<string, string>): RuleNode {
  return parseSimpleRule(rule, names) ?? parseFullRule(rule, names);
}

/** parseRule without the fast path for the common shape; tests check that both give the same tree. */
export function parseFullRule(rule: string, names: ReadonlyMap<string, string>): RuleNode {
  const lexer = new Lexer(rule);
  let tok = lexer.next();
  // Read through a function: TypeScript would otherwise keep `tok` narrowed across the calls that move it.
  const peek = (): Token => tok;
  if (peek().kind === 'eof') throw new RuleFault('empty rule', 0);
  const advance = (): Token => {
    const current = tok;
    tok = lexer.next();
    return current;
  };
  const expect = (kind: TokenKind, after: string): Token => {
    if (peek().kind !== kind) {
      const found = tok.kind === 'eof' ? '' : ` but found ${describe(tok)}`;
      throw new RuleFault(`expected ${DESCRIBE[kind]}${after}${found}`, tok.index);
    }
    return advance();
  };

  const parseOr = (negate: boolean, depth: number): RuleNode => {
    const children = [parseAnd(negate, depth)];
    while (peek().kind === 'or') {
      advance();
      children.push(parseAnd(negate, depth));
    }
    return children.length === 1 ? children[0] : { kind: negate ? 'and' : 'or', children };
  };
  const parseAnd = (negate: boolean, depth: number): RuleNode => {
    const children = [parseUnary(negate, depth)];
    while (peek().kind === 'and') {
      advance();
      children.push(parseUnary(negate, depth));
    }
    return children.length === 1 ? children[0] : { kind: negate ? 'or' : 'and', children };
  };
  const parseUnary = (negated: boolean, depth: number): RuleNode => {
    let negate = negated;
    for (; peek().kind === 'not'; advance()) negate = !negate;
    if (peek().kind === 'lparen') {
      const open = advance();
      // Bounded so that a hostile rule cannot exhaust the stack of the process compiling it.
      if (depth >= MAX_DEPTH) throw new RuleFault(`parentheses nested deeper than ${MAX_DEPTH}`, open.index);
      const inner = parseOr(negate, depth + 1);
      if (peek().kind === 'eof') throw new RuleFault('unbalanced parentheses: this "(" is never closed', open.index);
      expect('rparen', '');
      return inner;
    }
    if (peek().kind !== 'ident') throw new RuleFault(`expected a matcher, found ${describe(tok)}`, tok.index);
    const nameTok = advance();
    const name = names.get(nameTok.value);
    if (name === undefined) throw new RuleFault(`unknown matcher "${nameTok.value}"`, nameTok.index);
    expect('lparen', ` after ${nameTok.value}`);
    const args: RuleArg[] = [];
    while (peek().kind !== 'rparen') {
      if (peek().kind !== 'string') {
        const why = peek().kind === 'ident' ? ' (unquoted arguments are not allowed: use backticks or double quotes)' : '';
        throw new RuleFault(`expected a quoted string argument to ${nameTok.value}, found ${describe(tok)}${why}`, tok.index);
      }
      const arg = advance();
      args.push({ value: arg.value, index: arg.index });
      // Go's call syntax allows a trailing comma before ")".
      if (peek().kind === 'comma') advance();
      else if (peek().kind !== 'rparen') expect('rparen', '');
    }
    advance();
    return { kind: 'matcher', name, args, index: nameTok.index, negated: negate };
  };

  const root = parseOr(false, 0);
  if (peek().kind !== 'eof') throw new RuleFault(`unexpected ${describe(tok)} after a complete expression`, tok.index);
  return root;
}

function describe(tok: Token): string {
  if (tok.kind === 'ident') return `"${tok.value}"`;
  if (tok.kind === 'string') return `string ${JSON.stringify(tok.value)}`;
  return DESCRIBE[tok.kind];
}
